package io.cuecast.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.H264Config;
import org.junit.jupiter.api.Test;

class AnnexBTest {
    @Test
    void convertsThreeAndFourByteStartCodes() {
        byte[] in = Bytes.ofHex("00000001 0605aa bb 000001 65 8811 00 000001 41 9a").toArray();
        byte[] out = AnnexB.toLengthPrefixed(in, 0, in.length);
        // The zero before the second 3-byte start code belongs to a 4-byte start code: trimmed.
        assertThat(Bytes.wrap(out).toHex())
                .isEqualTo("00000004" + "0605aabb" + "00000003" + "658811" + "00000002" + "419a");
    }

    @Test
    void noStartCodeGivesNothing() {
        byte[] in = {1, 2, 3, 4};
        assertThat(AnnexB.split(in, 0, in.length)).isEmpty();
    }

    @Test
    void decoderConfigurationFromX264Header() {
        byte[] header = Bytes.ofHex("00000001" + H264ConfigTest.SPS_720P.toHex() + "00000001" + H264ConfigTest.PPS.toHex())
                .toArray();
        AvcDecoderConfigurationRecord r = AnnexB.decoderConfiguration(header);
        H264Config config = H264Config.parse(r.encode());
        assertThat(config.width()).isEqualTo(1280);
        assertThat(config.rfc6381()).isEqualTo("avc1.64001f");
        // High profile records carry the 4:2:0 8-bit extension fields.
        assertThat(r.trailer().toHex()).isEqualTo("fdf8f800");
    }

    @Test
    void headerWithoutPpsIsRefused() {
        byte[] header = Bytes.ofHex("00000001" + H264ConfigTest.SPS_720P.toHex()).toArray();
        assertThatThrownBy(() -> AnnexB.decoderConfiguration(header)).isInstanceOf(CodecException.class)
                .hasMessageContaining("1 SPS and 0 PPS");
    }
}
