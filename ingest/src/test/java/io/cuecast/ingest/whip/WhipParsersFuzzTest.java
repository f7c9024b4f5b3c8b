package io.cuecast.ingest.whip;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The WHIP parsers that face the network: STUN, RTP and the H.264 depacketizer (UDP from anyone),
 * and the SDP offer (HTTP, before the key is known to be good).
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

    @FuzzTest(maxDuration = "30s")
    void sdp(byte[] input) {
        try {
            SdpOffer o = SdpOffer.parse(new String(input, java.nio.charset.StandardCharsets.UTF_8));
            for (SdpOffer.Media m : o.media()) {
                SdpOffer.chooseH264(m);
                SdpOffer.chooseOpus(m);
            }
        } catch (SdpException expected) {
            // 400 naming the line
        }
    }

    @FuzzTest(maxDuration = "30s")
    void rtcp(byte[] input) {
        try {
            Rtcp.senderReports(input, 0, input.length).forEach(Rtcp.SenderReport::ntpMillis);
        } catch (MalformedPacketException expected) {
            // counted and dropped
        }
    }

    @FuzzTest(maxDuration = "30s")
    void rtpHeaderExtensionsAndTransportFeedback(byte[] input) {
        // Any bytes as a decrypted RTP packet: the extension reader returns a 16-bit value or -1,
        // and whatever sequence numbers it yields make a well-formed feedback packet.
        TransportFeedback feedback = new TransportFeedback();
        for (int id = 1; id <= 15; id++) {
            int v = RtpPacket.extension16(input, input.length, id);
            if (v < -1 || v > 0xffff) {
                throw new AssertionError("extension value " + v);
            }
            if (v >= 0) {
                feedback.onPacket(v, id * 1000L);
            }
        }
        byte[] fb = feedback.build(1, 2);
        if (fb != null && (fb.length % 4 != 0 || 4 * ((((fb[2] & 0xff) << 8) | (fb[3] & 0xff)) + 1) != fb.length)) {
            throw new AssertionError("feedback length field disagrees with its size");
        }
    }
}
