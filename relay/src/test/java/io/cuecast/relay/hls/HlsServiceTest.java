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
}
