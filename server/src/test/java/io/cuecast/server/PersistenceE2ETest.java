package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streams and keys survive a clean restart and a kill -9 of the server process. */
class PersistenceE2ETest {
    @TempDir
    Path dir;

    @Test
    void streamsSurviveARestartAndOldKeysStillPublish() throws Exception {
        Path data = dir.resolve("data");
        JsonNode created;
        try (TestServer first = new TestServer(data)) {
            created = first.createStream();
        }
        try (TestServer second = new TestServer(data)) {
            JsonNode again = second.stream(created.get("id").asText());
            // Only the key's hash is stored: it is shown at creation and rotation, never again.
            assertThat(again.has("streamKey")).isFalse();
            assertThat(again.has("rtmpUrl")).isFalse();
            assertThat(again.get("name").asText()).isEqualTo("e2e");
            assertThat(again.get("createdAt").asText()).isEqualTo(created.get("createdAt").asText());
            Process ffmpeg = MediaTools.publish(MediaTools.fixture(8, 640, 360),
                    second.rtmp(created.get("streamKey").asText()));
            try {
                await().atMost(Duration.ofSeconds(15))
                        .until(() -> second.stream(created.get("id").asText()).get("live").asBoolean());
            } finally {
                ffmpeg.destroy();
                ffmpeg.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts the real main class in its own JVM on the embedded defaults plus port overrides. */
    static Process startJvm(Path data, int rtmp, int http, int admin, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.cuecast.server.Main");
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("CUECAST_"));
        env.put("CUECAST_DATA_DIR", data.toString());
        env.put("CUECAST_RTMP_HOST", "127.0.0.1");
        env.put("CUECAST_RTMP_PORT", String.valueOf(rtmp));
        env.put("CUECAST_HTTP_HOST", "127.0.0.1");
        env.put("CUECAST_HTTP_PORT", String.valueOf(http));
        env.put("CUECAST_ADMIN_PORT", String.valueOf(admin));
        return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test
    void streamsSurviveKillDashNineAndTheGeneratedTokenIsPrintedOnce() throws Exception {
        Path data = dir.resolve("data");
        int rtmp = freePort(), http = freePort(), admin = freePort();
        Path log1 = dir.resolve("run1.log");
        Process first = startJvm(data, rtmp, http, admin, log1);
        String token;
        String id;
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log1).contains("Cuecast is running"));
            token = Files.readString(data.resolve("admin-token")).trim();
            assertThat(Files.readString(log1)).contains("Admin token  : " + token, "rtmp://127.0.0.1:" + rtmp + "/live",
                    "http://127.0.0.1:" + http + "/hls/{streamId}/master.m3u8");
            HttpResponse<String> r = TestServer.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + admin + "/api/v1/streams"))
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(r.statusCode()).isEqualTo(201);
            id = TestServer.JSON.readTree(r.body()).get("id").asText();
        } finally {
            first.destroyForcibly(); // SIGKILL: no shutdown hook runs
            first.waitFor(10, TimeUnit.SECONDS);
        }
        Path log2 = dir.resolve("run2.log");
        Process second = startJvm(data, rtmp, http, admin, log2);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log2).contains("Cuecast is running"));
            assertThat(Files.readString(log2)).doesNotContain(token).contains("admin-token");
            HttpResponse<String> r = TestServer.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + admin + "/api/v1/streams/" + id))
                    .header("Authorization", "Bearer " + token));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(TestServer.JSON.readTree(r.body()).get("id").asText()).isEqualTo(id);
        } finally {
            second.destroy(); // SIGTERM: graceful shutdown
            assertThat(second.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.readString(log2)).contains("stopped");
        assertThat(List.of(Files.readString(log1), Files.readString(log2))).noneMatch(l -> l.contains("Exception"));
    }
}
