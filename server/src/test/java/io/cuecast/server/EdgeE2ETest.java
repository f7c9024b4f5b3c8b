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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edge (a second Cuecast with {@code cluster.role: edge}) mirroring an origin: the same playlists
 * byte for byte for the same query, the same media bytes, one upstream request per part however
 * many viewers block on it, and no upstream storm for a stream nobody has.
 */
class EdgeE2ETest {
    private static final Pattern LAST_PART = Pattern.compile("#EXT-X-PART:[^\\n]*URI=\"[^\"]*-(\\d+)\\.(\\d+)\\.m4s\"");

    @TempDir
    Path dir;
    TestServer origin;
    TestServer edge;

    @BeforeEach
    void start() throws Exception {
        // Ten 2 s segments: a delta update skips those older than six target durations.
        origin = new TestServer(dir.resolve("origin"), Map.of("CUECAST_HLS_WINDOW_SEGMENTS", "10"));
        edge = new TestServer(dir.resolve("edge"), Map.of("CUECAST_CLUSTER_ROLE", "edge",
                "CUECAST_CLUSTER_UPSTREAMS", "[http://127.0.0.1:" + origin.server.httpPort() + "]",
                "CUECAST_WEBRTC_ENABLED", "false"));
    }

    @AfterEach
    void stop() {
        edge.close();
        origin.close();
    }

    /** {msn, part} of the last listed part. */
    static long[] lastPart(String playlist) {
        Matcher m = LAST_PART.matcher(playlist);
        long[] last = null;
        while (m.find()) {
            last = new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
        }
        return last;
    }

    @Test
    void edgeMirrorsTheOriginByteForByteWithOneUpstreamRequestPerPart() throws Exception {
        JsonNode stream = origin.createStream();
        String id = stream.get("id").asText();
        Process ffmpeg = MediaTools.publish(MediaTools.fixture(60, 640, 360), origin.rtmp(stream.get("streamKey").asText()));
        ExecutorService pool = Executors.newFixedThreadPool(64);
        try {
            String path = "/hls/" + id + "/source/index.m3u8";
            await().atMost(Duration.ofSeconds(20)).until(() -> origin.get(origin.http(path)).body().contains("-1.m4s"));
            HttpResponse<String> first = edge.get(edge.http(path));
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
            assertThat(edge.get(edge.http("/hls/" + id + "/master.m3u8")).body())
                    .isEqualTo(origin.get(origin.http("/hls/" + id + "/master.m3u8")).body());

            // Golden: the same blocking query, asked of both for parts not produced yet, gets the same text.
            int compared = 0;
            for (int i = 0; i < 8; i++) {
                long[] last = lastPart(origin.get(origin.http(path)).body());
                String q = "?_HLS_msn=" + last[0] + "&_HLS_part=" + (last[1] + 2);
                CompletableFuture<HttpResponse<String>> e = CompletableFuture.supplyAsync(() -> get(edge, path + q), pool);
                CompletableFuture<HttpResponse<String>> o = CompletableFuture.supplyAsync(() -> get(origin, path + q), pool);
                String fromEdge = e.get(15, TimeUnit.SECONDS).body();
                String fromOrigin = o.get(15, TimeUnit.SECONDS).body();
                if (!fromEdge.equals(fromOrigin)) {
                    System.out.println("edge/origin differ for " + q + ":\n--- edge\n" + fromEdge + "--- origin\n" + fromOrigin);
                    // The part completed the segment on the origin between the two answers: one retry.
                    continue;
                }
                assertThat(fromEdge).contains("#EXT-X-PRELOAD-HINT").contains("#EXT-X-MEDIA-SEQUENCE");
                compared++;
            }
            assertThat(compared).as("identical blocking answers of 8").isGreaterThanOrEqualTo(6);
            // A delta update for the same query is the same too, once the window has skippable segments.
            await().atMost(Duration.ofSeconds(30)).until(() -> origin.get(origin.http(path + "?_HLS_skip=YES"))
                    .body().contains("#EXT-X-SKIP"));
            long[] last = lastPart(origin.get(origin.http(path)).body());
            String dq = "?_HLS_msn=" + last[0] + "&_HLS_part=" + (last[1] + 2) + "&_HLS_skip=YES";
            CompletableFuture<HttpResponse<String>> de = CompletableFuture.supplyAsync(() -> get(edge, path + dq), pool);
            CompletableFuture<HttpResponse<String>> dor = CompletableFuture.supplyAsync(() -> get(origin, path + dq), pool);
            assertThat(de.get(15, TimeUnit.SECONDS).body()).contains("#EXT-X-SKIP")
                    .isEqualTo(dor.get(15, TimeUnit.SECONDS).body());

            // Media bytes: every part and segment the edge lists is the origin's.
            String listing = edge.get(edge.http(path)).body();
            List<String> names = new ArrayList<>();
            for (String line : listing.split("\n")) {
                Matcher u = Pattern.compile("URI=\"([^\"]+)\"").matcher(line);
                if (line.startsWith("#EXT-X-PART:") && u.find()) {
                    names.add(u.group(1));
                } else if (!line.startsWith("#") && !line.isEmpty()) {
                    names.add(line);
                }
            }
            assertThat(names).hasSizeGreaterThan(10);
            for (String n : names.subList(names.size() - 10, names.size())) {
                HttpResponse<byte[]> a = TestServer.sendBytes(origin.http("/hls/" + id + "/source/" + n));
                HttpResponse<byte[]> b = TestServer.sendBytes(edge.http("/hls/" + id + "/source/" + n));
                assertThat(b.statusCode()).as(n).isEqualTo(200);
                assertThat(Arrays.equals(a.body(), b.body())).as("bytes of " + n).isTrue();
            }

            // Coalescing: 50 viewers block on each next part at the edge for 6 s.
            double playlistsBefore = edge.metric("cuecast_edge_upstream_requests_total{kind=\"playlist\"}");
            double partsBefore = edge.metric("cuecast_edge_upstream_requests_total{kind=\"part\"}");
            long[] from = lastPart(origin.get(origin.http(path)).body());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
            List<CompletableFuture<Integer>> viewers = new ArrayList<>();
            for (int v = 0; v < 50; v++) {
                viewers.add(CompletableFuture.supplyAsync(() -> {
                    int answered = 0;
                    long[] at = lastPart(get(edge, path).body());
                    while (System.nanoTime() < deadline && answered < 200) {
                        HttpResponse<String> r = get(edge, path + "?_HLS_msn=" + at[0] + "&_HLS_part=" + (at[1] + 1));
                        if (r.statusCode() != 200) {
                            return -1;
                        }
                        long[] now = lastPart(r.body());
                        at = now;
                        answered++;
                    }
                    return answered;
                }, pool));
            }
            for (CompletableFuture<Integer> v : viewers) {
                assertThat(v.get(30, TimeUnit.SECONDS)).as("blocking answers one viewer got").isGreaterThan(10);
            }
            long[] to = lastPart(origin.get(origin.http(path)).body());
            double playlists = edge.metric("cuecast_edge_upstream_requests_total{kind=\"playlist\"}") - playlistsBefore;
            double parts = edge.metric("cuecast_edge_upstream_requests_total{kind=\"part\"}") - partsBefore;
            // Parts produced meanwhile: 10 a segment at 200 ms parts of 2 s segments (about).
            long produced = (to[0] - from[0]) * 10 + (to[1] - from[1]);
            System.out.printf("edge: %d viewers, %d parts produced, %.0f upstream playlist and %.0f part requests%n",
                    50, produced, playlists, parts);
            assertThat(produced).isGreaterThan(15);
            assertThat(playlists / produced).as("upstream playlists per part").isLessThanOrEqualTo(1.3);
            assertThat(parts / produced).as("upstream parts per part").isLessThanOrEqualTo(1.3);
        } finally {
            pool.shutdownNow();
            ffmpeg.destroy();
            ffmpeg.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void unknownStreamIs404WithoutAnUpstreamStorm() throws Exception {
        double before = edge.metric("cuecast_edge_upstream_requests_total{kind=\"master\"}");
        for (int i = 0; i < 50; i++) {
            assertThat(edge.get(edge.http("/hls/nosuch/master.m3u8")).statusCode()).isEqualTo(404);
            assertThat(edge.get(edge.http("/hls/nosuch/source/index.m3u8")).statusCode()).isEqualTo(404);
        }
        double asked = edge.metric("cuecast_edge_upstream_requests_total{kind=\"master\"}") - before;
        // 100 requests in well under a second or two: the "unknown" answer is kept for a second.
        assertThat(asked).as("upstream lookups for 100 requests").isLessThanOrEqualTo(5);
    }

    private static HttpResponse<String> get(TestServer s, String pathAndQuery) {
        try {
            return s.get(s.http(pathAndQuery));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
