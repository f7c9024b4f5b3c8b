package io.cuecast.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Review L10: a publisher's SPS timing claimed any frame rate, and playlists and GOPs followed it. */
class H264SpsFrameRateTest {
    @Test
    void onlyARateACameraMakesIsBelieved() {
        assertThat(H264Sps.plausible(29.97)).isEqualTo(29.97);
        assertThat(H264Sps.plausible(240)).isEqualTo(240);
        assertThat(H264Sps.plausible(2_147_483_647.0 / 2)).isZero();
        assertThat(H264Sps.plausible(0.001)).isZero();
        assertThat(H264Sps.plausible(Double.NaN)).isZero();
    }
}
