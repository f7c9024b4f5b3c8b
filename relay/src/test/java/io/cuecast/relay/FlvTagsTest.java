package io.cuecast.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuecast.core.cue.CueMessage;
import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.Packet;
import io.cuecast.rtmp.Amf0Reader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The FLV tag bodies a relay sends (Adobe FLV 10.1 §E.4.2, §E.4.3), byte for byte. */
class FlvTagsTest {
    @Test
    void aVideoFrameCarriesItsCompositionTimeAndKeyframeFlag() {
        Packet key = new Packet(1, 1066, 1000, true, Bytes.ofHex("00000002 6588"));
        assertThat(Bytes.wrap(FlvTags.videoFrame(key, 1000))).isEqualTo(Bytes.ofHex("17 01 000042 00000002 6588"));
        Packet inter = new Packet(1, 90_000 * 2, 90_000 * 2, false, Bytes.ofHex("00000001 41"));
        assertThat(Bytes.wrap(FlvTags.videoFrame(inter, 90_000))).isEqualTo(Bytes.ofHex("27 01 000000 00000001 41"));
    }

    @Test
    void anAudioFrameIsRawAacAfterItsTwoHeaderBytes() {
        assertThat(Bytes.wrap(FlvTags.audioFrame(new Packet(2, 0, 0, true, Bytes.ofHex("2110"))))).isEqualTo(
                Bytes.ofHex("af 01 2110"));
    }

    @Test
    void aCueIsAnOnCuePointWithTheCuesJson() {
        CueMessage cue = CueMessage.parse("{\"id\":\"cue_1\",\"type\":\"custom\",\"data\":{\"n\":1}}").orElseThrow();
        List<Object> values = new Amf0Reader(FlvTags.cuePoint(cue, 1500)).readAll();
        assertThat(values.get(0)).isEqualTo("onCuePoint");
        Map<?, ?> point = (Map<?, ?>) values.get(1);
        assertThat(point.get("name")).isEqualTo("cuecast");
        assertThat(point.get("time")).isEqualTo(1.5);
        assertThat(point.get("type")).isEqualTo("event");
        assertThat(((Map<?, ?>) point.get("parameters")).get("cue"))
                .isEqualTo("{\"id\":\"cue_1\",\"type\":\"custom\",\"data\":{\"n\":1}}");
    }
}
