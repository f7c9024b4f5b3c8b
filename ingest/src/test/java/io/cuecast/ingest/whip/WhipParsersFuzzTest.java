package io.cuecast.ingest.whip;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The WHIP parsers that face the network (UDP from anyone): STUN, RTP, the H.264 depacketizer.
 * Without JAZZER_FUZZ=1 each runs once per committed seed; the only acceptable failure is our own
 * {@link MalformedPacketException}, which the session counts and drops.
 */
class WhipParsersFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void stun(byte[] input) {
        try {
            StunMessage m = StunMessage.parse(input, 0, input.length);
            m.fingerprintValid();
            m.integrityValid("fuzz-password-0123456789");
        } catch (MalformedPacketException expected) {
            // a clear refusal is the right answer to garbage
        }
    }

    @FuzzTest(maxDuration = "30s")
    void rtpAndH264(byte[] input) {
        // The input is a run of packets, each prefixed by a one-byte length.
        H264Depacketizer h = new H264Depacketizer();
        int pos = 0;
        int packets = 0;
        while (pos < input.length && packets++ < 256) {
            int len = Math.min(input[pos] & 0xff, input.length - pos - 1);
            try {
                RtpPacket p = RtpPacket.parse(input, pos + 1, len);
                for (H264Depacketizer.AccessUnit au : h.push(p)) {
                    if (au.avcc().length > H264Depacketizer.MAX_FRAME_BYTES) {
                        throw new AssertionError("an access unit over the bound");
                    }
                }
            } catch (MalformedPacketException expected) {
                // counted and dropped
            }
            pos += 1 + len;
        }
    }
}
