package io.cuecast.ingest.whip;

import java.nio.ByteBuffer;

/**
 * What one SSRC's receiver report block says (RFC 3550 §6.4.1, counts per Appendix A.3): packets
 * lost, the highest sequence number, interarrival jitter, and the time since the sender's last
 * report, from which the sender computes its round-trip time.
 *
 * <p>Not thread-safe: the session's event loop.
 */
final class ReceiverStats {
    private final long ssrc;
    private final int clockRate;
    private long base = -1;
    private long highest = -1;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    private double jitter;
    private long lastTransit = Long.MIN_VALUE;
    private long lastSrMiddle;
    private long lastSrArrivalMs = -1;

    ReceiverStats(long ssrc, int clockRate) {
        this.ssrc = ssrc;
        this.clockRate = clockRate;
    }

    long ssrc() {
        return ssrc;
    }

    /** A packet of this SSRC arrived (an original or a recovered retransmission). */
    void onPacket(int seq16, long rtpTimestamp, long arrivalMs, boolean retransmission) {
        long seq = SequenceNumbers.extend(highest, seq16);
        if (base < 0) {
            base = seq;
        }
        highest = Math.max(highest, seq);
        received++;
        if (!retransmission) {
            // A.8: jitter from transit time differences, in RTP units.
            long transit = arrivalMs * clockRate / 1000 - rtpTimestamp;
            if (lastTransit != Long.MIN_VALUE) {
                long d = Math.abs(transit - lastTransit);
                jitter += (d - jitter) / 16.0;
            }
            lastTransit = transit;
        }
    }

    /** A sender report of this SSRC arrived. */
    void onSenderReport(long ntp, long arrivalMs) {
        lastSrMiddle = (ntp >>> 16) & 0xffffffffL;
        lastSrArrivalMs = arrivalMs;
    }

    /** Writes this SSRC's 24-byte report block; updates the interval counters. False before any packet. */
    boolean writeBlock(ByteBuffer b, long nowMs) {
        if (base < 0) {
            return false;
        }
        long expected = highest - base + 1;
        long lost = Math.max(0, Math.min(0x7fffff, expected - received));
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        expectedPrior = expected;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        int fraction = expectedInterval == 0 || lostInterval <= 0 ? 0 : (int) ((lostInterval << 8) / expectedInterval);
        long dlsr = lastSrArrivalMs < 0 ? 0 : (nowMs - lastSrArrivalMs) * 65536 / 1000; // 1/65536 s units
        b.putInt((int) ssrc)
                .putInt((Math.min(fraction, 255) << 24) | (int) lost)
                .putInt((int) highest)
                .putInt((int) jitter)
                .putInt((int) lastSrMiddle)
                .putInt((int) dlsr);
        return true;
    }

    /** A receiver report (RFC 3550 §6.4.2, PT 201) from {@code senderSsrc} with a block per known SSRC. */
    static byte[] receiverReport(long senderSsrc, long nowMs, ReceiverStats... sources) {
        ByteBuffer blocks = ByteBuffer.allocate(24 * sources.length);
        int count = 0;
        for (ReceiverStats s : sources) {
            if (s != null && s.writeBlock(blocks, nowMs)) {
                count++;
            }
        }
        ByteBuffer b = ByteBuffer.allocate(8 + 24 * count);
        b.put((byte) (0x80 | count)).put((byte) 201).putShort((short) (1 + 6 * count)).putInt((int) senderSsrc);
        b.put(blocks.array(), 0, 24 * count);
        return b.array();
    }
}
