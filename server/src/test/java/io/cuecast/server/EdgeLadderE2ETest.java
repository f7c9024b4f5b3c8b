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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The correctness run with the ladder on, through two tiers of edges (origin → E1 → E2): every
 * rendition is mirrored, a cue is in each rendition's playlist on the second tier, the second tier's
 * blocking answers are the origin's text and its parts the origin's bytes.
 */
class EdgeLadderE2ETest {
    @TempDir
    Path dir;

    @Test
    void everyRenditionThroughTwoTiersOfEdges() throws Exception {
        try (TestServer origin = new TestServer(dir.resolve("origin"), Map.of("CUECAST_LADDER_ENABLED", "true",
                "CUECAST_WEBRTC_ENABLED", "false"));
             TestServer e1 = new TestServer(dir.resolve("e1"), Map.of("CUECAST_CLUSTER_ROLE", "edge",
                     "CUECAST_CLUSTER_UPSTREAMS", "[http://127.0.0.1:" + origin.server.httpPort() + "]",
                     "CUECAST_WEBRTC_ENABLED", "false"));
             TestServer e2 = new TestServer(dir.resolve("e2"), Map.of("CUECAST_CLUSTER_ROLE", "edge",
                     "CUECAST_CLUSTER_UPSTREAMS", "[http://127.0.0.1:" + e1.server.httpPort() + "]",
                     "CUECAST_WEBRTC_ENABLED", "false"))) {
            JsonNode stream = origin.createStream();
            String id = stream.get("id").asText();
            Process ffmpeg = MediaTools.publish(MediaTools.fixture(60, 640, 360), origin.rtmp(stream.get("streamKey").asText()));
            try {
                await().atMost(Duration.ofSeconds(40)).until(() -> {
                    String master = origin.get(origin.http("/hls/" + id + "/master.m3u8")).body();
                    return master.contains("360p/index.m3u8") && master.contains("240p/index.m3u8");
                });
                String master = e2.get(e2.http("/hls/" + id + "/master.m3u8")).body();
                List<String> renditions = new ArrayList<>();
                for (String line : master.split("\n")) {
                    if (line.endsWith("/index.m3u8")) {
                        renditions.add(line.substring(0, line.indexOf('/')));
                    }
                }
                assertThat(renditions).contains("source", "360p", "240p");
                for (String r : renditions) {
                    HttpResponse<String> pl = e2.get(e2.http("/hls/" + id + "/" + r + "/index.m3u8"));
                    assertThat(pl.statusCode()).as(r + ": " + pl.body()).isEqualTo(200);
                }
                HttpResponse<String> cue = origin.api("POST", "/api/v1/streams/" + id + "/cues",
                        "{\"type\":\"product.show\",\"product\":{\"sku\":\"L-1\",\"title\":\"Ladder\",\"price\":\"2.00\","
                                + "\"currency\":\"EUR\"}}");
                assertThat(cue.statusCode()).as(cue.body()).isEqualTo(201);
                String cueId = TestServer.JSON.readTree(cue.body()).get("id").asText();
                for (String r : renditions) {
                    await().atMost(Duration.ofSeconds(15)).until(() -> e2.get(e2.http("/hls/" + id + "/" + r
                            + "/index.m3u8")).body().contains("ID=\"" + cueId + "\""));
                }
                // The second tier answers a blocking request with the origin's text, and serves its bytes.
                int same = 0;
                for (String r : renditions) {
                    String path = "/hls/" + id + "/" + r + "/index.m3u8";
                    for (int i = 0; i < 3 && same < renditions.size() * 2; i++) {
                        long[] last = EdgeE2ETest.lastPart(origin.get(origin.http(path)).body());
                        String q = path + "?_HLS_msn=" + last[0] + "&_HLS_part=" + (last[1] + 2);
                        CompletableFuture<HttpResponse<String>> a = CompletableFuture.supplyAsync(() -> get(e2, q));
                        CompletableFuture<HttpResponse<String>> b = CompletableFuture.supplyAsync(() -> get(origin, q));
                        if (a.get(15, TimeUnit.SECONDS).body().equals(b.get(15, TimeUnit.SECONDS).body())) {
                            same++;
                        }
                    }
                    String listing = e2.get(e2.http(path)).body();
                    String seg = listing.lines().filter(l -> l.endsWith(".m4s") && !l.startsWith("#"))
                            .reduce((x, y) -> y).orElseThrow();
                    byte[] viaEdges = TestServer.sendBytes(e2.http("/hls/" + id + "/" + r + "/" + seg)).body();
                    byte[] atOrigin = TestServer.sendBytes(origin.http("/hls/" + id + "/" + r + "/" + seg)).body();
                    assertThat(Arrays.equals(viaEdges, atOrigin)).as(r + " " + seg).isTrue();
                }
                assertThat(same).as("blocking answers equal to the origin's through two edges")
                        .isGreaterThanOrEqualTo(renditions.size());
                System.out.printf("two-tier edges, ladder on: %s mirrored, %d blocking answers equal to the origin's%n",
                        renditions, same);
            } finally {
                ffmpeg.destroy();
                ffmpeg.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static HttpResponse<String> get(TestServer s, String path) {
        try {
            return s.get(s.http(path));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
