package io.cuecast.relay.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuecast.core.hub.HubRegistry;
import io.cuecast.core.hub.StreamHub;
import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.Packet;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class HlsServiceTest {
    @Test
    void anEndedStreamEndsItsPlaylistThenFreesItsSegments() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            HubRegistry hubs = new HubRegistry();
            HlsService service = new HlsService(hubs, new HlsSettings(2000, 6, 100, "*", 300),
                    Clock.fixed(HlsPackagerTest.T0, ZoneOffset.UTC), Runnable::run, scheduler, new SimpleMeterRegistry());
            StreamHub hub = hubs.claim("s").orElseThrow();
            hub.prepare(List.of(HlsPackagerTest.VIDEO));
            for (int f = 0; f < 150; f++) {
                long ms = Math.round(f * 1000.0 / 30);
                hub.publish(new Packet(1, ms, ms, f % 60 == 0, Bytes.ofHex("00000001 65")));
            }
            RenditionTimeline timeline = service.stream("s").orElseThrow().rendition("source");
            List<MediaSegment> segments = timeline.snapshot().segments();
            hubs.release(hub);
            assertThat(segments).allSatisfy(s -> assertThat(s.data().refCnt()).isEqualTo(1));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (service.stream("s").isPresent() && System.nanoTime() < deadline) {
                if (timeline.snapshot().ended()) {
                    assertThat(timeline.playlist()).endsWith("#EXT-X-ENDLIST\n");
                }
                Thread.sleep(20);
            }
            assertThat(service.stream("s")).isEmpty();
            assertThat(timeline.snapshot().segments()).isEmpty();
            assertThat(segments).allSatisfy(s -> assertThat(s.data().refCnt()).isZero());
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void ladderRenditionsShareTheSourceClockAndReportEachOther() {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            HubRegistry hubs = new HubRegistry();
            HlsService service = new HlsService(hubs, new HlsSettings(2000, 6, 60_000, "*"),
                    Clock.fixed(HlsPackagerTest.T0, ZoneOffset.UTC), Runnable::run, scheduler, new SimpleMeterRegistry());
            StreamHub hub = hubs.claim("s").orElseThrow();
            hub.prepare(List.of(HlsPackagerTest.VIDEO));
            StreamHub rung = new StreamHub("s/240p");
            rung.prepare(List.of(HlsPackagerTest.VIDEO));
            hubs.announceRendition(hub, "240p", rung);
            // The rung runs a few frames behind the source, as a transcoder does.
            for (int f = 0; f < 75; f++) {
                long ms = Math.round(f * 1000.0 / 30);
                Packet p = new Packet(1, ms, ms, f % 60 == 0, Bytes.ofHex("00000001 65"));
                hub.publish(p);
                if (f < 71) {
                    rung.publish(p);
                }
            }
            HlsStream stream = service.stream("s").orElseThrow();
            RenditionTimeline source = stream.rendition("source");
            RenditionTimeline low = stream.rendition("240p");
            assertThat(stream.multivariant()).contains("\nsource/index.m3u8\n", "\n240p/index.m3u8\n");
            MediaSegment a = source.snapshot().segments().get(0);
            MediaSegment b = low.snapshot().segments().get(0);
            assertThat(b.programDateTime()).isEqualTo(a.programDateTime());
            assertThat(b.sequence()).isEqualTo(a.sequence());
            assertThat(b.durationSeconds()).isEqualTo(a.durationSeconds());
            // Segment 1 is in progress: the source has closed parts 0 and 1 (frames 60-71), the
            // rung only part 0 (frames 60-65), RFC 8216bis §4.4.5.4.
            assertThat(stream.renditionReports(source))
                    .isEqualTo("#EXT-X-RENDITION-REPORT:URI=\"../240p/index.m3u8\",LAST-MSN=1,LAST-PART=0\n");
            assertThat(stream.renditionReports(low))
                    .isEqualTo("#EXT-X-RENDITION-REPORT:URI=\"../source/index.m3u8\",LAST-MSN=1,LAST-PART=1\n");
            // Without passthrough the source leaves the multivariant playlist and the reports.
            hub.sourceOffered(false);
            assertThat(stream.multivariant()).doesNotContain("source/index.m3u8").contains("240p/index.m3u8");
            assertThat(stream.renditionReports(low)).isEmpty();
            // A rendition that ends while the source goes on (its ladder failed) leaves too.
            hub.sourceOffered(true);
            rung.end();
            assertThat(low.snapshot().ended()).isTrue();
            assertThat(stream.multivariant()).contains("source/index.m3u8").doesNotContain("240p/index.m3u8");
            assertThat(stream.renditionReports(source)).isEmpty();
            service.closeAll();
        } finally {
            scheduler.shutdownNow();
        }
    }
}
