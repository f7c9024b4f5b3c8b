package io.cuecast.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RtmpUrlTest {
    @Test
    void theLastSegmentIsTheStreamNameTheRestTheApplication() {
        RtmpUrl u = RtmpUrl.parse("rtmp://a.rtmp.youtube.com/live2/abcd-efgh-ijkl");
        assertThat(u).isEqualTo(new RtmpUrl(false, "a.rtmp.youtube.com", 1935, "live2", "abcd-efgh-ijkl"));
        assertThat(u.tcUrl()).isEqualTo("rtmp://a.rtmp.youtube.com:1935/live2");
        RtmpUrl nested = RtmpUrl.parse("rtmps://live.example:8443/app/inner/key?token=x");
        assertThat(nested).isEqualTo(new RtmpUrl(true, "live.example", 8443, "app/inner", "key?token=x"));
        assertThat(RtmpUrl.parse("rtmps://h/a/k").port()).isEqualTo(443);
    }

    @Test
    void theKeyIsNeverShownInFull() {
        RtmpUrl u = RtmpUrl.parse("rtmp://h:1935/live/sk_SECRETSECRET");
        assertThat(u.redacted()).isEqualTo("rtmp://h:1935/live/sk_S…").doesNotContain("SECRET");
        assertThat(u.toString()).isEqualTo(u.redacted());
    }

    @Test
    void badUrlsSayWhatIsWrong() {
        assertThatThrownBy(() -> RtmpUrl.parse("http://h/a/b")).hasMessageContaining("scheme 'http'");
        assertThatThrownBy(() -> RtmpUrl.parse("rtmp:///a/b")).hasMessageContaining("no host");
        assertThatThrownBy(() -> RtmpUrl.parse("rtmp://h/onlyapp")).hasMessageContaining("application and a stream name");
        assertThatThrownBy(() -> RtmpUrl.parse("rtmp://h/app/")).hasMessageContaining("application and a stream name");
        assertThatThrownBy(() -> RtmpUrl.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> RtmpUrl.parse("rtmp://h/a/" + "k".repeat(3000))).hasMessageContaining("2048");
        assertThatThrownBy(() -> RtmpUrl.parse("rtmp://h h/a/b")).hasMessageContaining("not a URL");
    }
}
