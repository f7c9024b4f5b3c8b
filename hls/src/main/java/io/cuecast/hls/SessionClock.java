package io.cuecast.hls;

import io.cuecast.core.hub.StreamHub;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mapping from one publish session's media time to the stream's HLS timeline (90 kHz) and to
 * wall-clock time (EXT-X-PROGRAM-DATE-TIME), shared by every rendition of the session: the source
 * and the ladder's renditions carry the source's timestamps, so segment N of each starts at the same
 * tfdt and the same program date-time. Used only on the stream's serial packager executor.
 */
final class SessionClock {
    static final int TIMESCALE = 90_000;

    private final Clock clock;
    private final AtomicLong timelineEnd;
    private final StreamHub source;
    private boolean begun;
    private long offset90k;
    private long baseMs = Long.MIN_VALUE;
    private Instant baseWall;

    /**
     * @param timelineEnd end of the stream's timeline so far (90 kHz), shared by its sessions: a new
     *     session continues where the previous one ended
     */
    SessionClock(Clock clock, AtomicLong timelineEnd) {
        this(clock, timelineEnd, null);
    }

    /**
     * @param source the session's hub, whose media ↔ wall-clock mapping the program date-times
     *     follow (so a cue's DATERANGE START-DATE is the instant the cue API answered); null to
     *     anchor on {@code clock} at the first packet
     */
    SessionClock(Clock clock, AtomicLong timelineEnd, StreamHub source) {
        this.source = source;
        this.clock = clock;
        this.timelineEnd = timelineEnd;
    }

    /** Fixes the session's offset; the first rendition to start calls it, later calls do nothing. */
    void begin() {
        if (!begun) {
            begun = true;
            offset90k = timelineEnd.get();
        }
    }

    /** Media ticks → timeline ticks; the first call anchors the session at "now". */
    long to90k(long ticks, int timescale) {
        if (baseMs == Long.MIN_VALUE) {
            baseMs = ticks * 1000 / timescale;
            Instant hubWall = source == null ? null : source.wallClockAt(baseMs);
            baseWall = hubWall != null ? hubWall : clock.instant();
        }
        return (ticks * TIMESCALE / timescale) - baseMs * 90 + offset90k;
    }

    /** True once a packet anchored the session. */
    boolean anchored() {
        return baseWall != null;
    }

    /** The wall-clock time of a timeline instant of this session. */
    Instant wall(long t90k) {
        return baseWall.plusNanos((t90k - offset90k) * 1_000_000_000L / TIMESCALE);
    }

    /** A rendition's timeline reached {@code end90k}; the next session starts after the furthest. */
    void reached(long end90k) {
        timelineEnd.accumulateAndGet(end90k, Math::max);
    }
}
