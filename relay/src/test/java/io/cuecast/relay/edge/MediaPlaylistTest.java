package io.cuecast.relay.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cuecast.hls.MediaSegment;
import io.cuecast.hls.Part;
import io.cuecast.hls.PlaylistWriter;
import io.cuecast.hls.RenditionTimeline;
import io.cuecast.hls.cue.DateRange;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The edge reads back what PlaylistWriter writes, and refuses anything else with the line named. */
class MediaPlaylistTest {
    private static List<MediaSegment> segments(long first, int n, int discontinuityAt) {
        List<MediaSegment> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long msn = first + i;
            List<Part> parts = new ArrayList<>();
            for (int p = 0; p < 3; p++) {
                parts.add(new Part("t-" + msn + "." + p + ".m4s", 0.2, p == 0, Unpooled.EMPTY_BUFFER));
            }
            out.add(new MediaSegment(msn, "t-" + msn + ".m4s", 2.0, Instant.parse("2026-12-01T10:00:00Z").plusSeconds(2 * i),
                    i == discontinuityAt, "init-t-0.mp4", 60, Unpooled.EMPTY_BUFFER, parts));
        }
        return out;
    }

    @Test
    void readsBackEveryTagTheWriterWrites() {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("X-CUE-ID", "cue_1");
        attrs.put("X-PAYLOAD", "a,b=c");
        DateRange range = new DateRange("cue_1", "io.cuecast.product", Instant.parse("2026-12-01T10:00:01.120Z"),
                5.0, attrs, null);
        List<Part> open = List.of(new Part("t-16.0.m4s", 0.2, true, Unpooled.EMPTY_BUFFER));
        RenditionTimeline.Snapshot s = new RenditionTimeline.Snapshot(null, segments(10, 6, 0), 10, 3, 2, false,
                List.of(range), open, 0.2, "t-16.1.m4s", true);
        String text = PlaylistWriter.media(s) + "#EXT-X-RENDITION-REPORT:URI=\"../360p/index.m3u8\",LAST-MSN=16\n";
        MediaPlaylist pl = MediaPlaylist.parse(text);
        assertThat(pl.mediaSequence()).isEqualTo(10);
        assertThat(pl.discontinuitySequence()).isEqualTo(3);
        assertThat(pl.segments()).hasSize(6);
        assertThat(pl.segments().get(0).discontinuity()).isTrue();
        assertThat(pl.segments().get(5).parts()).hasSize(3);
        assertThat(pl.segments().get(0).parts()).isEmpty(); // parts listed for the last three only
        assertThat(pl.openParts()).extracting(MediaPlaylist.PartRef::name).containsExactly("t-16.0.m4s");
        assertThat(pl.openDiscontinuity()).isTrue();
        assertThat(pl.preloadHint()).isEqualTo("t-16.1.m4s");
        assertThat(pl.renditionReports()).contains("LAST-MSN=16");
        assertThat(pl.dateRanges().get(0).clientAttributes()).containsEntry("X-PAYLOAD", "a,b=c");
        // Written again from what was read, the text is the same.
        List<MediaSegment> again = new ArrayList<>();
        for (MediaPlaylist.Segment seg : pl.segments()) {
            List<Part> parts = seg.parts().stream().map(p -> new Part(p.name(), p.durationSeconds(), p.independent(),
                    Unpooled.EMPTY_BUFFER)).toList();
            again.add(new MediaSegment(seg.sequence(), seg.name(), seg.durationSeconds(), seg.programDateTime(),
                    seg.discontinuity(), seg.initName(), 0, Unpooled.EMPTY_BUFFER, parts));
        }
        RenditionTimeline.Snapshot back = new RenditionTimeline.Snapshot(null, again, pl.mediaSequence(),
                pl.discontinuitySequence(), pl.targetDuration(), false, pl.dateRanges(), open, pl.partTarget(),
                pl.preloadHint(), pl.openDiscontinuity());
        assertThat(PlaylistWriter.media(back) + pl.renditionReports()).isEqualTo(text);
    }

    @Test
    void refusesWhatIsNotAPlaylistOfOurs() {
        assertThatThrownBy(() -> MediaPlaylist.parse("hello")).hasMessageContaining("#EXTM3U");
        assertThatThrownBy(() -> MediaPlaylist.parse("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n../../etc/passwd\n"))
                .hasMessageContaining("line 4");
        assertThatThrownBy(() -> MediaPlaylist.parse("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-SKIP:SKIPPED-SEGMENTS=3\n"))
                .hasMessageContaining("delta update");
        assertThatThrownBy(() -> MediaPlaylist.parse("#EXTM3U\n#EXT-X-TARGETDURATION:x\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
        assertThatThrownBy(() -> MediaPlaylist.parse("#EXTM3U\n#EXT-X-PART:DURATION=0.2,URI=\"a\n"))
                .hasMessageContaining("unterminated");
        assertThatThrownBy(() -> MediaPlaylist.parse("#EXTM3U\n" + "x".repeat(MediaPlaylist.MAX_CHARS)))
                .hasMessageContaining("longer than");
    }
}
