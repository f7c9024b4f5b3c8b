package io.cuecast.ingest.whip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Offers as Chrome, OBS and FFmpeg write them (abridged to the lines that matter). */
class SdpOfferTest {
    static final String CHROME = String.join("\r\n",
            "v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
            "a=group:BUNDLE 0 1", "a=extmap-allow-mixed", "a=msid-semantic: WMS",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111 63", "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
            "a=ice-ufrag:ChRm", "a=ice-pwd:ChromePasswordOf22Chars", "a=ice-options:trickle",
            "a=fingerprint:sha-256 AB:CD:EF:01", "a=setup:actpass", "a=mid:0", "a=sendonly", "a=rtcp-mux",
            "a=rtpmap:111 opus/48000/2", "a=rtcp-fb:111 transport-cc", "a=fmtp:111 minptime=10;useinbandfec=1",
            "a=rtpmap:63 red/48000/2",
            "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 127", "c=IN IP4 0.0.0.0",
            "a=ice-ufrag:ChRm", "a=ice-pwd:ChromePasswordOf22Chars", "a=fingerprint:sha-256 AB:CD:EF:01",
            "a=setup:actpass", "a=mid:1", "a=sendonly", "a=rtcp-mux",
            "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack",
            "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96",
            "a=rtpmap:102 H264/90000", "a=rtcp-fb:102 nack", "a=rtcp-fb:102 nack pli",
            "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f",
            "a=rtpmap:103 rtx/90000", "a=fmtp:103 apt=102",
            "a=rtpmap:127 H264/90000",
            "a=fmtp:127 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", "");

    @Test
    void aChromeOfferGivesCredentialsFingerprintAndTheCodecsToReceive() {
        SdpOffer o = SdpOffer.parse(CHROME);
        assertThat(o.iceUfrag()).isEqualTo("ChRm");
        assertThat(o.icePwd()).isEqualTo("ChromePasswordOf22Chars");
        assertThat(o.fingerprintAlgorithm()).isEqualTo("sha-256");
        assertThat(o.fingerprint()).isEqualTo("AB:CD:EF:01");
        assertThat(o.setup()).isEqualTo("actpass");
        assertThat(o.media()).extracting(SdpOffer.Media::kind).containsExactly("audio", "video");
        SdpOffer.Media video = o.media().get(1);
        assertThat(video.mid()).isEqualTo("1");
        assertThat(video.direction()).isEqualTo("sendonly");
        SdpOffer.Codec h264 = SdpOffer.chooseH264(video);
        assertThat(h264.payloadType()).as("Constrained Baseline preferred").isEqualTo(127);
        assertThat(SdpOffer.chooseOpus(o.media().get(0)).feedback()).containsExactly("transport-cc");
        assertThat(video.codecs().get(102).feedback()).containsExactly("nack", "nack pli");
    }

    @Test
    void sessionLevelIceAndDtlsApplyToEverySection() {
        // OBS writes ice and fingerprint once, at session level; FFmpeg offers setup:passive.
        SdpOffer o = SdpOffer.parse("v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\na=ice-ufrag:obsU\na=ice-pwd:obsPasswordOf22Characters\n"
                + "a=fingerprint:sha-256 01:02\na=setup:passive\nm=video 9 UDP/TLS/RTP/SAVPF 96\na=mid:0\n"
                + "a=rtpmap:96 H264/90000\na=fmtp:96 packetization-mode=1;profile-level-id=640028\n");
        assertThat(o.iceUfrag()).isEqualTo("obsU");
        assertThat(o.setup()).isEqualTo("passive");
        assertThat(SdpOffer.chooseH264(o.media().get(0)).param("profile-level-id")).isEqualTo("640028");
    }

    @Test
    void whatCannotWorkIsNamed() {
        assertThatThrownBy(() -> SdpOffer.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> SdpOffer.parse("x=1\n")).hasMessageContaining("v=0");
        assertThatThrownBy(() -> SdpOffer.parse("v=0\nm=video 9 RTP/SAVPF 96\na=rtpmap:96 H264/90000\n"))
                .hasMessageContaining("ice-ufrag");
        assertThatThrownBy(() -> SdpOffer.parse("v=0\na=ice-ufrag:a\na=ice-pwd:b\nm=video 9 P 96\n"))
                .hasMessageContaining("fingerprint");
        assertThatThrownBy(() -> SdpOffer.parse("v=0\nm=video 9 P 300\n")).hasMessageContaining("'300'");
        assertThatThrownBy(() -> SdpOffer.parse("v=0\n" + "m=audio 9 P 0\n".repeat(9))).hasMessageContaining("8 media");
        assertThatThrownBy(() -> SdpOffer.parse("v=0\n" + "a=x\n".repeat(5000))).hasMessageContaining("16384");
        // packetization-mode 0 only: no codec we receive.
        SdpOffer o = SdpOffer.parse("v=0\na=ice-ufrag:a\na=ice-pwd:b\na=fingerprint:sha-256 01:02\n"
                + "m=video 9 P 96\na=rtpmap:96 H264/90000\na=fmtp:96 packetization-mode=0\n");
        assertThat(SdpOffer.chooseH264(o.media().get(0))).isNull();
    }
}
