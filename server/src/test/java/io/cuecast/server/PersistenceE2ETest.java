package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
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

    /** Starts the real main class in its own JVM on the embedded defaults plus port overrides. */
    static Process startJvm(Path data, int rtmp, int http, int admin, Path log) throws IOException {
        return startJvm(List.of(), data, rtmp, http, admin, log);
    }

    /** The same, the command prefixed by {@code wrapper} (for example strace). */
    static Process startJvm(List<String> wrapper, Path data, int rtmp, int http, int admin, Path log)
            throws IOException {
        List<String> command = new java.util.ArrayList<>(wrapper);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.cuecast.server.Main"));
        ProcessBuilder pb = new ProcessBuilder(command);
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
    void streamsSurviveKillDashNineAndTheGeneratedTokenStaysOutOfTheLog() throws Exception {
        Path data = dir.resolve("data");
        int rtmp = TestServer.freePort(), http = TestServer.freePort(), admin = TestServer.freePort();
        Path log1 = dir.resolve("run1.log");
        Process first = startJvm(data, rtmp, http, admin, log1);
        String token;
        String id;
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log1).contains("Cuecast is running"));
            token = Files.readString(data.resolve("admin-token")).trim();
            // Not a terminal (like systemd or docker): the token stays in its 0600 file, out of the log.
            assertThat(Files.readString(log1)).doesNotContain(token)
                    .contains("Admin token  : in " + data.resolve("admin-token"), "rtmp://127.0.0.1:" + rtmp + "/live",
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

    /** fsync/fdatasync calls on the database's write-ahead log in an strace -y output. */
    static long walSyncs(Path trace) throws IOException {
        if (!Files.exists(trace)) {
            return 0;
        }
        return Files.readAllLines(trace).stream()
                .filter(l -> l.matches(".*\\b(fsync|fdatasync)\\(\\d+<[^>]*cuecast\\.db-wal>\\).*")).count();
    }

    /**
     * A kill -9 cannot tell a synced write from one in the page cache (the kernel keeps both), so
     * the test the review asked for watches the syscalls instead: every write the API acknowledges
     * has been fdatasync'ed to the write-ahead log first. With {@code synchronous=OFF} it fails
     * (tried: no sync of the WAL at all until a checkpoint).
     */
    @Test
    void everyAcknowledgedWriteIsSyncedToDiskBeforeTheAnswer() throws Exception {
        // strace needs ptrace; a container that forbids it cannot run this check at all (said, not hidden).
        MediaTools.Result probe = MediaTools.run(30, List.of("strace", "-f", "-qq", "-e", "trace=fsync", "true"));
        org.junit.jupiter.api.Assumptions.assumeTrue(probe.exit() == 0,
                "strace cannot trace here (ptrace not permitted?): " + probe.output());
        Path data = dir.resolve("synced");
        Path trace = dir.resolve("strace.txt");
        int rtmp = TestServer.freePort(), http = TestServer.freePort(), admin = TestServer.freePort();
        Path log = dir.resolve("strace-run.log");
        Process server = startJvm(List.of("strace", "-f", "-qq", "-y", "--seccomp-bpf", "-e", "trace=fsync,fdatasync",
                "-e", "signal=none", "-o", trace.toString()), data, rtmp, http, admin, log);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("Cuecast is running"));
            String token = Files.readString(data.resolve("admin-token")).trim();
            for (int i = 0; i < 3; i++) {
                long before = walSyncs(trace);
                HttpResponse<String> r = TestServer.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + admin + "/api/v1/streams"))
                        .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()));
                assertThat(r.statusCode()).isEqualTo(201);
                // strace writes each line as the call returns; give its output a moment to reach the file.
                await().atMost(Duration.ofSeconds(5)).until(() -> walSyncs(trace) > before);
            }
        } finally {
            // The server runs under strace: killing strace would detach it and leave it running.
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
