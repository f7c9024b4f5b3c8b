package io.cuecast.ingest.whip;

/**
 * One track's RTP timestamps on the session's media clock: {@code ms = anchor + (rtp − first) / rate},
 * the anchor being when the track's first packet arrived (relative to the session's start), so media
 * flows at once and never waits for a sender report. Timestamps are unwrapped to 64 bits. Once both
 * tracks have a sender report, {@link #alignTo} moves this track's anchor by the difference the
 * reports show between the two tracks' clocks, once (RFC 3550 §6.4.1: the NTP ↔ RTP pair of an SR).
 *
 * <p>Not thread-safe: the session's event loop.
 */
public final class RtpClock {
    /** A correction smaller than this is jitter, a larger one is not a clock offset but a broken sender. */
    static final long MIN_ALIGN_MS = 20;
    static final long MAX_ALIGN_MS = 1000;

    private final int clockRate;
    private long first = Long.MIN_VALUE;
    private long highest;
    private long anchorMs;
    private boolean aligned;

    public RtpClock(int clockRate) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate " + clockRate);
        }
        this.clockRate = clockRate;
    }

    /** The media time in ms of a packet with RTP timestamp {@code rtp32} arriving {@code arrivalMs} into the session. */
    public long toMs(long rtp32, long arrivalMs) {
        long ext = extend(rtp32);
        if (first == Long.MIN_VALUE) {
            first = ext;
            highest = ext;
            anchorMs = arrivalMs;
        }
        highest = Math.max(highest, ext);
        return anchorMs + Math.floorDiv((ext - first) * 1000, clockRate);
    }

    /**
     * The NTP time (ms) the sender's clock had at this track's first packet, from a sender report;
     * or {@code Long.MIN_VALUE} before the first packet.
     */
    public long ntpAtFirst(Rtcp.SenderReport sr) {
        if (first == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        long ext = extend(sr.rtpTimestamp());
        return sr.ntpMillis() - Math.floorDiv((ext - first) * 1000, clockRate);
    }

    /**
     * Aligns this track to {@code reference} once: where the senders' reports put this track's first
     * packet relative to the reference's, against where arrival put them. Returns the correction
     * applied in ms (0 when not applied: already aligned, too small, too large, or not yet known).
     */
    public long alignTo(RtpClock reference, Rtcp.SenderReport mine, Rtcp.SenderReport theirs) {
        long a = ntpAtFirst(mine);
        long b = reference.ntpAtFirst(theirs);
        if (aligned || a == Long.MIN_VALUE || b == Long.MIN_VALUE) {
            return 0;
        }
        aligned = true;
        long correction = (a - b) - (anchorMs - reference.anchorMs);
        if (Math.abs(correction) < MIN_ALIGN_MS || Math.abs(correction) > MAX_ALIGN_MS) {
            return 0;
        }
        anchorMs += correction;
        return correction;
    }

    /**
     * Moves this track's later times by {@code ms} (positive: later). Used to apply an alignment
     * to the other track when this one can only move forward without a visible jump.
     */
    public void shift(long ms) {
        anchorMs += ms;
    }

    private long extend(long rtp32) {
        if (first == Long.MIN_VALUE) {
            return rtp32;
        }
        long base = highest & ~0xffffffffL;
        long candidate = base | (rtp32 & 0xffffffffL);
        if (candidate < highest - 0x80000000L) {
            candidate += 0x100000000L;
        } else if (candidate > highest + 0x80000000L) {
            candidate -= 0x100000000L;
        }
        return candidate;
    }
}
