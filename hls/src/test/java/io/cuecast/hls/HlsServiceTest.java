package io.cuecast.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuecast.core.hub.Publisher;
import io.cuecast.core.testing.ManualClock;
import io.cuecast.core.testing.ManualScheduler;
import io.cuecast.core.time.Scheduler;
import io.cuecast.config.CuecastConfig;
import io.cuecast.core.hub.OfferedRenditions;
import io.cuecast.core.hub.HubRegistry;
import io.cuecast.core.hub.StreamHub;
import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.Packet;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class HlsServiceTest {
    @Test
    void anEndedStreamEndsItsPlaylistThenFreesItsSegments() {
        ManualClock clock = new ManualClock(HlsPackagerTest.T0);
        ManualScheduler scheduler = new ManualScheduler(clock);
        HubRegistry hubs = new HubRegistry(clock);
        HlsService service = new HlsService(hubs, new CuecastConfig.Hls(2000, 6, 100, 300, 200), clock, Runnable::run,
                scheduler, new SimpleMeterRegistry());
        StreamHub hub = hubs.claim("s", Publisher.inProcess("test")).orElseThrow();
        hub.prepare(List.of(HlsPackagerTest.VIDEO));
        for (int f = 0; f < 150; f++) {
            long ms = Math.round(f * 1000.0 / 30);
            hub.publish(new Packet(1, ms, ms, f % 60 == 0, Bytes.ofHex("00000001 65")));
        }
        RenditionTimeline timeline = service.stream("s").orElseThrow().rendition("source");
        List<MediaSegment> segments = timeline.snapshot().segments();
        hubs.release(hub);
        assertThat(segments).allSatisfy(s -> assertThat(s.data().refCnt()).isEqualTo(1));
        scheduler.advance(Duration.ofMillis(99));
        assertThat(timeline.snapshot().ended()).as("within the reconnect grace").isFalse();
        scheduler.advance(Duration.ofMillis(1));
        assertThat(timeline.snapshot().ended()).isTrue();
        assertThat(timeline.playlist()).endsWith("#EXT-X-ENDLIST\n");
        assertThat(service.stream("s")).as("an ended playlist stays for hls.retainEndedMs").isPresent();
        scheduler.advance(Duration.ofMillis(300));
        assertThat(service.stream("s")).isEmpty();
        assertThat(timeline.snapshot().segments()).isEmpty();
        assertThat(segments).allSatisfy(s -> assertThat(s.data().refCnt()).isZero());
    }

    @Test
    void ladderRenditionsShareTheSourceClockAndReportEachOther() {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            HubRegistry hubs = new HubRegistry(Clock.fixed(HlsPackagerTest.T0, ZoneOffset.UTC));
            HlsService service = new HlsService(hubs, new CuecastConfig.Hls(2000, 6, 60_000, 300_000, 200),
                    Clock.fixed(HlsPackagerTest.T0, ZoneOffset.UTC), Runnable::run, Scheduler.of(scheduler), new SimpleMeterRegistry());
            StreamHub hub = hubs.claim("s", Publisher.inProcess("test")).orElseThrow();
            hub.prepare(List.of(HlsPackagerTest.VIDEO));
            StreamHub rung = new StreamHub("s/240p");
            rung.prepare(List.of(HlsPackagerTest.VIDEO));
            hubs.addRendition(hub, "240p", rung);
            hubs.offer(hub, new OfferedRenditions("s", List.of("source", "240p")));
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
            hubs.offer(hub, new OfferedRenditions("s", List.of("240p")));
            assertThat(stream.multivariant()).doesNotContain("source/index.m3u8").contains("240p/index.m3u8");
            assertThat(stream.renditionReports(low)).isEmpty();
            // A rendition that ends while the source goes on (its ladder failed) leaves too.
            hubs.offer(hub, new OfferedRenditions("s", List.of("source", "240p")));
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
