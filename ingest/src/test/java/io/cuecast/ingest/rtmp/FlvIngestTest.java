package io.cuecast.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cuecast.core.hub.StreamHub;
import io.cuecast.core.testing.RecordingReader;
import io.cuecast.core.hub.StreamState;
import io.cuecast.core.media.AacConfig;
import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.H264Config;
import io.cuecast.core.media.MediaKind;
import io.cuecast.core.media.Packet;
import io.cuecast.core.media.Track;
import io.cuecast.rtmp.RtmpProtocolException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlvIngestTest {
    static final String SPS = "6764001facd9405005bb0110000003001000000303c0f1831960";
    static final String PPS = "68ebe3cb22c0";

    /** AVC sequence header tag body: keyframe|AVC, packet type 0, cts 0, then the record. */
    static Bytes avcSequenceHeader(int lengthSizeMinusOne) {
        return Bytes.ofHex("17 00 000000" + "0164001f" + String.format("%02x", 0xfc | lengthSizeMinusOne)
                + "e1001a" + SPS + "010006" + PPS);
    }

    final List<Object> seen = new ArrayList<>();
    final StreamHub hub = new StreamHub("s");

    FlvIngestTest() {
        hub.attach("test", new RecordingReader(seen), Runnable::run, 100);
    }

    @Test
    void ffmpegTagsBecomeCanonicalPackets() {
        FlvIngest ingest = new FlvIngest(hub);
        ingest.onMetaData(Map.of("videocodecid", 7.0, "audiocodecid", 10.0, "framerate", 30.0, "encoder", "Lavf"));
        ingest.onVideo(0, avcSequenceHeader(1)); // 2-byte NAL lengths, as some mobile encoders send
        assertThat(hub.state()).isEqualTo(StreamState.CREATED); // waiting for the announced audio
        ingest.onAudio(0, Bytes.ofHex("af 00 1190"));
        assertThat(hub.state()).isEqualTo(StreamState.PREPARED);
        // keyframe, NALU, cts 66 ms; two NAL units with 2-byte lengths
        ingest.onVideo(40, Bytes.ofHex("17 01 000042 0002 0910 0003 65aabb"));
        ingest.onAudio(41, Bytes.ofHex("af 01 21 1a"));
        ingest.onVideo(73, Bytes.ofHex("27 01 000000 0002 41cc"));

        @SuppressWarnings("unchecked")
        List<Track> tracks = (List<Track>) seen.get(0);
        assertThat(tracks).extracting(Track::id, Track::kind, Track::timescale)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, MediaKind.VIDEO, 1000),
                        org.assertj.core.groups.Tuple.tuple(2, MediaKind.AUDIO, 1000),
                        org.assertj.core.groups.Tuple.tuple(3, MediaKind.DATA, 1000));
        assertThat(((H264Config) tracks.get(0).config()).rfc6381()).isEqualTo("avc1.64001f");
        assertThat(((AacConfig) tracks.get(1).config()).sampleRate()).isEqualTo(48000);
        assertThat(seen.subList(1, seen.size())).containsExactly(
                new Packet(1, 106, 40, true, Bytes.ofHex("00000002 0910 00000003 65aabb")),
                new Packet(2, 41, 41, true, Bytes.ofHex("211a")),
                new Packet(1, 73, 73, false, Bytes.ofHex("00000002 41cc")));
        assertThat(hub.stats().videoCodec()).isEqualTo("avc1.64001f");
        assertThat(hub.stats().width()).isEqualTo(1280);
        assertThat(hub.stats().frameRate()).isEqualTo(30.0);
    }

    @Test
    void withoutMetadataAVideoOnlyStreamIsPreparedAfterASecond() {
        FlvIngest ingest = new FlvIngest(hub);
        ingest.onVideo(0, avcSequenceHeader(3));
        ingest.onVideo(0, Bytes.ofHex("17 01 000000 00000002 6588"));
        assertThat(hub.state()).isEqualTo(StreamState.CREATED);
        ingest.onVideo(1000, Bytes.ofHex("27 01 000000 00000002 4188"));
        assertThat(hub.state()).isEqualTo(StreamState.PREPARED);
        assertThat(seen).hasSize(3); // tracks and both buffered packets
    }

    @Test
    void newSpsMidStreamUpdatesTheHub() {
        FlvIngest ingest = new FlvIngest(hub);
        ingest.onVideo(0, avcSequenceHeader(3));
        ingest.onAudio(0, Bytes.ofHex("af 00 1190"));
        ingest.onAudio(0, Bytes.ofHex("af 00 1210")); // 44.1 kHz now
        assertThat(hub.state()).isEqualTo(StreamState.UPDATED);
    }

    @Test
    void malformedTagsAreViolations() {
        FlvIngest ingest = new FlvIngest(hub);
        assertThatThrownBy(() -> ingest.onVideo(0, Bytes.ofHex("17 00")))
                .isInstanceOf(RtmpProtocolException.class).hasMessageContaining("shorter than its 5-byte header");
        assertThatThrownBy(() -> ingest.onVideo(0, Bytes.ofHex("17 00 000000 02")))
                .isInstanceOf(RtmpProtocolException.class).hasMessageContaining("AVC sequence header");
        ingest.onVideo(0, avcSequenceHeader(3));
        assertThatThrownBy(() -> ingest.onVideo(0, Bytes.ofHex("17 01 000000 7fffffff 65")))
                .isInstanceOf(RtmpProtocolException.class).hasMessageContaining("exceeds");
        assertThatThrownBy(() -> ingest.onAudio(0, Bytes.ofHex("af 00 16")))
                .isInstanceOf(RtmpProtocolException.class).hasMessageContaining("AudioSpecificConfig");
    }

    @Test
    void otherCodecsAreIgnoredNotFatal() {
        FlvIngest ingest = new FlvIngest(hub);
        ingest.onVideo(0, Bytes.ofHex("12 0000")); // Sorenson H.263
        ingest.onAudio(0, Bytes.ofHex("2f 00")); // MP3
        assertThat(hub.state()).isEqualTo(StreamState.CREATED);
    }

    /** Review M5: frames held while waiting for the announced audio config are bounded in bytes too. */
    @Test
    void framesWaitingForAConfigAreBoundedInBytes() {
        FlvIngest ingest = new FlvIngest(hub);
        ingest.onMetaData(Map.of("videocodecid", 7.0, "audiocodecid", 10.0));
        ingest.onVideo(0, avcSequenceHeader(3));
        byte[] big = new byte[1024 * 1024];
        big[0] = 0x17;
        big[1] = 1;
        big[5] = 0; // one NAL unit of (1 MiB - 9) bytes: 4-byte length 0x000ffff7
        big[6] = 0x0f;
        big[7] = (byte) 0xff;
        big[8] = (byte) 0xf7;
        int sent = 0;
        while (hub.state() == StreamState.CREATED && sent < 40) {
            ingest.onVideo(sent * 33L, Bytes.wrap(big));
            sent++;
        }
        // Prepared (video only) once 16 MiB waited, well before 1 s of media or 600 frames.
        assertThat(hub.state()).isEqualTo(StreamState.PREPARED);
        long frame = big.length - 5; // the tag's 5-byte header goes, the 4-byte NAL length stays
        assertThat((long) sent).isEqualTo((FlvIngest.MAX_PENDING_BYTES + frame - 1) / frame);
    }
}
