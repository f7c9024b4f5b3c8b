package io.cuecast.core.hub;

import io.cuecast.core.media.Packet;
import io.cuecast.core.media.Track;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * The meeting point of one live stream: exactly one publisher feeds it, any number of readers
 * consume it through bounded queues on their own executors (DESIGN §2).
 *
 * <p>Publisher methods ({@link #prepare}, {@link #update}, {@link #publish}, {@link #end}) must be
 * called from one thread at a time (the ingest connection's event loop); readers may attach from
 * anywhere.
 */
public final class StreamHub {
    private final String streamId;
    private final CopyOnWriteArrayList<ReaderHandle> readers = new CopyOnWriteArrayList<>();
    private volatile StreamState state = StreamState.CREATED;
    private volatile List<Track> tracks = List.of();
    private final Object attachLock = new Object();
    private volatile Runnable terminator = () -> { };
    private volatile java.util.concurrent.Executor publisherThread = Runnable::run;
    private final StreamStats stats = new StreamStats(java.time.Instant.now());
    private volatile boolean sourceOffered = true;

    /** Creates the hub of {@code streamId} in state CREATED. */
    public StreamHub(String streamId) {
        this.streamId = streamId;
    }

    /** The stream this hub carries. */
    public String streamId() {
        return streamId;
    }

    /** Sets how {@link #terminate} disconnects the publisher (ingest sets it at publish). */
    public void terminator(Runnable disconnect) {
        this.terminator = disconnect;
    }

    /** Sets the thread of the publisher ({@link #inject} hops onto it). */
    public void publisherThread(java.util.concurrent.Executor executor) {
        this.publisherThread = executor;
    }

    /**
     * Publishes a packet from outside the publisher (a cue from the admin API): it is handed to the
     * publisher's thread so it takes its place in the one ordered sequence every reader sees.
     */
    public void inject(Packet packet) {
        publisherThread.execute(() -> publish(packet));
    }

    /** Asks the publisher's connection to close, for example because the stream was deleted. */
    public void terminate() {
        terminator.run();
    }

    /**
     * Whether players are offered this stream's own media as a rendition; false when a ladder
     * without passthrough replaces it with transcoded renditions.
     */
    public boolean sourceOffered() {
        return sourceOffered;
    }

    /** Sets {@link #sourceOffered()}; the ladder calls it before the stream is prepared. */
    public void sourceOffered(boolean offered) {
        this.sourceOffered = offered;
    }

    /** Live figures of this publish session. */
    public StreamStats stats() {
        return stats;
    }

    /** Current lifecycle state. */
    public StreamState state() {
        return state;
    }

    /** The tracks, empty until prepared. */
    public List<Track> tracks() {
        return tracks;
    }

    /**
     * Attaches a reader. If the hub is already prepared, the reader gets the tracks at once and then
     * packets starting at the next video keyframe.
     *
     * @param capacity queue bound in events; beyond it packets are dropped and counted
     */
    public ReaderHandle attach(String name, StreamReader reader, Executor executor, int capacity) {
        ReaderHandle[] self = new ReaderHandle[1];
        ReaderHandle handle = new ReaderHandle(name, reader, executor, capacity, () -> readers.remove(self[0]));
        self[0] = handle;
        synchronized (attachLock) {
            StreamState s = state;
            if (s == StreamState.DELETED) {
                handle.offerEnd();
                return handle;
            }
            if (s != StreamState.CREATED) {
                handle.offerTracks(tracks);
            }
            readers.add(handle);
        }
        return handle;
    }

    /** The currently attached readers. */
    public List<ReaderHandle> readers() {
        return List.copyOf(readers);
    }

    /** Every track's config is known: readers get the tracks and, from now on, packets. */
    public void prepare(List<Track> prepared) {
        synchronized (attachLock) {
            if (state != StreamState.CREATED) {
                throw new IllegalStateException("hub " + streamId + " is " + state + ", cannot prepare");
            }
            tracks = List.copyOf(prepared);
            state = StreamState.PREPARED;
            for (ReaderHandle r : readers) {
                r.offerTracks(tracks);
            }
        }
    }

    /** A track's config changed mid-stream. */
    public void update(List<Track> updated) {
        synchronized (attachLock) {
            if (state != StreamState.PREPARED && state != StreamState.UPDATED) {
                throw new IllegalStateException("hub " + streamId + " is " + state + ", cannot update");
            }
            tracks = List.copyOf(updated);
            state = StreamState.UPDATED;
            for (ReaderHandle r : readers) {
                r.offerTracks(tracks);
            }
        }
    }

    /** Fans one packet out to every reader; never blocks. Packets before prepare are ignored. */
    public void publish(Packet packet) {
        if (state == StreamState.CREATED || state == StreamState.DELETED) {
            return;
        }
        for (ReaderHandle r : readers) {
            r.offerPacket(packet);
        }
    }

    /** The publisher left: every reader gets its end callback. Idempotent. */
    public void end() {
        synchronized (attachLock) {
            if (state == StreamState.DELETED) {
                return;
            }
            state = StreamState.DELETED;
            for (ReaderHandle r : readers) {
                r.offerEnd();
            }
            readers.clear();
        }
    }

    /** Packets dropped over all current readers. */
    public long droppedPackets() {
        long sum = 0;
        for (ReaderHandle r : readers) {
            sum += r.dropped();
        }
        return sum;
    }
}
