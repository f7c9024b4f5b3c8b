package io.cuecast.ingest.whip;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Puts one SSRC's RTP packets back in sequence order and decides which lost ones to ask for again
 * (generic NACK, RFC 4585): a gap is NACKed at once and again every {@code retryMs} up to
 * {@code maxNacks} times; a packet still missing after {@code maxWaitMs} is given up and the ones
 * after it are released, so a lost packet costs a frame, never the stream. Sequence numbers are
 * unwrapped to 64 bits (RFC 3550 §A.1). Bounded in packets: a burst past {@link #MAX_PACKETS} gives
 * up the oldest gap at once.
 *
 * <p>Not thread-safe: one per SSRC, on the session's event loop. Time comes in as milliseconds.
 */
public final class ReorderBuffer {
    public static final int MAX_PACKETS = 1024;

    private final long maxWaitMs;
    private final long retryMs;
    private final int maxNacks;
    private final TreeMap<Long, RtpPacket> held = new TreeMap<>();
    /** Missing extended sequence numbers: when first missed, when last NACKed, how often. */
    private final TreeMap<Long, long[]> missing = new TreeMap<>();
    private long next = -1;
    private long highest = -1;
    private long lost;

    public ReorderBuffer(long maxWaitMs, long retryMs, int maxNacks) {
        this.maxWaitMs = maxWaitMs;
        this.retryMs = retryMs;
        this.maxNacks = maxNacks;
    }

    /** Packets given up as lost. */
    public long lost() {
        return lost;
    }

    /** Takes a packet; returns those now in order (possibly none, possibly several). */
    public List<RtpPacket> push(RtpPacket p, long nowMs) {
        long seq = SequenceNumbers.extend(highest, p.sequence());
        List<RtpPacket> out = new ArrayList<>();
        if (next < 0) {
            next = seq;
        }
        if (seq < next || held.containsKey(seq)) {
            return out; // late after giving up, or a duplicate (an RTX of one we had)
        }
        missing.remove(seq);
        for (long s = Math.max(next, highest + 1); s < seq && missing.size() < MAX_PACKETS; s++) {
            missing.put(s, new long[] {nowMs, Long.MIN_VALUE, 0});
        }
        highest = Math.max(highest, seq);
        held.put(seq, p);
        if (held.size() > MAX_PACKETS) {
            skipTo(held.firstKey()); // give up the oldest gap: memory is bounded
        }
        release(out);
        return out;
    }

    /**
     * The sequence numbers (16-bit) to NACK now; gives up those waited for too long and returns the
     * packets that releases, in {@code released}.
     */
    public List<Integer> due(long nowMs, List<RtpPacket> released) {
        List<Integer> nack = new ArrayList<>();
        Long oldest = missing.isEmpty() ? null : missing.firstKey();
        if (oldest != null && nowMs - missing.get(oldest)[0] >= maxWaitMs) {
            // The oldest gap waited long enough: every gap before the next held packet goes with it.
            Long after = held.higherKey(oldest);
            if (after != null) {
                skipTo(after);
                release(released);
            }
        }
        for (var e : missing.entrySet()) {
            long[] m = e.getValue();
            if (m[2] < maxNacks && (m[1] == Long.MIN_VALUE || nowMs - m[1] >= retryMs)) {
                m[1] = nowMs;
                m[2]++;
                nack.add((int) (e.getKey() & 0xffff));
            }
        }
        return nack;
    }

    private void skipTo(long seq) {
        long gaveUp = missing.headMap(seq).size();
        lost += gaveUp;
        missing.headMap(seq).clear();
        next = seq;
    }

    private void release(List<RtpPacket> out) {
        while (!held.isEmpty() && held.firstKey() == next) {
            out.add(held.pollFirstEntry().getValue());
            next++;
        }
    }
}
