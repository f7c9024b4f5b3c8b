package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster store that is wrong or away: the node starts, says why in its log and admin API,
 * serves what it has, places cues of streams published to it, and joins once Redis is there.
 */
class ClusterBadInputE2ETest {
    private static final String CUE = "{\"type\":\"product.show\",\"product\":{\"sku\":\"S\",\"title\":\"T\","
            + "\"price\":\"1.00\",\"currency\":\"EUR\"}}";

    @TempDir
    Path dir;

    @Test
    void wrongPasswordIsNamedAndTheNodeServesWhatItHas() throws Exception {
        try (RedisServer redis = new RedisServer(dir.resolve("redis"), "right-password");
             TestServer node = new TestServer(dir.resolve("node"), Map.of("CUECAST_CLUSTER_REDIS_URL",
                     "redis://:wrong-password@127.0.0.1:" + redis.port, "CUECAST_WEBRTC_ENABLED", "false"))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> TestServer.JSON.readTree(
                    node.api("GET", "/api/v1/cluster", null).body()).path("redis").path("lastError").asText()
                    .contains("refused the credentials"));
            JsonNode view = TestServer.JSON.readTree(node.api("GET", "/api/v1/cluster", null).body());
            assertThat(view.path("redis").path("connected").asBoolean()).isFalse();
            servesAlone(node);
        }
    }

    @Test
    void redisDownAtStartThenUp() throws Exception {
        Path redisDir = dir.resolve("redis");
        int port;
        try (RedisServer probe = new RedisServer(redisDir, null)) {
            port = probe.port; // a port that was free; nothing listens there once it is closed
        }
        try (TestServer node = new TestServer(dir.resolve("node"), Map.of("CUECAST_CLUSTER_REDIS_URL",
                "redis://127.0.0.1:" + port, "CUECAST_CLUSTER_NODE_ID", "solo", "CUECAST_WEBRTC_ENABLED", "false"))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !TestServer.JSON.readTree(
                    node.api("GET", "/api/v1/cluster", null).body()).path("redis").path("lastError").asText().isEmpty());
            String id = servesAlone(node);
            // A stream not live here cannot take a cue without the store: 503 naming it.
            JsonNode other = node.createStream();
            HttpResponse<String> refused = node.api("POST", "/api/v1/streams/" + other.get("id").asText() + "/cues", CUE);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).contains("cluster_unavailable").contains("Redis");
            // Redis comes up on that port: the node registers and takes the lease of its live stream.
            // The key was shown once at creation; a new one publishes again.
            Process ffmpeg = MediaTools.publish(MediaTools.fixture(30, 320, 180), node.rtmp(rotate(node, id)));
            try (RedisServer redis = redisOn(redisDir, port)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    JsonNode v = TestServer.JSON.readTree(node.api("GET", "/api/v1/cluster", null).body());
                    return v.path("redis").path("connected").asBoolean() && v.path("nodes").has("solo")
                            && v.path("owners").path(id).asText().startsWith("solo:");
                });
            } finally {
                ffmpeg.destroy();
                ffmpeg.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static String rotate(TestServer node, String id) throws Exception {
        return TestServer.JSON.readTree(node.api("POST", "/api/v1/streams/" + id + "/key", null).body())
                .get("streamKey").asText();
    }

    private static RedisServer redisOn(Path dir, int port) throws Exception {
        return new RedisServer(dir, null, port);
    }

    /** A publish to the node plays and takes a cue, without the store. Returns the stream id. */
    private static String servesAlone(TestServer node) throws Exception {
        JsonNode stream = node.createStream();
        String id = stream.get("id").asText();
        Process ffmpeg = MediaTools.publish(MediaTools.fixture(30, 320, 180), node.rtmp(stream.get("streamKey").asText()));
        try {
            String path = "/hls/" + id + "/source/index.m3u8";
            await().atMost(Duration.ofSeconds(20)).until(() -> node.get(node.http(path)).body().contains("-1.m4s"));
            HttpResponse<String> cue = node.api("POST", "/api/v1/streams/" + id + "/cues", CUE);
            assertThat(cue.statusCode()).as(cue.body()).isEqualTo(201);
            String cueId = TestServer.JSON.readTree(cue.body()).get("id").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> node.get(node.http(path)).body().contains(cueId));
        } finally {
            ffmpeg.destroy();
            ffmpeg.waitFor(10, TimeUnit.SECONDS);
        }
        return id;
    }
}
