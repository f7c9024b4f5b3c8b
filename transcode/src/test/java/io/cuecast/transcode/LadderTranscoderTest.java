package io.cuecast.transcode;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuecast.config.CuecastConfig;
import io.cuecast.core.hub.HubRegistry;
import io.cuecast.core.hub.OfferedRenditions;
import io.cuecast.core.hub.Publisher;
import io.cuecast.core.hub.StreamHub;
import io.cuecast.core.hub.StreamReader;
import io.cuecast.core.media.AacConfig;
import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.DataConfig;
import io.cuecast.core.media.H264Config;
import io.cuecast.core.media.MediaKind;
import io.cuecast.core.media.Packet;
import io.cuecast.core.media.Track;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The ladder pipeline on a real libx264 source, without sockets: one callback at a time, as the hub runs it. */
class LadderTranscoderTest {
    static final Track AUDIO = new Track(2, MediaKind.AUDIO, 1000, AacConfig.parse(Bytes.ofHex("1190")));
    static final Track DATA = new Track(3, MediaKind.DATA, 1000, new DataConfig("cuecast-cue"));

    /** What one rendition hub received. */
    static final class Sink implements StreamReader {
        final List<Track> tracks = new ArrayList<>();
        final List<Packet> video = new ArrayList<>();
        final List<Packet> audio = new ArrayList<>();
        final List<Packet> data = new ArrayList<>();
        boolean ended;

        @Override
        public void onTracks(List<Track> t) {
            tracks.clear();
            tracks.addAll(t);
        }

        @Override
        public void onPacket(Packet p) {
            (p.trackId() == 1 ? video : p.trackId() == 2 ? audio : data).add(p);
        }

        @Override
        public void onEnd() {
            ended = true;
        }
    }

    final HubRegistry registry = new HubRegistry();
    final Map<String, Sink> sinks = new ConcurrentHashMap<>();

    LadderTranscoderTest() {
        registry.onRenditionCreated((source, name, hub) -> {
            Sink s = new Sink();
            sinks.put(name, s);
            hub.attach("test/" + name, s, Runnable::run, 100_000);
        });
    }

    LadderTranscoder transcoder(StreamHub hub, CuecastConfig.Ladder ladder, LadderStatus status) {
        return new LadderTranscoder(hub, ladder, 2000, registry, status, 1, () -> { });
    }

    static List<Track> tracks(H264Config video) {
        return List.of(new Track(1, MediaKind.VIDEO, 1000, video), AUDIO, DATA);
    }

    @Test
    void everyRungGetsEveryFrameWithIdrsAtTheSourceKeyframesAndPassesAudioAndCues() {
        try (SyntheticSource src = new SyntheticSource(1280, 720)) {
            List<Packet> in = src.frames(1, 0, 150, 60);
            StreamHub hub = new StreamHub("s");
            LadderStatus status = new LadderStatus();
            LadderTranscoder t = transcoder(hub, CuecastConfig.defaultLadder(), status);
            t.onTracks(tracks(src.config()));
            assertThat(status.snapshot().state()).isEqualTo(LadderStatus.State.RUNNING);
            Packet cue = new Packet(3, 1500, 1500, true, Bytes.wrap("{\"id\":\"c\"}".getBytes()));
            for (Packet p : in) {
                t.onPacket(p);
                if (p.pts() == 1000) {
                    t.onPacket(new Packet(2, 1000, 1000, true, Bytes.ofHex("21")));
                    t.onPacket(cue);
                    // The cue waits in every rung until that rung's video reaches 1.5 s.
                    sinks.values().forEach(s -> assertThat(s.data).isEmpty());
                }
            }
            t.onEnd();

            List<Long> sourceKeys = in.stream().filter(Packet::keyframe).map(Packet::pts).toList();
            assertThat(sourceKeys).containsExactly(0L, 2000L, 4000L);
            assertThat(sinks.keySet()).containsExactlyInAnyOrder("480p", "360p", "240p");
            Map<String, int[]> sizes = Map.of("480p", new int[] {854, 480}, "360p", new int[] {640, 360},
                    "240p", new int[] {426, 240});
            for (Map.Entry<String, Sink> e : sinks.entrySet()) {
                Sink s = e.getValue();
                H264Config c = (H264Config) s.tracks.get(0).config();
                assertThat(new int[] {c.width(), c.height()}).as(e.getKey()).isEqualTo(sizes.get(e.getKey()));
                assertThat(c.rfc6381()).startsWith("avc1.4d"); // Main profile
                assertThat(s.video).as(e.getKey()).hasSize(150);
                assertThat(s.video.stream().filter(Packet::keyframe).map(Packet::pts).toList()).as(e.getKey())
                        .isEqualTo(sourceKeys);
                assertThat(s.video.stream().map(Packet::pts).toList())
                        .isEqualTo(in.stream().map(Packet::pts).sorted().toList());
                assertThat(s.audio).hasSize(1);
                assertThat(s.data).containsExactly(cue);
                assertThat(s.ended).isTrue();
                // The rung decodes back to pictures of its size.
                assertThat(decodedSize(c, s.video)).isEqualTo(sizes.get(e.getKey()));
            }
            assertThat(status.snapshot().framesDecoded()).isEqualTo(150);
            assertThat(status.snapshot().state()).isEqualTo(LadderStatus.State.ENDED);
        }
    }

    static int[] decodedSize(H264Config c, List<Packet> packets) {
        int[] size = new int[2];
        int[] frames = new int[1];
        try (H264Decoder d = new H264Decoder(c.record().unsafeArray(), 1000)) {
            for (Packet p : packets) {
                d.decode(p.payload().unsafeArray(), p.payload().length(), p.pts(), p.dts(), p.keyframe(), f -> {
                    size[0] = f.width();
                    size[1] = f.height();
                    frames[0]++;
                });
            }
            d.finish(f -> frames[0]++);
        }
        assertThat(frames[0]).isEqualTo(packets.size());
        return size;
    }

    @Test
    void withoutPassthroughIdrsComeEverySegmentDuration() {
        try (SyntheticSource src = new SyntheticSource(720, 1280)) {
            // The source's own keyframes every 3 s do not matter: rungs get an IDR every 2 s.
            List<Packet> in = src.frames(1, 0, 200, 90);
            StreamHub hub = new StreamHub("s");
            CuecastConfig.Ladder ladder = new CuecastConfig.Ladder(true, false, 2000,
                    List.of(CuecastConfig.rung(360, 500)));
            LadderStatus status = new LadderStatus();
            LadderTranscoder t = transcoder(hub, ladder, status);
            t.onTracks(tracks(src.config()));
            in.forEach(t::onPacket);
            t.onEnd();
            Sink s = sinks.get("360p");
            H264Config c = (H264Config) s.tracks.get(0).config();
            assertThat(new int[] {c.width(), c.height()}).isEqualTo(new int[] {360, 640});
            assertThat(s.video.stream().filter(Packet::keyframe).map(Packet::pts).toList())
                    .containsExactly(0L, 2000L, 4000L, 6000L);
        }
    }

    /** Review M6: no pixel cap let one publisher make the decoder allocate multi-gigabyte frames. */
    @Test
    void aSourceAboveTheMaximumPictureSizePlaysAloneAndSaysWhy() {
        try (SyntheticSource src = new SyntheticSource(640, 360)) {
            StreamHub hub = registry.claim("s", Publisher.inProcess("test")).orElseThrow();
            registry.offer(hub, new OfferedRenditions("s", List.of()));
            LadderStatus status = new LadderStatus();
            CuecastConfig.Ladder ladder = new CuecastConfig.Ladder(true, false, 2000,
                    List.of(CuecastConfig.rung(240, 300)), 0, 640L * 360 - 1);
            LadderTranscoder t = transcoder(hub, ladder, status);
            t.onTracks(tracks(src.config()));
            src.frames(1, 0, 30, 30).forEach(t::onPacket);
            t.onEnd();
            LadderStatus.Snapshot s = status.snapshot();
            assertThat(s.state()).isEqualTo(LadderStatus.State.OFF);
            assertThat(s.detail()).contains("640x360", "ladder.maxSourcePixels");
            assertThat(sinks).isEmpty();
            assertThat(registry.offered("s")).isEqualTo(OfferedRenditions.sourceOnly("s"));
        }
    }

    @Test
    void fallingBehindSkipsToAKeyframeAndCountsIt() {
        try (SyntheticSource src = new SyntheticSource(640, 360)) {
            List<Packet> in = src.frames(1, 0, 150, 30);
            StreamHub hub = new StreamHub("s");
            LadderStatus status = new LadderStatus();
            CuecastConfig.Ladder ladder = new CuecastConfig.Ladder(true, true, 1000, List.of(CuecastConfig.rung(240, 300)));
            LadderTranscoder t = transcoder(hub, ladder, status);
            t.onTracks(tracks(src.config()));
            hub.prepare(tracks(src.config()));
            for (Packet p : in) {
                // While the transcoder works on 1.0 s to 2.0 s the ingest is already at 2.5 s: the
                // hub's live edge is the newest video frame published into it.
                long edge = p.pts() >= 1000 && p.pts() < 2000 ? 2500 : p.pts();
                hub.publish(new Packet(1, edge, edge, false, p.payload()));
                t.onPacket(p);
            }
            t.onEnd();
            assertThat(status.snapshot().keyframeSkips()).isEqualTo(1);
            List<Long> out = sinks.get("240p").video.stream().map(Packet::pts).toList();
            // Frames from 1.0 s were skipped up to the first keyframe close enough to live (2.0 s).
            assertThat(out).doesNotContain(1000L, 1500L, 1967L).contains(967L, 2000L, 4967L);
            assertThat(sinks.get("240p").video.stream().filter(p -> p.pts() == 2000).findFirst().orElseThrow().keyframe())
                    .isTrue();
        }
    }

    @Test
    void corruptNalUnitsNeitherCrashNorStopTheLadder() {
        try (SyntheticSource src = new SyntheticSource(640, 360)) {
            List<Packet> in = src.frames(1, 0, 120, 30);
            Random random = new Random(42);
            StreamHub hub = new StreamHub("s");
            LadderStatus status = new LadderStatus();
            LadderTranscoder t = transcoder(hub, CuecastConfig.defaultLadder(), status);
            t.onTracks(tracks(src.config()));
            for (Packet p : in) {
                byte[] d = p.payload().toArray();
                // Random bytes inside every NAL unit's body; lengths and NAL headers stay intact.
                for (int i = 8; i < d.length; i += 1 + random.nextInt(40)) {
                    d[i] = (byte) random.nextInt(256);
                }
                t.onPacket(new Packet(p.trackId(), p.pts(), p.dts(), p.keyframe(), Bytes.wrap(d)));
            }
            t.onEnd();
            LadderStatus.Snapshot s = status.snapshot();
            assertThat(s.state()).isIn(LadderStatus.State.ENDED, LadderStatus.State.FAILED);
            assertThat(sinks.get("360p").ended).isTrue();
        }
    }

    @Test
    void undecodableVideoFailsTheLadderEndsItsRenditionsAndOffersTheSource() {
        try (SyntheticSource src = new SyntheticSource(640, 360)) {
            StreamHub hub = registry.claim("s", Publisher.inProcess("test")).orElseThrow();
            registry.offer(hub, new OfferedRenditions("s", List.of()));
            LadderStatus status = new LadderStatus();
            LadderTranscoder t = transcoder(hub, new CuecastConfig.Ladder(true, false, 2000,
                    List.of(CuecastConfig.rung(240, 300))), status);
            t.onTracks(tracks(src.config()));
            Random random = new Random(7);
            for (int i = 0; i < 200 && status.snapshot().state() == LadderStatus.State.RUNNING; i++) {
                byte[] d = new byte[4 + 200];
                random.nextBytes(d);
                d[0] = 0;
                d[1] = 0;
                d[2] = 0;
                d[3] = (byte) 200;
                d[4] = 0x65; // an IDR slice header byte, then noise
                t.onPacket(new Packet(1, i * 33L, i * 33L, true, Bytes.wrap(d)));
            }
            LadderStatus.Snapshot s = status.snapshot();
            assertThat(s.state()).isEqualTo(LadderStatus.State.FAILED);
            assertThat(s.detail()).containsAnyOf("refused 50 packets in a row", "of the last 150 packets");
            assertThat(s.decodeErrors()).isGreaterThanOrEqualTo(LadderTranscoder.MAX_CONSECUTIVE_DECODE_ERRORS);
            assertThat(sinks.get("240p").ended).isTrue();
            assertThat(registry.offered("s")).isEqualTo(OfferedRenditions.sourceOnly("s"));
            t.onEnd(); // after a failure the end is a no-op, natives are already freed
        }
    }
}
