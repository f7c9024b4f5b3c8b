package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes sharing a real redis-server: origin A, origin B, edge E (which finds a stream's
 * owner through Redis). Streams and keys created on one node work on every node, cues posted on
 * any node reach the owner once, and a Redis restart does not interrupt viewers.
 */
class ClusterE2ETest {
    private static final Pattern DATERANGE_ID = Pattern.compile("#EXT-X-DATERANGE:ID=\"([^\"]+)\"");

    @TempDir
    Path dir;
    RedisServer redis;
    TestServer a;
    TestServer b;
    TestServer e;

    @BeforeEach
    void start() throws Exception {
        redis = new RedisServer(dir.resolve("redis"), null);
        a = node("a", "origin");
        b = node("b", "origin");
        e = node("e", "edge");
    }

    private TestServer node(String name, String role) throws Exception {
        return new TestServer(dir.resolve(name), Map.of("CUECAST_CLUSTER_ROLE", role,
                "CUECAST_CLUSTER_NODE_ID", name, "CUECAST_CLUSTER_REDIS_URL", redis.url(),
                "CUECAST_WEBRTC_ENABLED", "false"));
    }

    @AfterEach
    void stop() throws Exception {
        for (TestServer s : new TestServer[] {e, b, a}) {
            if (s != null) {
                s.close();
            }
        }
        redis.close();
    }

    static Set<String> dateRangeIds(String playlist, Map<String, Integer> countInOne) {
        Set<String> ids = new HashSet<>();
        Matcher m = DATERANGE_ID.matcher(playlist);
        Map<String, Integer> counts = new HashMap<>();
        while (m.find()) {
            ids.add(m.group(1));
            counts.merge(m.group(1), 1, Integer::sum);
        }
        counts.forEach((k, v) -> countInOne.merge(k, v, Math::max));
        return ids;
    }

    @Test
    void streamsCuesAndEdgeWorkAcrossNodes() throws Exception {
        JsonNode stream = a.createStream();
        String id = stream.get("id").asText();
        // The stream created on A is known to B and E: B accepts its key, E its cues.
        await().atMost(Duration.ofSeconds(10)).until(() -> b.api("GET", "/api/v1/streams/" + id, null).statusCode() == 200
                && e.api("GET", "/api/v1/streams/" + id, null).statusCode() == 200);
        Process ffmpeg = MediaTools.publish(MediaTools.fixture(60, 640, 360), a.rtmp(stream.get("streamKey").asText()));
        try {
            String path = "/hls/" + id + "/source/index.m3u8";
            await().atMost(Duration.ofSeconds(20)).until(() -> a.get(a.http(path)).body().contains("-1.m4s"));
            await().atMost(Duration.ofSeconds(10)).until(() -> TestServer.JSON.readTree(
                    a.api("GET", "/api/v1/cluster", null).body()).path("leases").has(id));
            JsonNode view = TestServer.JSON.readTree(e.api("GET", "/api/v1/cluster", null).body());
            assertThat(view.path("owners").path(id).asText()).startsWith("a:");
            assertThat(view.path("nodes").has("a") && view.path("nodes").has("b") && view.path("nodes").has("e"))
                    .as(view.toString()).isTrue();
            // E finds the owner through Redis (it has no upstreams configured).
            HttpResponse<String> fromEdge = e.get(e.http(path));
            assertThat(fromEdge.statusCode()).as(fromEdge.body()).isEqualTo(200);

            // 100 cues posted alternately to E and B, 10 a second; each appears once on E.
            Set<String> posted = new HashSet<>();
            Set<String> seen = new HashSet<>();
            Map<String, Integer> maxInOne = new HashMap<>();
            long started = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                TestServer via = i % 2 == 0 ? e : b;
                HttpResponse<String> r = via.api("POST", "/api/v1/streams/" + id + "/cues",
                        "{\"type\":\"product.show\",\"product\":{\"sku\":\"SKU-" + i + "\",\"title\":\"Item " + i
                                + "\",\"price\":\"9.99\",\"currency\":\"EUR\"},\"durationMs\":20000}");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                posted.add(TestServer.JSON.readTree(r.body()).get("id").asText());
                if (i % 5 == 4) {
                    seen.addAll(dateRangeIds(e.get(e.http(path)).body(), maxInOne));
                }
                long due = started + TimeUnit.MILLISECONDS.toNanos(100L * (i + 1));
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
                }
            }
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
                seen.addAll(dateRangeIds(e.get(e.http(path)).body(), maxInOne));
                return seen.containsAll(posted);
            });
            assertThat(posted).hasSize(100);
            assertThat(seen).as("cue ids listed on E").containsAll(posted);
            assertThat(maxInOne.values()).as("times a cue is listed in one playlist").allMatch(n -> n == 1);
            // Placed once on the owner: its log holds each exactly once.
            JsonNode log = TestServer.JSON.readTree(a.api("GET", "/api/v1/streams/" + id + "/cues", null).body());
            List<String> logged = new java.util.ArrayList<>();
            log.get("cues").forEach(c -> logged.add(c.get("id").asText()));
            assertThat(logged).hasSize(100).doesNotHaveDuplicates().containsAll(posted);

            // Redis restarted empty mid-stream: the owner re-registers, viewers of E are not interrupted.
            redis.kill();
            long killedAt = System.nanoTime();
            redis.start();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
                JsonNode v = TestServer.JSON.readTree(e.api("GET", "/api/v1/cluster", null).body());
                return v.path("owners").path(id).asText().startsWith("a:") && v.path("nodes").has("a");
            });
            System.out.printf("cluster: owner and nodes re-registered %d ms after the Redis restart%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
            long[] before = EdgeE2ETest.lastPart(e.get(e.http(path)).body());
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> r = e.get(e.http(path + "?_HLS_msn=" + before[0] + "&_HLS_part=" + (before[1] + 1)));
                assertThat(r.statusCode()).isEqualTo(200);
                before = EdgeE2ETest.lastPart(r.body());
            }
        } finally {
            ffmpeg.destroy();
            ffmpeg.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
