package io.cuecast.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuecast.core.media.AacConfig;
import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.H264Config;
import io.cuecast.core.media.MediaKind;
import io.cuecast.core.media.Packet;
import io.cuecast.core.media.Track;
import io.cuecast.hls.mp4.Boxes;
import io.cuecast.hls.mp4.InitSegmentWriterTest;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Feeds the packager a synthetic 30 fps + 48 kHz AAC session, socket-free, on a fixed clock. */
class HlsPackagerTest {
    static final Track VIDEO = new Track(1, MediaKind.VIDEO, 1000, H264Config.parse(InitSegmentWriterTest.RECORD));
    static final Track AUDIO = new Track(2, MediaKind.AUDIO, 1000, AacConfig.parse(Bytes.ofHex("1190")));
    /** The packager reads the cue track's own timescale (it assumed milliseconds before). */
    @Test
    void aCueTrackOnA90kHzClockIsPlacedAtItsTime() {
        HlsPackager p = packager();
        p.onTracks(List.of(VIDEO, AUDIO, new Track(3, MediaKind.DATA, 90_000,
                new io.cuecast.core.media.DataConfig("cuecast-cue"))));
        feed(p, 0, 3, 60);
        String json = "{\"id\":\"cue_c\",\"type\":\"custom\",\"data\":{}}";
        p.onPacket(new Packet(3, 2900 * 90L, 2900 * 90L, true, Bytes.wrap(json.getBytes(StandardCharsets.UTF_8))));
        feed(p, 3000, 3, 60);
        p.onEnd();
        byte[] emsg = Boxes.find(ByteBufUtil.getBytes(timeline.snapshot().segments().get(1).data()), "emsg");
        assertThat(ByteBuffer.wrap(emsg, 16, 8).getLong()).isEqualTo(2900 * 90L);
        assertThat(timeline.playlist()).contains("ID=\"cue_c\"", "START-DATE=\"2026-11-26T10:00:02.900Z\"");
    }

    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    final RenditionTimeline timeline = new RenditionTimeline("t", 6, 2);
    final AtomicLong timelineEnd = new AtomicLong();
    final List<Long> segmentSizes = new ArrayList<>();
    int ends;

    @org.junit.jupiter.api.AfterEach
    void freeSegments() {
        timeline.close();
    }

    HlsPackager packager() {
        return new HlsPackager("s", "source", timeline, 2000, 334,
                new SessionClock(Clock.fixed(T0, ZoneOffset.UTC), timelineEnd),
                segmentSizes::add, () -> ends++);
    }

    /** Publishes {@code seconds} of media starting at {@code startMs}: keyframe every {@code gopFrames}. */
    static void feed(HlsPackager p, long startMs, int seconds, int gopFrames) {
        int frames = seconds * 30;
        int audioFrames = (int) (seconds * 48000L / 1024);
        int a = 0;
        for (int f = 0; f < frames; f++) {
            long ms = startMs + Math.round(f * 1000.0 / 30);
            while (a < audioFrames && Math.round(a * 1024 * 1000.0 / 48000) + startMs <= ms) {
                long ams = startMs + Math.round(a * 1024 * 1000.0 / 48000);
                p.onPacket(new Packet(2, ams, ams, true, Bytes.ofHex("21")));
                a++;
            }
            boolean key = f % gopFrames == 0;
            p.onPacket(new Packet(1, ms, ms, key, Bytes.ofHex(key ? "00000001 65" : "00000001 41")));
        }
    }

    @Test
    void cutsOnKeyframesAtTheTargetDuration() {
        HlsPackager p = packager();
        p.onTracks(List.of(VIDEO, AUDIO));
        feed(p, 5000, 10, 30); // keyframe every second, target 2 s
        p.onEnd();
        RenditionTimeline.Snapshot s = timeline.snapshot();
        assertThat(s.segments()).hasSize(5);
        assertThat(s.segments()).extracting(MediaSegment::durationSeconds).allSatisfy(d ->
                assertThat(d).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.0011)));
        double total = s.segments().stream().mapToDouble(MediaSegment::durationSeconds).sum();
        assertThat(total).isCloseTo(10.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(s.segments()).extracting(MediaSegment::videoFrames).containsOnly(60);
        assertThat(s.segments().get(0).programDateTime()).isEqualTo(T0);
        assertThat(s.segments().get(1).programDateTime()).isEqualTo(T0.plusSeconds(2));
        assertThat(segmentSizes).hasSize(5);
        assertThat(ends).isEqualTo(1);
        // Every segment is six LL-HLS parts of ten frames, each written as two CMAF chunks of five
        // frames (moof+mdat with a video and an audio run); parts starting on a keyframe are independent.
        List<String> onePart = List.of("moof", "moof/mfhd", "moof/traf", "moof/traf/tfhd", "moof/traf/tfdt",
                "moof/traf/trun", "moof/traf", "moof/traf/tfhd", "moof/traf/tfdt", "moof/traf/trun", "mdat");
        for (MediaSegment seg : s.segments()) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                expected.addAll(onePart);
            }
            assertThat(Boxes.paths(ByteBufUtil.getBytes(seg.data()))).containsExactlyElementsOf(expected);
            assertThat(seg.parts()).hasSize(6).extracting(Part::independent)
                    .containsExactly(true, false, false, true, false, false); // a keyframe every second
            assertThat(seg.parts()).allSatisfy(x -> assertThat(x.durationSeconds()).isLessThanOrEqualTo(0.334));
            assertThat(seg.parts().stream().mapToInt(x -> x.data().readableBytes()).sum()).isEqualTo(seg.size());
        }
    }

    static final Track DATA = new Track(3, MediaKind.DATA, 1000, new io.cuecast.core.media.DataConfig("cuecast-cue"));

    @Test
    void cuesBecomeEmsgInTheirFragmentAndDateRangesThatOutliveTheWindow() {
        RenditionTimeline small = new RenditionTimeline("c", 3, 2);
        HlsPackager p = new HlsPackager("s", "source", small, 2000, 334,
                new SessionClock(Clock.fixed(T0, ZoneOffset.UTC), timelineEnd),
                segmentSizes::add, () -> ends++);
        p.onTracks(List.of(VIDEO, AUDIO, DATA));
        feed(p, 0, 3, 60);
        String json = "{\"id\":\"cue_a\",\"type\":\"product.show\",\"product\":{\"sku\":\"MUG-1\"}}";
        p.onPacket(new Packet(3, 2500, 2500, true, Bytes.wrap(json.getBytes(StandardCharsets.UTF_8))));
        feed(p, 3000, 9, 60);
        p.onEnd();
        List<MediaSegment> segs = small.snapshot().segments();
        // Window of 3: segments 3..5 listed; the cue's segment (2-4 s, number 1) has left the window.
        assertThat(segs).extracting(MediaSegment::sequence).containsExactly(3L, 4L, 5L);
        assertThat(small.snapshot().dateRanges()).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo("cue_a");
            assertThat(r.startDate()).isEqualTo(T0.plusMillis(2500));
            assertThat(r.clientAttributes()).containsEntry("X-SKU", "MUG-1");
        });
        assertThat(small.playlist()).contains("#EXT-X-DATERANGE:ID=\"cue_a\",CLASS=\"io.cuecast.product\"");
        small.close();
    }

    @Test
    void cueEmsgSitsBeforeTheMoofOfTheFragmentHoldingIt() {
        HlsPackager p = packager();
        p.onTracks(List.of(VIDEO, AUDIO, DATA));
        feed(p, 0, 3, 60);
        // As in the server: the cue follows the newest frame (2.967 s), so it lands in the open part.
        String json = "{\"id\":\"cue_b\",\"type\":\"custom\",\"data\":{}}";
        p.onPacket(new Packet(3, 2900, 2900, true, Bytes.wrap(json.getBytes(StandardCharsets.UTF_8))));
        feed(p, 3000, 3, 60);
        p.onEnd();
        List<MediaSegment> segs = timeline.snapshot().segments();
        byte[] second = ByteBufUtil.getBytes(segs.get(1).data());
        // Parts of 2.000-2.333, 2.333-2.667 and 2.667-3.000 s, each two chunks: the cue at 2.9 s sits
        // before the moof of the chunk holding it, 2.833-3.000 s, the third part's second chunk.
        List<String> top = Boxes.paths(second).stream().filter(x -> !x.contains("/")).toList();
        assertThat(top).startsWith("moof", "mdat", "moof", "mdat", "moof", "mdat", "moof", "mdat", "moof", "mdat",
                "emsg", "moof", "mdat");
        byte[] part = ByteBufUtil.getBytes(segs.get(1).parts().get(2).data());
        assertThat(Boxes.paths(part).stream().filter(x -> !x.contains("/")).toList())
                .containsExactly("moof", "mdat", "emsg", "moof", "mdat");
        byte[] emsg = Boxes.find(second, "emsg");
        // presentation_time (after version/flags and timescale) is the cue's PTS on the 90 kHz timeline
        assertThat(ByteBuffer.wrap(emsg, 16, 8).getLong()).isEqualTo(2900 * 90L);
        assertThat(new String(emsg, StandardCharsets.UTF_8)).contains("TXXX", "cuecast", json);
        for (int i = 0; i < segs.size(); i++) {
            if (i != 1) {
                assertThat(Boxes.paths(ByteBufUtil.getBytes(segs.get(i).data()))).doesNotContain("emsg");
            }
        }
    }

    @Test
    void longGopsMakeLongerSegmentsNeverSplitAGop() {
        HlsPackager p = packager();
        p.onTracks(List.of(VIDEO, AUDIO));
        feed(p, 0, 12, 90); // keyframe every 3 s, target 2 s
        p.onEnd();
        assertThat(timeline.snapshot().segments()).extracting(MediaSegment::durationSeconds).hasSize(4)
                .allSatisfy(d -> assertThat(d).isCloseTo(3.0, org.assertj.core.data.Offset.offset(0.002)));
        assertThat(timeline.snapshot().targetDuration()).isEqualTo(3);
    }

    @Test
    void aReconnectContinuesTheTimelineAfterADiscontinuity() {
        HlsPackager first = packager();
        first.onTracks(List.of(VIDEO, AUDIO));
        feed(first, 0, 4, 60);
        first.onEnd();
        HlsPackager second = packager();
        second.onTracks(List.of(VIDEO, AUDIO));
        feed(second, 0, 4, 60); // the new publisher's clock starts at zero again
        second.onEnd();
        RenditionTimeline.Snapshot s = timeline.snapshot();
        assertThat(s.segments()).extracting(MediaSegment::discontinuity).containsExactly(false, false, true, false);
        assertThat(s.segments()).extracting(MediaSegment::sequence).containsExactly(0L, 1L, 2L, 3L);
        // within a millisecond per session: RTMP timestamps are whole milliseconds
        assertThat(timelineEnd.get()).isCloseTo(8 * 90_000L, org.assertj.core.data.Offset.offset(180L));
        assertThat(timeline.playlist()).contains("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init-t-1.mp4\"");
    }

    @Test
    void audioOnlyStreamsAreCutOnTime() {
        HlsPackager p = packager();
        p.onTracks(List.of(AUDIO));
        for (int a = 0; a < 48000 * 5 / 1024; a++) {
            long ms = Math.round(a * 1024 * 1000.0 / 48000);
            p.onPacket(new Packet(2, ms, ms, true, Bytes.ofHex("21")));
        }
        p.onEnd();
        List<MediaSegment> segs = timeline.snapshot().segments();
        assertThat(segs).hasSizeGreaterThanOrEqualTo(2);
        assertThat(segs.get(0).durationSeconds()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.03));
        assertThat(timeline.snapshot().info().codecs()).isEqualTo("mp4a.40.2");
    }
}
