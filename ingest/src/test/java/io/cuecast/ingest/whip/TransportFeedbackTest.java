package io.cuecast.ingest.whip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransportFeedbackTest {
    /** Reads a feedback packet back: base, count, reference time, and per sequence the arrival in µs or -1. */
    static long[] parse(byte[] fb, List<Long> arrivals) {
        ByteBuffer b = ByteBuffer.wrap(fb);
        assertThat(fb[0] & 0xff & 0x1f).as("FMT 15").isEqualTo(15);
        assertThat(fb[1] & 0xff).as("RTPFB").isEqualTo(205);
        assertThat(4 * ((b.getShort(2) & 0xffff) + 1)).isEqualTo(fb.length);
        int base = b.getShort(12) & 0xffff;
        int count = b.getShort(14) & 0xffff;
        long reference = (b.getInt(16) >>> 8) * 64_000L;
        int pos = 20;
        List<Integer> symbols = new ArrayList<>();
        while (symbols.size() < count) {
            int chunk = b.getShort(pos) & 0xffff;
            pos += 2;
            assertThat(chunk & 0xC000).as("two-bit status vector").isEqualTo(0xC000);
            for (int k = 0; k < 7 && symbols.size() < count; k++) {
                symbols.add((chunk >> (12 - 2 * k)) & 3);
            }
        }
        long t = reference;
        for (int sym : symbols) {
            if (sym == 0) {
                arrivals.add(-1L);
            } else if (sym == 1) {
                t += (b.get(pos++) & 0xff) * 250L;
                arrivals.add(t);
            } else {
                t += b.getShort(pos) * 250L;
                pos += 2;
                arrivals.add(t);
            }
        }
        return new long[] {base, count, reference};
    }

    @Test
    void reportsArrivalsLossesAndLargeGapsToTheQuarterMillisecond() {
        TransportFeedback f = new TransportFeedback();
        f.onPacket(100, 1_000_000);
        f.onPacket(101, 1_005_000);
        f.onPacket(103, 1_005_250); // 102 lost
        f.onPacket(104, 1_200_000); // 195 ms later: a large delta
        byte[] fb = f.build(7, 8);
        List<Long> at = new ArrayList<>();
        long[] header = parse(fb, at);
        assertThat(header[0]).isEqualTo(100);
        assertThat(header[1]).isEqualTo(5);
        assertThat(at).containsExactly(1_000_000L, 1_005_000L, -1L, 1_005_250L, 1_200_000L);
        assertThat(f.build(7, 8)).as("nothing new").isNull();
        // The next feedback starts after the last one and ignores late packets it already reported lost.
        f.onPacket(102, 1_300_000);
        f.onPacket(105, 1_300_000);
        at.clear();
        header = parse(f.build(7, 8), at);
        assertThat(header[0]).isEqualTo(105);
        assertThat(at).containsExactly(1_300_000L);
        assertThat(fb[19]).as("feedback packet count").isEqualTo((byte) 0);
    }

    @Test
    void sequenceNumbersWrapAndLongRunsAreSplit() {
        TransportFeedback f = new TransportFeedback();
        for (int i = 0; i < 1000; i++) {
            f.onPacket((65_000 + i) & 0xffff, 5_000_000L + i * 1000L);
        }
        List<Long> at = new ArrayList<>();
        long[] h = parse(f.build(1, 2), at);
        assertThat(h[0]).isEqualTo(65_000);
        assertThat(h[1]).isEqualTo(TransportFeedback.MAX_STATUS);
        at.clear();
        h = parse(f.build(1, 2), at);
        assertThat(h[0]).isEqualTo((65_000 + TransportFeedback.MAX_STATUS) & 0xffff);
        assertThat(at.get(0)).isEqualTo(5_000_000L + TransportFeedback.MAX_STATUS * 1000L);
    }

    @Test
    void theExtensionIsFoundInOneAndTwoByteForms() {
        // One-byte form (0xBEDE): id 3 = TWCC 0x1234, after a 1-byte element with id 1.
        byte[] one = {(byte) 0x90, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9, (byte) 0xBE, (byte) 0xDE, 0, 2,
            0x10, 0x55, 0x31, 0x12, 0x34, 0, 0, 0, 1};
        assertThat(RtpPacket.extension16(one, one.length, 3)).isEqualTo(0x1234);
        assertThat(RtpPacket.extension16(one, one.length, 4)).isEqualTo(-1);
        // Two-byte form (0x1000): id 5, length 2.
        byte[] two = {(byte) 0x90, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9, 0x10, 0x00, 0, 1, 5, 2, (byte) 0xAB, (byte) 0xCD, 1};
        assertThat(RtpPacket.extension16(two, two.length, 5)).isEqualTo(0xABCD);
        // Truncated: the declared extension runs past the end.
        assertThat(RtpPacket.extension16(one, 18, 3)).isEqualTo(-1);
    }

    @Test
    void receiverReportsCountLossAndEchoTheSenderReport() {
        ReceiverStats s = new ReceiverStats(0xCAFE, 90_000);
        for (int seq = 65_530; seq < 65_530 + 100; seq++) {
            if (seq % 10 != 5) { // 65535, 65545, … 65625: ten lost, neither first nor last
                s.onPacket(seq & 0xffff, seq * 3000L, seq * 33L, false);
            }
        }
        s.onSenderReport(0x1122334455667788L, 1000);
        byte[] rr = ReceiverStats.receiverReport(1, 1500, s);
        ByteBuffer b = ByteBuffer.wrap(rr);
        assertThat(rr.length).isEqualTo(32);
        assertThat(rr[0] & 0x1f).isEqualTo(1);
        assertThat(rr[1] & 0xff).isEqualTo(201);
        assertThat(b.getInt(8)).isEqualTo(0xCAFE);
        assertThat(b.getInt(12) & 0xffffff).as("cumulative lost").isEqualTo(10);
        assertThat(b.getInt(12) >>> 24).as("fraction lost, 1/256").isEqualTo(10 * 256 / 99);
        assertThat(b.getInt(16)).as("extended highest sequence").isEqualTo(65_530 + 99);
        byte[] again = ReceiverStats.receiverReport(1, 1600, s);
        assertThat(again[12]).as("nothing lost in the interval since").isZero();
        assertThat(b.getInt(24)).as("LSR: the middle of the NTP time").isEqualTo(0x33445566);
        assertThat(b.getInt(28)).as("DLSR: 500 ms in 1/65536 s").isEqualTo(32768);
    }
}
