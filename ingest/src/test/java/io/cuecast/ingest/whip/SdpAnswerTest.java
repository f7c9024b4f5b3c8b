package io.cuecast.ingest.whip;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The answer to Chrome's offer: ICE-lite, bundled, receive-only, the chosen codecs only. */
class SdpAnswerTest {
    @Test
    void chromesOfferGetsABundledRecvonlyAnswerThatParsesBack() {
        SdpOffer offer = SdpOffer.parse(SdpOfferTest.CHROME);
        SdpOffer.Media audio = offer.media().get(0);
        SdpOffer.Media video = offer.media().get(1);
        SdpOffer.Codec h264 = SdpOffer.chooseH264(video);
        String answer = SdpAnswer.write(42, "srvU", "ServerPasswordOf22Chars", "AA:BB:CC", "passive",
                List.of(new InetSocketAddress("127.0.0.1", 8189)),
                List.of(new SdpAnswer.Choice(audio, SdpOffer.chooseOpus(audio), -1),
                        new SdpAnswer.Choice(video, h264, SdpAnswer.rtxFor(video, h264))));
        assertThat(answer).startsWith("v=0\r\n").contains("a=ice-lite\r\n", "a=group:BUNDLE 0 1\r\n",
                "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n", "m=video 9 UDP/TLS/RTP/SAVPF 127\r\n",
                "a=fmtp:127 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n",
                "a=recvonly\r\n", "a=setup:passive\r\n", "a=candidate:1 1 udp ", " 127.0.0.1 8189 typ host\r\n")
                .doesNotContain("VP8", "red/48000", "a=rtpmap:96");
        // What we write, we can read: the answer parses as an offer would.
        SdpOffer back = SdpOffer.parse(answer);
        assertThat(back.iceUfrag()).isEqualTo("srvU");
        assertThat(back.fingerprint()).isEqualTo("AA:BB:CC");
        assertThat(back.media()).extracting(SdpOffer.Media::direction).containsOnly("recvonly");
    }

    @Test
    void aSectionWeDoNotTakeIsAnsweredWithPortZero() {
        SdpOffer offer = SdpOffer.parse(SdpOfferTest.CHROME);
        String answer = SdpAnswer.write(1, "srvU", "ServerPasswordOf22Chars", "AA:BB", "passive", List.of(),
                List.of(new SdpAnswer.Choice(offer.media().get(0), null, -1),
                        new SdpAnswer.Choice(offer.media().get(1), SdpOffer.chooseH264(offer.media().get(1)), -1)));
        assertThat(answer).contains("m=audio 0 UDP/TLS/RTP/SAVPF 0\r\n", "a=group:BUNDLE 1\r\n");
    }
}
