package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The high-availability form of cluster.redisUrl: {@code redis-sentinel://HOST:PORT#MASTER}. A real
 * Sentinel (redis-server in sentinel mode) names the master; the node finds it through the Sentinel
 * and keeps its lease there.
 */
class ClusterSentinelE2ETest {
    @TempDir
    Path dir;

    @Test
    void aNodeFindsRedisThroughSentinel() throws Exception {
        try (RedisServer master = new RedisServer(dir.resolve("master"), null)) {
            int sentinelPort = TestServer.freePort();
            Path conf = dir.resolve("sentinel.conf"); // Sentinel rewrites its own config file
            Files.writeString(conf, "port " + sentinelPort + "\nbind 127.0.0.1\ndir " + dir + "\n"
                    + "sentinel monitor cuecast 127.0.0.1 " + master.port + " 1\n"
                    + "sentinel down-after-milliseconds cuecast 2000\n");
            Process sentinel = new ProcessBuilder("redis-server", conf.toString(), "--sentinel")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sentinel.log").toFile()).start();
            try {
                TestServer.waitForPort(sentinelPort, sentinel, dir.resolve("sentinel.log"), 10);
                try (TestServer node = new TestServer(dir.resolve("node"), Map.of(
                        "CUECAST_CLUSTER_REDIS_URL", "redis-sentinel://127.0.0.1:" + sentinelPort + "#cuecast",
                        "CUECAST_CLUSTER_NODE_ID", "n1", "CUECAST_WEBRTC_ENABLED", "false"))) {
                    JsonNode stream = node.createStream();
                    String id = stream.get("id").asText();
                    Process ffmpeg = MediaTools.publish(MediaTools.fixture(30, 320, 180),
                            node.rtmp(stream.get("streamKey").asText()));
                    try {
                        await().atMost(Duration.ofSeconds(20)).until(() -> {
                            JsonNode v = TestServer.JSON.readTree(node.api("GET", "/api/v1/cluster", null).body());
                            return v.path("redis").path("connected").asBoolean()
                                    && v.path("owners").path(id).asText().startsWith("n1:");
                        });
                    } finally {
                        ffmpeg.destroy();
                        ffmpeg.waitFor(10, TimeUnit.SECONDS);
                    }
                    JsonNode v = TestServer.JSON.readTree(node.api("GET", "/api/v1/cluster", null).body());
                    assertThat(v.path("nodes").has("n1")).as(v.toString()).isTrue();
                }
            } finally {
                sentinel.destroy();
                sentinel.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
