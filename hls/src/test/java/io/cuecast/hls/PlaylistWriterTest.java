package io.cuecast.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlaylistWriterTest {
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    static MediaSegment seg(long n, double duration, boolean disc, String init) {
        return new MediaSegment(n, "t-" + n + ".m4s", duration, T0.plusMillis(n * 2000), disc, init, 60, Unpooled.wrappedBuffer(new byte[10]));
    }

    @Test
    void mediaPlaylistExactText() {
        RenditionTimeline.Snapshot s = new RenditionTimeline.Snapshot(
                new RenditionInfo("source", "avc1.64001f,mp4a.40.2", 1280, 720),
                List.of(seg(4, 2.0, false, "init-t-0.mp4"), seg(5, 2.002, false, "init-t-0.mp4"),
                        seg(6, 1.5, true, "init-t-1.mp4")),
                4, 0, 2, false);
        assertThat(PlaylistWriter.media(s)).isEqualTo("""
                #EXTM3U
                #EXT-X-VERSION:6
                #EXT-X-TARGETDURATION:2
                #EXT-X-MEDIA-SEQUENCE:4
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-MAP:URI="init-t-0.mp4"
                #EXT-X-PROGRAM-DATE-TIME:2026-11-26T10:00:08Z
                #EXTINF:2.000,
                t-4.m4s
                #EXT-X-PROGRAM-DATE-TIME:2026-11-26T10:00:10Z
                #EXTINF:2.002,
                t-5.m4s
                #EXT-X-DISCONTINUITY
                #EXT-X-MAP:URI="init-t-1.mp4"
                #EXT-X-PROGRAM-DATE-TIME:2026-11-26T10:00:12Z
                #EXTINF:1.500,
                t-6.m4s
                """);
    }

    @Test
    void endedPlaylistWithDiscontinuitySequence() {
        RenditionTimeline.Snapshot s = new RenditionTimeline.Snapshot(null,
                List.of(seg(9, 4.0, false, "init-t-1.mp4")), 9, 2, 4, true);
        assertThat(PlaylistWriter.media(s)).isEqualTo("""
                #EXTM3U
                #EXT-X-VERSION:6
                #EXT-X-TARGETDURATION:4
                #EXT-X-MEDIA-SEQUENCE:9
                #EXT-X-DISCONTINUITY-SEQUENCE:2
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-MAP:URI="init-t-1.mp4"
                #EXT-X-PROGRAM-DATE-TIME:2026-11-26T10:00:18Z
                #EXTINF:4.000,
                t-9.m4s
                #EXT-X-ENDLIST
                """);
    }

    @Test
    void dateRangesExactText() {
        Map<String, String> x = new LinkedHashMap<>();
        x.put("X-CUE-ID", "cue_1");
        x.put("X-CUE-TYPE", "product.show");
        x.put("X-SKU", "MUG-1");
        x.put("X-PAYLOAD", "e30");
        RenditionTimeline.Snapshot s = new RenditionTimeline.Snapshot(null, List.of(seg(4, 2.0, false, "i.mp4")),
                4, 0, 2, false, List.of(new io.cuecast.hls.cue.DateRange("cue_1", "io.cuecast.product",
                        T0.plusMillis(8500), 30.0, x, io.cuecast.core.cue.CueMessage.parse(
                        "{\"id\":\"cue_1\",\"type\":\"product.show\",\"product\":{\"sku\":\"MUG-1\"}}")
                        .orElseThrow())));
        assertThat(PlaylistWriter.media(s)).isEqualTo("""
                #EXTM3U
                #EXT-X-VERSION:6
                #EXT-X-TARGETDURATION:2
                #EXT-X-MEDIA-SEQUENCE:4
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-DATERANGE:ID="cue_1",CLASS="io.cuecast.product",START-DATE="2026-11-26T10:00:08.500Z",DURATION=30.000,X-CUE-ID="cue_1",X-CUE-TYPE="product.show",X-SKU="MUG-1",X-PAYLOAD="e30"
                #EXT-X-MAP:URI="i.mp4"
                #EXT-X-PROGRAM-DATE-TIME:2026-11-26T10:00:08Z
                #EXTINF:2.000,
                t-4.m4s
                """);
    }

    @Test
    void multivariantExactText() {
        String text = PlaylistWriter.multivariant(List.of(new PlaylistWriter.Variant(
                new RenditionInfo("source", "avc1.64001f,mp4a.40.2", 1280, 720), 2_900_000, 2_650_000, 30.0)));
        assertThat(text).isEqualTo("""
                #EXTM3U
                #EXT-X-VERSION:6
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-STREAM-INF:BANDWIDTH=2900000,AVERAGE-BANDWIDTH=2650000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=30.000
                source/index.m3u8
                """);
    }
}
