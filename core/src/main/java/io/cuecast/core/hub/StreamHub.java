package io.cuecast.core.hub;

import io.cuecast.core.media.MediaKind;
import io.cuecast.core.media.Packet;
import io.cuecast.core.media.Track;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * The meeting point of one live stream: exactly one publisher feeds it, any number of readers
 * consume it through bounded queues on their own executors (docs/architecture.md, "The hub").
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
    private final Publisher publisher;
    private final StreamStats stats = new StreamStats(Instant.now());
    /** Video track whose time is the live edge, and its ticks per second; -1 before prepare. */
    private volatile int edgeTrack = -1;
    private volatile int edgeTimescale = 1;
    private volatile long liveEdgeMs = -1;
    private final Clock clock;
    /** The session's media clock ↔ wall clock mapping, fixed by its first packet. */
    private volatile long anchorMs;
    private volatile Instant anchorWall;

    /**
     * Creates the hub of {@code streamId} in state CREATED, fed by {@code publisher}.
     *
     * @param clock the wall clock that {@link #wallClockAt} maps media time onto
     */
    public StreamHub(String streamId, Publisher publisher, Clock clock) {
        this.streamId = streamId;
        this.publisher = publisher;
        this.clock = clock;
    }

    /** A hub fed from the caller's own thread, that cannot be asked to stop (tests, tools). */
    public StreamHub(String streamId) {
        this(streamId, Publisher.inProcess("in-process"), Clock.systemUTC());
    }

    /** The stream this hub carries. */
    public String streamId() {
        return streamId;
    }

    /** Who feeds this hub. */
    public Publisher publisher() {
        return publisher;
    }

    /**
     * Publishes a packet from outside the publisher (a cue from the admin API): it is handed to the
     * publisher's thread so it takes its place in the one ordered sequence every reader sees.
     */
    public void inject(Packet packet) {
        publisher.executor().execute(() -> publish(packet));
    }

    /** Asks the publisher to stop, for example because the stream was deleted. */
    public void terminate(String reason) {
        publisher.close(reason);
    }

    /**
     * The live edge: decode time in milliseconds of the newest video frame published, -1 before
     * the first. Where "now" is on the media clock, for a cue placed now and for a ladder measuring
     * how far it is behind. Decode time, not presentation time: frames arrive in decode order, so
     * the newest decode time is what the publisher has reached now, and {@link #wallClockAt} of it
     * is the wall-clock now; a presentation time runs ahead of it by the encoder's reorder delay
     * (two or three frames with B-frames).
     */
    public long liveEdgeMs() {
        return liveEdgeMs;
    }

    /**
     * The wall-clock time of media time {@code ms} of this session, or null before the first packet.
     * One mapping for everything that dates the stream: the HLS program date-times and the
     * {@code programDateTime} the cue API answers are the same instant for the same cue.
     */
    public Instant wallClockAt(long ms) {
        Instant wall = anchorWall;
        return wall == null ? null : wall.plusMillis(ms - anchorMs);
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
            edgeTrackOf(tracks);
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
            edgeTrackOf(tracks);
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
        if (anchorWall == null) {
            anchorMs = packet.dts() * 1000 / timescaleOf(packet.trackId());
            // Milliseconds, as playlists print them: the cue API and the DATERANGE then show one instant.
            anchorWall = clock.instant().truncatedTo(ChronoUnit.MILLIS); // written after anchorMs
        }
        if (packet.trackId() == edgeTrack) {
            long ms = packet.dts() * 1000 / edgeTimescale;
            if (ms > liveEdgeMs) {
                liveEdgeMs = ms; // one writer: the publisher's thread
            }
        }
        for (ReaderHandle r : readers) {
            r.offerPacket(packet);
        }
    }

    private int timescaleOf(int trackId) {
        for (Track t : tracks) {
            if (t.id() == trackId) {
                return Math.max(1, t.timescale());
            }
        }
        return 1000;
    }

    private void edgeTrackOf(List<Track> list) {
        for (Track t : list) {
            if (t.kind() == MediaKind.VIDEO) {
                edgeTimescale = Math.max(1, t.timescale());
                edgeTrack = t.id();
                return;
            }
        }
        edgeTrack = -1;
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
