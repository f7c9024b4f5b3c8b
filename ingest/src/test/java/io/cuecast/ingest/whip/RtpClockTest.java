package io.cuecast.ingest.whip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RTP → media time from arrival, wrap-around, and the one-time A/V alignment from sender reports. */
class RtpClockTest {
    static Rtcp.SenderReport sr(long ntpMs, long rtp) {
        long ntp = ((ntpMs / 1000) << 32) | (((ntpMs % 1000) << 32) / 1000);
        return new Rtcp.SenderReport(1, ntp, rtp, 0, 0);
    }

    @Test
    void mediaTimeStartsAtTheFirstArrivalAndFollowsTheRtpClock() {
        RtpClock video = new RtpClock(90_000);
        assertThat(video.toMs(1_000_000, 120)).isEqualTo(120);
        assertThat(video.toMs(1_000_000 + 90_000, 999)).as("arrival does not matter after the first").isEqualTo(1120);
        RtpClock wrap = new RtpClock(90_000);
        assertThat(wrap.toMs(0xFFFFFFFFL - 44_999, 0)).isZero();
        assertThat(wrap.toMs(45_000, 0)).as("across the 32-bit wrap").isEqualTo(1000);
    }

    @Test
    void senderReportsAlignAudioToVideoOnce() {
        RtpClock video = new RtpClock(90_000);
        RtpClock audio = new RtpClock(48_000);
        video.toMs(90_000, 100); // video's first packet arrives 100 ms in
        audio.toMs(48_000, 100); // audio's too, but it was captured 200 ms later than video's
        // Both reports at NTP 10 000 ms: video RTP 90 000 + 9 s, audio RTP 48 000 + 8.8 s.
        long correction = audio.alignTo(video, sr(10_000, 48_000 + 48_000 * 88 / 10), sr(10_000, 90_000 + 90_000 * 9));
        assertThat(correction).isEqualTo(200);
        assertThat(audio.toMs(48_000, 0)).isEqualTo(300);
        assertThat(audio.alignTo(video, sr(20_000, 0), sr(20_000, 0))).as("once only").isZero();
    }

    @Test
    void aTinyOrAbsurdOffsetIsLeftAlone() {
        RtpClock video = new RtpClock(90_000);
        RtpClock audio = new RtpClock(48_000);
        video.toMs(0, 0);
        audio.toMs(0, 0);
        assertThat(audio.alignTo(video, sr(5_000, 48_000 * 5 - 480), sr(5_000, 90_000 * 5))).as("10 ms").isZero();
        RtpClock audio2 = new RtpClock(48_000);
        audio2.toMs(0, 0);
        assertThat(audio2.alignTo(video, sr(5_000, 0), sr(5_000, 90_000 * 5))).as("5 s").isZero();
    }
}
