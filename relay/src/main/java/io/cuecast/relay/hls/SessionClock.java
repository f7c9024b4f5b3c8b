package io.cuecast.relay.hls;

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
    private boolean begun;
    private long offset90k;
    private long baseMs = Long.MIN_VALUE;
    private Instant baseWall;

    /**
     * @param timelineEnd end of the stream's timeline so far (90 kHz), shared by its sessions: a new
     *     session continues where the previous one ended
     */
    SessionClock(Clock clock, AtomicLong timelineEnd) {
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
            baseWall = clock.instant();
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
