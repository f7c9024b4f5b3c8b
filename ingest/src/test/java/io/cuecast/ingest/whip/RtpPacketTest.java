package io.cuecast.ingest.whip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cuecast.core.media.Bytes;
import org.junit.jupiter.api.Test;

/** RFC 3550 §5.1 headers with CSRCs, an RFC 8285 extension and padding. */
class RtpPacketTest {
    @Test
    void headerFieldsExtensionAndPaddingAreHandled() {
        // V=2 P=1 X=1 CC=1, M=1 PT=111, seq 0x1234, ts 0x01020304, ssrc 0xdeadbeef, CSRC,
        // extension 0xBEDE of 1 word, payload "abcd", then 2 bytes of padding (count 2).
        byte[] d = Bytes.ofHex("b1 ef 1234 01020304 deadbeef 00000001 bede0001 10ff0000 abcd 0002").toArray();
        RtpPacket p = RtpPacket.parse(d, 0, d.length);
        assertThat(p.payloadType()).isEqualTo(111);
        assertThat(p.marker()).isTrue();
        assertThat(p.sequence()).isEqualTo(0x1234);
        assertThat(p.timestamp()).isEqualTo(0x01020304L);
        assertThat(p.ssrc()).isEqualTo(0xdeadbeefL);
        assertThat(Bytes.wrap(d).slice(p.payloadOffset(), p.payloadOffset() + p.payloadLength()))
                .isEqualTo(Bytes.ofHex("abcd"));
    }

    @Test
    void malformedHeadersAreNamed() {
        assertThatThrownBy(() -> RtpPacket.parse(new byte[8], 0, 8)).hasMessageContaining("shorter than its 12-byte");
        byte[] v1 = Bytes.ofHex("40 60 0001 00000000 00000001").toArray();
        assertThatThrownBy(() -> RtpPacket.parse(v1, 0, v1.length)).hasMessageContaining("version 1");
        byte[] csrc = Bytes.ofHex("8f 60 0001 00000000 00000001").toArray();
        assertThatThrownBy(() -> RtpPacket.parse(csrc, 0, csrc.length)).hasMessageContaining("CSRCs past the end");
        byte[] pad = Bytes.ofHex("a0 60 0001 00000000 00000001 aa 09").toArray();
        assertThatThrownBy(() -> RtpPacket.parse(pad, 0, pad.length)).hasMessageContaining("padding");
        assertThatThrownBy(() -> RtpPacket.parse(new byte[1501], 0, 1501)).hasMessageContaining("over 1500");
    }
}
