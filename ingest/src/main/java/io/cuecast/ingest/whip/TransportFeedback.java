package io.cuecast.ingest.whip;

import java.nio.ByteBuffer;
import java.util.TreeMap;

/**
 * Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01
 * §3.1): when each packet with a transport-wide sequence number arrived, reported to the sender
 * every ~100 ms. The sender's bandwidth estimator (libwebrtc's GCC in browsers) works from these
 * delays; without them a browser stays near its 300 kb/s start rate.
 *
 * <p>Each feedback covers the sequence numbers after the previous one's, up to the highest seen;
 * symbols are two-bit status vector chunks (§3.1.4), deltas in 250 µs units. Not thread-safe: the
 * session's event loop.
 */
final class TransportFeedback {
    /** Sequence numbers per feedback: ~1.1 kB at most, under any path MTU. */
    static final int MAX_STATUS = 400;
    /** Arrivals kept while waiting to be reported; beyond it the oldest are dropped. */
    private static final int MAX_HELD = 4096;
    private static final int RTPFB = 205;
    private static final int FMT = 15;

    private final TreeMap<Long, Long> arrivals = new TreeMap<>();
    private long highest = -1;
    private long nextBase = -1;
    private int feedbackCount;

    /** A packet with transport-wide sequence number {@code seq16} arrived at {@code arrivalUs}. */
    void onPacket(int seq16, long arrivalUs) {
        long seq = SequenceNumbers.extend(highest, seq16);
        if (nextBase >= 0 && seq < nextBase) {
            return; // already reported as lost; a late arrival is not reported twice
        }
        highest = Math.max(highest, seq);
        arrivals.putIfAbsent(seq, arrivalUs);
        while (arrivals.size() > MAX_HELD) {
            arrivals.pollFirstEntry();
        }
    }

    /** The next feedback packet (plain RTCP), or null when nothing arrived since the last one. */
    byte[] build(long senderSsrc, long mediaSsrc) {
        if (arrivals.isEmpty()) {
            return null;
        }
        long base = nextBase < 0 ? arrivals.firstKey() : nextBase;
        if (arrivals.firstKey() - base >= MAX_STATUS) {
            base = arrivals.firstKey(); // a long run lost (or dropped from memory): start at what arrived
        }
        int count = (int) Math.min(highest - base + 1, MAX_STATUS);
        long referenceUs = arrivals.ceilingEntry(base).getValue();
        long reference64ms = Math.floorDiv(referenceUs, 64_000);
        int[] symbols = new int[count];
        ByteBuffer deltas = ByteBuffer.allocate(2 * count);
        long previous = reference64ms * 64_000;
        for (int i = 0; i < count; i++) {
            Long at = arrivals.get(base + i);
            if (at == null) {
                continue; // 0: not received
            }
            long delta = Math.floorDiv(at - previous, 250);
            if (delta >= 0 && delta <= 255) {
                symbols[i] = 1;
                deltas.put((byte) delta);
            } else {
                delta = Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, delta));
                symbols[i] = 2;
                deltas.putShort((short) delta);
            }
            previous += delta * 250;
        }
        int chunks = (count + 6) / 7;
        int body = 20 + 2 * chunks + deltas.position();
        int padding = (4 - body % 4) % 4;
        ByteBuffer b = ByteBuffer.allocate(body + padding);
        b.put((byte) (0x80 | (padding > 0 ? 0x20 : 0) | FMT)).put((byte) RTPFB)
                .putShort((short) ((body + padding) / 4 - 1))
                .putInt((int) senderSsrc).putInt((int) mediaSsrc)
                .putShort((short) base).putShort((short) count)
                .putInt((int) ((reference64ms & 0xffffff) << 8 | (feedbackCount++ & 0xff)));
        for (int c = 0; c < chunks; c++) {
            int chunk = 0xC000; // status vector chunk, two-bit symbols (§3.1.4)
            for (int k = 0; k < 7; k++) {
                int i = c * 7 + k;
                chunk |= (i < count ? symbols[i] : 0) << (12 - 2 * k);
            }
            b.putShort((short) chunk);
        }
        b.put(deltas.array(), 0, deltas.position());
        if (padding > 0) {
            b.position(b.capacity() - 1);
            b.put((byte) padding); // RFC 3550 §6.4.1: the last byte counts the padding
        }
        nextBase = base + count;
        arrivals.headMap(nextBase).clear();
        return b.array();
    }
}
