package io.cuecast.core.hub;

import io.cuecast.core.media.MediaKind;
import io.cuecast.core.media.Packet;
import io.cuecast.core.media.Track;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reader's bounded queue and its drain task. The publisher only ever enqueues; when the queue
 * is full the packet is dropped and counted, and the reader resumes at the next video keyframe so
 * it never decodes across a hole.
 */
public final class ReaderHandle {
    private static final Logger log = LoggerFactory.getLogger(ReaderHandle.class);
    /**
     * Payload bytes one reader may have queued, whatever its capacity in events: a publisher's
     * frames can be megabytes each (up to rtmp.maxMessageBytes), so a count alone bounds nothing.
     * About 13 s of a 20 Mbit/s source.
     */
    public static final long MAX_QUEUED_BYTES = 32L * 1024 * 1024;
    /** At most one "reader is too slow" line per reader in this many nanoseconds. */
    private static final long DROP_LOG_INTERVAL_NANOS = 5_000_000_000L;

    private sealed interface Event permits TracksEvent, PacketEvent, EndEvent {}

    private record TracksEvent(List<Track> tracks) implements Event {}

    private record PacketEvent(Packet packet) implements Event {}

    private record EndEvent() implements Event {}

    private final String name;
    private final StreamReader reader;
    private final Executor executor;
    private final int capacity;
    private final Queue<Event> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final Runnable onClose;
    private volatile boolean closed;
    // Publisher-thread state: which track ids are video, and whether we wait for a keyframe.
    private volatile Map<Integer, MediaKind> kinds = Map.of();
    private volatile boolean hasVideo;
    private boolean waitKeyframe = true;
    private long lastDropLog;

    ReaderHandle(String name, StreamReader reader, Executor executor, int capacity, Runnable onClose) {
        this.name = name;
        this.reader = reader;
        this.executor = executor;
        this.capacity = capacity;
        this.onClose = onClose;
    }

    /** The reader's name, as used in logs and metrics. */
    public String name() {
        return name;
    }

    /** Packets dropped because this reader was too slow. */
    public long dropped() {
        return dropped.get();
    }

    /** Detaches the reader; no callbacks are delivered after the current one. */
    public void close() {
        closed = true;
        onClose.run();
    }

    void offerTracks(List<Track> tracks) {
        Map<Integer, MediaKind> k = new HashMap<>();
        for (Track t : tracks) {
            k.put(t.id(), t.kind());
        }
        hasVideo = k.containsValue(MediaKind.VIDEO);
        kinds = k;
        enqueue(new TracksEvent(tracks));
    }

    void offerPacket(Packet packet) {
        MediaKind kind = kinds.get(packet.trackId());
        if (waitKeyframe && hasVideo && kind != MediaKind.DATA) {
            if (kind != MediaKind.VIDEO || !packet.keyframe()) {
                return;
            }
            waitKeyframe = false;
        }
        int size = packet.payload().length();
        if (queued.get() >= capacity || queuedBytes.get() + size > MAX_QUEUED_BYTES) {
            dropped.incrementAndGet();
            waitKeyframe = true;
            long now = System.nanoTime();
            if (now - lastDropLog > DROP_LOG_INTERVAL_NANOS) {
                lastDropLog = now;
                log.warn("reader {} is too slow, discarding packets ({} so far); resuming at next keyframe",
                        name, dropped.get());
            }
            return;
        }
        queuedBytes.addAndGet(size);
        enqueue(new PacketEvent(packet));
    }

    /** Payload bytes waiting in this reader's queue. */
    public long queuedBytes() {
        return queuedBytes.get();
    }

    void offerEnd() {
        enqueue(new EndEvent());
    }

    private void enqueue(Event e) {
        if (closed) {
            return;
        }
        queue.add(e);
        queued.incrementAndGet();
        if (draining.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
    }

    private void drain() {
        while (true) {
            Event e;
            while ((e = queue.poll()) != null) {
                queued.decrementAndGet();
                if (e instanceof PacketEvent p) {
                    queuedBytes.addAndGet(-p.packet().payload().length());
                }
                if (closed) {
                    continue;
                }
                try {
                    deliver(e);
                } catch (RuntimeException | Error ex) {
                    // An Error too: left to escape, it would leave `draining` set and the reader
                    // silently stalled forever (review L3).
                    log.error("reader {} failed on {}; detaching it", name, e.getClass().getSimpleName(), ex);
                    close();
                }
            }
            draining.set(false);
            // A publish may have raced with the flag reset: take the work back if so.
            if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private void deliver(Event e) {
        if (e instanceof TracksEvent t) {
            reader.onTracks(t.tracks());
        } else if (e instanceof PacketEvent p) {
            reader.onPacket(p.packet());
        } else {
            reader.onEnd();
        }
    }
}
