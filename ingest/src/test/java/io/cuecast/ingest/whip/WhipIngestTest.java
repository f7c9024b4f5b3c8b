package io.cuecast.ingest.whip;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuecast.core.hub.StreamHub;
import io.cuecast.core.testing.RecordingReader;
import io.cuecast.core.hub.StreamState;
import io.cuecast.core.media.AacConfig;
import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.H264Config;
import io.cuecast.core.media.MediaKind;
import io.cuecast.core.media.Packet;
import io.cuecast.core.media.Track;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What WebRTC's in-band parameter sets become in the hub: configs, updates, and the audio track when it comes. */
class WhipIngestTest {
    static final byte[] SPS_360 = HexFormat.of().parseHex("6742c01ed900a02ff970110000030001000003003c0f162e48");
    static final byte[] SPS_180 = HexFormat.of().parseHex("6742c00dd901419f9f0110000003001000000303c0f142a480");
    static final byte[] PPS = HexFormat.of().parseHex("68cb83cb20");
    static final AacConfig AAC = AacConfig.parse(Bytes.ofHex("1190"));

    final List<Object> seen = new ArrayList<>();
    final StreamHub hub = new StreamHub("s");

    WhipIngestTest() {
        hub.attach("test", new RecordingReader(seen), Runnable::run, 1000);
    }

    static H264Depacketizer.AccessUnit key(byte[] sps) {
        return new H264Depacketizer.AccessUnit(0, true, new byte[] {0, 0, 0, 2, 0x65, 1}, List.of(sps, PPS));
    }

    static H264Depacketizer.AccessUnit delta() {
        return new H264Depacketizer.AccessUnit(0, false, new byte[] {0, 0, 0, 2, 0x41, 1}, List.of());
    }

    @SuppressWarnings("unchecked")
    List<List<Track>> trackEvents() {
        return seen.stream().filter(o -> o instanceof List).map(o -> (List<Track>) o).toList();
    }

    @Test
    void aResolutionChangeMidStreamIsAConfigUpdate() {
        WhipIngest ingest = new WhipIngest(hub, "whip test", false);
        ingest.onVideo(delta(), 0); // before any keyframe: dropped
        assertThat(hub.state()).isEqualTo(StreamState.CREATED);
        ingest.onVideo(key(SPS_360), 33);
        assertThat(hub.state()).isEqualTo(StreamState.PREPARED);
        ingest.onVideo(delta(), 66);
        ingest.onVideo(key(SPS_360), 100); // the same parameter sets again: nothing changes
        ingest.onVideo(key(SPS_180), 133); // a browser lowering its resolution under load
        List<List<Track>> events = trackEvents();
        assertThat(events).hasSize(2);
        assertThat(((H264Config) events.get(0).get(0).config()).height()).isEqualTo(360);
        assertThat(((H264Config) events.get(1).get(0).config()).height()).isEqualTo(180);
        assertThat(events.get(0)).extracting(Track::kind).containsExactly(MediaKind.VIDEO, MediaKind.DATA);
        assertThat(seen.stream().filter(o -> o instanceof Packet).count()).as("all but the first delta").isEqualTo(4);
        assertThat(hub.stats().videoCodec()).isEqualTo("avc1.42c00d");
    }

    @Test
    void theStreamOpensWithAudioWhenItComesAndWithoutItAfterASecond() {
        WhipIngest ingest = new WhipIngest(hub, "whip test", true);
        ingest.onVideo(key(SPS_360), 100);
        assertThat(hub.state()).as("waiting for the first AAC frame").isEqualTo(StreamState.CREATED);
        ingest.onAudio(AAC, List.of(new Packet(WhipIngest.AUDIO_TRACK, 110, 110, true, Bytes.ofHex("2110"))));
        ingest.onVideo(delta(), 133);
        assertThat(hub.state()).isEqualTo(StreamState.PREPARED);
        assertThat(trackEvents().get(0)).extracting(Track::kind)
                .containsExactly(MediaKind.VIDEO, MediaKind.AUDIO, MediaKind.DATA);
        List<Long> dts = seen.stream().filter(o -> o instanceof Packet).map(o -> ((Packet) o).dts()).toList();
        assertThat(dts).as("what waited goes out, then the rest").containsExactly(100L, 110L, 133L);
    }

    @Test
    void negotiatedAudioThatNeverComesLeavesAVideoOnlyStream() {
        WhipIngest ingest = new WhipIngest(hub, "whip test", true);
        ingest.onVideo(key(SPS_360), 0);
        for (int t = 33; t < WhipIngest.WAIT_FOR_AUDIO_MS; t += 33) {
            ingest.onVideo(delta(), t);
        }
        assertThat(hub.state()).isEqualTo(StreamState.CREATED);
        ingest.onVideo(delta(), WhipIngest.WAIT_FOR_AUDIO_MS + 10);
        assertThat(hub.state()).isEqualTo(StreamState.PREPARED);
        assertThat(trackEvents().get(0)).extracting(Track::kind).containsExactly(MediaKind.VIDEO, MediaKind.DATA);
        // Audio that starts late is added as an update, never declared before it exists.
        ingest.onAudio(AAC, List.of(new Packet(WhipIngest.AUDIO_TRACK, 1100, 1100, true, Bytes.ofHex("2110"))));
        assertThat(trackEvents()).hasSize(2);
        assertThat(trackEvents().get(1)).extracting(Track::kind)
                .containsExactly(MediaKind.VIDEO, MediaKind.AUDIO, MediaKind.DATA);
    }
}
