package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped outer-cache configs (docs/cdn) in front of a Cuecast edge: blocking playlist
 * requests and parts go through them, concurrent viewers of one part cost the edge one request,
 * and the bytes are the origin's.
 */
class OuterCacheE2ETest {
    @TempDir
    Path dir;

    @Test
    void nginxAndVarnishInFrontOfAnEdgeCoalesceBlockingRequests() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(40);
        try (TestServer origin = new TestServer(dir.resolve("origin"));
             TestServer edge = new TestServer(dir.resolve("edge"), Map.of("CUECAST_CLUSTER_ROLE", "edge",
                     "CUECAST_CLUSTER_UPSTREAMS", "[http://127.0.0.1:" + origin.server.httpPort() + "]",
                     "CUECAST_WEBRTC_ENABLED", "false"));
             OuterCaches.Cache nginx = OuterCaches.nginx(dir.resolve("nginx"), edge.server.httpPort());
             OuterCaches.Cache varnish = OuterCaches.varnish(dir.resolve("varnish"), edge.server.httpPort())) {
            JsonNode stream = origin.createStream();
            String id = stream.get("id").asText();
            Process ffmpeg = MediaTools.publish(MediaTools.fixture(60, 640, 360),
                    origin.rtmp(stream.get("streamKey").asText()));
            try {
                String path = "/hls/" + id + "/source/index.m3u8";
                await().atMost(Duration.ofSeconds(20)).until(() -> origin.get(origin.http(path)).body().contains("-1.m4s"));
                for (OuterCaches.Cache cache : List.of(nginx, varnish)) {
                    // (Its BANDWIDTH is measured over the window, so it moves with each segment.)
                    assertThat(origin.get(cache.url("/hls/" + id + "/master.m3u8")).body())
                            .startsWith("#EXTM3U").contains("source/index.m3u8");
                    for (int round = 0; round < 3; round++) {
                        long[] last = EdgeE2ETest.lastPart(origin.get(origin.http(path)).body());
                        String q = path + "?_HLS_msn=" + last[0] + "&_HLS_part=" + (last[1] + 1);
                        double before = edge.metric("cuecast_hls_requests_total{kind=\"playlist\"}");
                        List<CompletableFuture<HttpResponse<String>>> viewers = new ArrayList<>();
                        for (int v = 0; v < 20; v++) {
                            viewers.add(CompletableFuture.supplyAsync(() -> get(origin, cache.url(q)), pool));
                        }
                        String first = null;
                        for (CompletableFuture<HttpResponse<String>> f : viewers) {
                            HttpResponse<String> r = f.get(20, TimeUnit.SECONDS);
                            assertThat(r.statusCode()).as(cache.name() + ": " + r.body()).isEqualTo(200);
                            first = first == null ? r.body() : first;
                            assertThat(r.body()).as(cache.name() + ": one answer for one URL").isEqualTo(first);
                        }
                        double asked = edge.metric("cuecast_hls_requests_total{kind=\"playlist\"}") - before;
                        assertThat(asked).as(cache.name() + ": edge requests for 20 viewers of one part")
                                .isLessThanOrEqualTo(2);
                        // The newest part it lists (the one asked for, or the segment's last when the
                        // segment ended first), through the cache, is the origin's.
                        Matcher m = Pattern.compile("#EXT-X-PART:[^\\n]*URI=\"([^\"]+)\"").matcher(first);
                        String newest = null;
                        while (m.find()) {
                            newest = m.group(1);
                        }
                        assertThat(newest).as(first).isNotNull();
                        String part = "/hls/" + id + "/source/" + newest;
                        byte[] viaCache = TestServer.sendBytes(cache.url(part)).body();
                        byte[] atOrigin = TestServer.sendBytes(origin.http(part)).body();
                        assertThat(Arrays.equals(viaCache, atOrigin)).as(cache.name() + " bytes of " + part).isTrue();
                    }
                    System.out.printf("outer cache %s: 3 rounds of 20 blocking viewers coalesced%n", cache.name());
                }
            } finally {
                ffmpeg.destroy();
                ffmpeg.waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static HttpResponse<String> get(TestServer s, String url) {
        try {
            return s.get(url);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
