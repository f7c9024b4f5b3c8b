package io.cuecast.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuecast.config.CuecastConfig;
import io.cuecast.core.hub.HubRegistry;
import io.cuecast.core.hub.Publisher;
import io.cuecast.core.hub.StreamHub;
import io.cuecast.core.time.Scheduler;
import io.cuecast.http.ErrorStyle;
import io.cuecast.http.Router;
import io.cuecast.http.RouterHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Socket-free: requests go straight into the handler. */
class HlsRoutesTest {
    /** The public port's pipeline end for these routes: the router behind its Netty handler. */
    static RouterHandler handler(HlsService service, MeterRegistry meters) {
        return new RouterHandler(new HlsRoutes(service, "*", meters).addTo(Router.builder(ErrorStyle.TEXT)).build());
    }

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private HlsService service;
    private HubRegistry hubs;

    @BeforeEach
    void publishFourSeconds() {
        hubs = new HubRegistry(Clock.fixed(HlsPackagerTest.T0, ZoneOffset.UTC));
        service = new HlsService(hubs, new CuecastConfig.Hls(2000, 6, 60_000, 300_000, 200),
                Clock.fixed(HlsPackagerTest.T0, ZoneOffset.UTC), Runnable::run, Scheduler.of(scheduler), meters);
        StreamHub hub = hubs.claim("abc", Publisher.inProcess("test")).orElseThrow();
        hub.prepare(List.of(HlsPackagerTest.VIDEO, HlsPackagerTest.AUDIO));
        // Published through the hub so the real reader path is used (video only keeps it short).
        for (int f = 0; f < 150; f++) {
            long ms = Math.round(f * 1000.0 / 30);
            hub.publish(new io.cuecast.core.media.Packet(1, ms, ms, f % 60 == 0,
                    io.cuecast.core.media.Bytes.ofHex(f % 60 == 0 ? "00000001 65" : "00000001 41")));
        }
    }

    /** Every response a test got, released after it: they hold retained slices of segments. */
    private final List<FullHttpResponse> responses = new java.util.ArrayList<>();

    @AfterEach
    void stop() {
        responses.forEach(r -> r.release());
        service.closeAll();
        scheduler.shutdownNow();
    }

    FullHttpResponse get(HttpMethod method, String uri) {
        EmbeddedChannel ch = new EmbeddedChannel(HlsRoutesTest.handler(service, meters));
        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri));
        FullHttpResponse r = ch.readOutbound();
        responses.add(r);
        return r;
    }

    static String body(FullHttpResponse r) {
        return r.content().toString(StandardCharsets.UTF_8);
    }

    @Test
    void servesPlaylistsWithShortCachingAndCors() {
        FullHttpResponse master = get(HttpMethod.GET, "/hls/abc/master.m3u8");
        assertThat(master.status().code()).isEqualTo(200);
        assertThat(master.headers().get("Content-Type")).isEqualTo("application/vnd.apple.mpegurl");
        assertThat(master.headers().get("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(master.headers().get("Cache-Control")).isEqualTo("public, max-age=1");
        assertThat(body(master)).contains("CODECS=\"avc1.64001f,mp4a.40.2\"", "RESOLUTION=1280x720",
                "FRAME-RATE=30.000", "source/index.m3u8");
        FullHttpResponse media = get(HttpMethod.GET, "/hls/abc/source/index.m3u8?_HLS_msn=1");
        assertThat(body(media)).startsWith("#EXTM3U\n").contains("#EXTINF:2.000,\n");
    }

    @Test
    void servesSegmentsImmutable() {
        String playlist = body(get(HttpMethod.GET, "/hls/abc/source/index.m3u8"));
        String segment = playlist.lines().filter(l -> l.endsWith(".m4s")).findFirst().orElseThrow();
        String init = playlist.lines().filter(l -> l.startsWith("#EXT-X-MAP")).findFirst().orElseThrow()
                .replaceAll(".*URI=\"([^\"]+)\".*", "$1");
        FullHttpResponse seg = get(HttpMethod.GET, "/hls/abc/source/" + segment);
        assertThat(seg.status().code()).isEqualTo(200);
        assertThat(seg.headers().get("Content-Type")).isEqualTo("video/iso.segment");
        assertThat(seg.headers().get("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
        assertThat(seg.content().readableBytes()).isGreaterThan(100);
        FullHttpResponse initResponse = get(HttpMethod.GET, "/hls/abc/source/" + init);
        assertThat(initResponse.headers().get("Content-Type")).isEqualTo("video/mp4");
        FullHttpResponse head = get(HttpMethod.HEAD, "/hls/abc/source/" + segment);
        assertThat(head.status().code()).isEqualTo(200);
        assertThat(head.content().readableBytes()).isZero();
        assertThat(head.headers().getInt("Content-Length")).isEqualTo(seg.content().readableBytes());
        assertThat(meters.get("cuecast.hls.requests").tag("kind", "segment").counter().count()).isEqualTo(2); // GET and HEAD
    }

    @Test
    void unknownThingsAre404AndOtherMethods405() {
        assertThat(get(HttpMethod.GET, "/hls/nope/master.m3u8").status().code()).isEqualTo(404);
        assertThat(get(HttpMethod.GET, "/hls/abc/low/index.m3u8").status().code()).isEqualTo(404);
        assertThat(get(HttpMethod.GET, "/hls/abc/source/t-99.m4s").status().code()).isEqualTo(404);
        assertThat(get(HttpMethod.GET, "/hls/abc/source/../../etc/passwd").status().code()).isEqualTo(404);
        assertThat(get(HttpMethod.POST, "/hls/abc/master.m3u8").status().code()).isEqualTo(405);
        FullHttpResponse options = get(HttpMethod.OPTIONS, "/hls/abc/master.m3u8");
        assertThat(options.status().code()).isEqualTo(204);
        assertThat(options.headers().get("Access-Control-Allow-Methods")).contains("GET");
    }

    @Test
    void otherPathsPassThrough() {
        // One table per port: paths the HLS routes do not claim reach the port's other routes.
        Router table = new HlsRoutes(service, "*", meters).addTo(Router.builder(ErrorStyle.TEXT))
                .get("/watch/{id}", r -> CompletableFuture.completedFuture(
                        io.cuecast.http.Response.text(HttpResponseStatus.OK,
                                "watch " + r.param("id"))))
                .build();
        EmbeddedChannel ch = new EmbeddedChannel(new RouterHandler(table));
        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/watch/abc"));
        FullHttpResponse passed = ch.readOutbound();
        assertThat(passed.content().toString(StandardCharsets.UTF_8)).isEqualTo("watch abc");
        passed.release();
    }
}
