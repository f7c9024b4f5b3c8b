package io.cuecast.hls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrameRatesTest {
    @Test
    void snapsMillisecondJitterToNominalRates() {
        assertThat(FrameRates.snap(29.998)).isEqualTo(30);
        assertThat(FrameRates.snap(29.969)).isEqualTo(29.97);
        assertThat(FrameRates.snap(25.04)).isEqualTo(25);
        assertThat(FrameRates.snap(59.91)).isEqualTo(59.94);
        assertThat(FrameRates.snap(15.0)).isEqualTo(15.0);
        assertThat(FrameRates.snap(12.3456)).isEqualTo(12.346);
        assertThat(FrameRates.snap(0)).isZero();
    }
}
