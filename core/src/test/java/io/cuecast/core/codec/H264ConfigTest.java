package io.cuecast.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.H264Config;
import java.util.List;
import org.junit.jupiter.api.Test;

class H264ConfigTest {
    /** SPS and PPS from x264 (ffmpeg 5.1, libx264 High, 1280x720 30 fps). */
    static final Bytes SPS_720P = Bytes.ofHex("6764001facd9405005bb0110000003001000000303c0f1831960");
    static final Bytes PPS = Bytes.ofHex("68ebe3cb22c0");

    static Bytes record(int lengthSizeMinusOne) {
        return Bytes.ofHex("01 64 00 1f" // version, profile High, compatibility, level 3.1
                + String.format("%02x", 0xfc | lengthSizeMinusOne)
                + "e1 001a" + SPS_720P.toHex() // one SPS of 26 bytes
                + "01 0006" + PPS.toHex()); // one PPS of 6 bytes
    }

    @Test
    void parsesX264HighProfileSps() {
        H264Sps sps = H264Sps.parse(SPS_720P);
        assertThat(sps).isEqualTo(new H264Sps(100, 0, 31, 1280, 720, 30.0));
    }

    @Test
    void recordRoundTripsAndGivesRfc6381() {
        AvcDecoderConfigurationRecord r = AvcDecoderConfigurationRecord.parse(record(3));
        assertThat(r.lengthSize()).isEqualTo(4);
        assertThat(r.sps()).containsExactly(SPS_720P);
        assertThat(r.pps()).containsExactly(PPS);
        assertThat(r.encode()).isEqualTo(record(3));
        H264Config config = H264Config.parse(record(3));
        assertThat(config.rfc6381()).isEqualTo("avc1.64001f");
        assertThat(config.width()).isEqualTo(1280);
        assertThat(config.height()).isEqualTo(720);
    }

    @Test
    void normalizesLengthSizeToFour() {
        H264Config config = H264Config.parse(record(1));
        assertThat(AvcDecoderConfigurationRecord.parse(config.record()).lengthSize()).isEqualTo(4);
    }

    @Test
    void truncatedRecordNamesTheField() {
        Bytes full = record(3);
        for (int cut = 0; cut < full.length() - PPS.length(); cut++) {
            Bytes truncated = full.slice(0, cut);
            assertThatThrownBy(() -> AvcDecoderConfigurationRecord.parse(truncated))
                    .isInstanceOf(CodecException.class)
                    .hasMessageContaining("AVCDecoderConfigurationRecord");
        }
    }

    @Test
    void splitsLengthPrefixedUnitsWithinBounds() {
        byte[] au = Bytes.ofHex("00000002 0901 00000003 65aabb").toArray();
        List<int[]> units = NalUnits.splitLengthPrefixed(au, 0, au.length, 4, 10);
        assertThat(units).hasSize(2);
        assertThat(units.get(1)).containsExactly(10, 3);
        assertThatThrownBy(() -> NalUnits.splitLengthPrefixed(au, 0, au.length, 4, 1))
                .hasMessageContaining("more than 1 NAL units");
        byte[] lying = Bytes.ofHex("7fffffff 65").toArray();
        assertThatThrownBy(() -> NalUnits.splitLengthPrefixed(lying, 0, lying.length, 4, 10))
                .hasMessageContaining("exceeds");
    }

    @Test
    void unescapesEmulationPrevention() {
        byte[] escaped = Bytes.ofHex("00000301 000003").toArray();
        assertThat(NalUnits.unescape(escaped, 0, escaped.length)).containsExactly(0, 0, 1, 0, 0);
    }
}
