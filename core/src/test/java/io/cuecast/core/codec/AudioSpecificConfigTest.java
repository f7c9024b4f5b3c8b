package io.cuecast.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cuecast.core.media.AacConfig;
import io.cuecast.core.media.Bytes;
import org.junit.jupiter.api.Test;

class AudioSpecificConfigTest {
    @Test
    void aacLc48kStereo() {
        // 00010 0011 0010 000: AAC LC, index 3 (48 kHz), 2 channels, as ffmpeg's aac encoder writes it
        assertThat(AudioSpecificConfig.parse(Bytes.ofHex("1190"))).isEqualTo(new AudioSpecificConfig(2, 48000, 2));
        assertThat(AacConfig.parse(Bytes.ofHex("1190")).rfc6381()).isEqualTo("mp4a.40.2");
    }

    @Test
    void aacLc44kStereo() {
        assertThat(AudioSpecificConfig.parse(Bytes.ofHex("1210"))).isEqualTo(new AudioSpecificConfig(2, 44100, 2));
    }

    @Test
    void heAacWithExplicitRate() {
        // object type 5 (SBR), index 15 then a 24-bit rate of 22050
        // 00101 1111 000000000101011000100010 0010 ...
        AudioSpecificConfig asc = AudioSpecificConfig.parse(Bytes.ofHex("2f802b11 10"));
        assertThat(asc.objectType()).isEqualTo(5);
        assertThat(asc.sampleRate()).isEqualTo(22050);
        assertThat(asc.channels()).isEqualTo(2);
    }

    @Test
    void reservedRateIndexIsRefused() {
        assertThatThrownBy(() -> AudioSpecificConfig.parse(Bytes.ofHex("16 90")))
                .isInstanceOf(CodecException.class).hasMessageContaining("samplingFrequencyIndex 13");
    }

    @Test
    void tooShort() {
        assertThatThrownBy(() -> AudioSpecificConfig.parse(Bytes.ofHex("11")))
                .isInstanceOf(CodecException.class).hasMessageContaining("shorter than 2 bytes");
    }
}
