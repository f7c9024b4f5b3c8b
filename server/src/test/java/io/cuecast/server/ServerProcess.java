package io.cuecast.server;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cuecast in a JVM of its own ({@code io.cuecast.server.Main}, the test classpath), so a test can
 * kill it with SIGKILL as a crash would: no shutdown hook, no lease released, sockets reset.
 */
final class ServerProcess implements AutoCloseable {
    final int httpPort;
    final int rtmpPort;
    final int adminPort;
    private final Process process;
    private final Path log;

    ServerProcess(Path dataDir, Map<String, String> extraEnv) throws Exception {
        Files.createDirectories(dataDir);
        httpPort = TestServer.freePort();
        rtmpPort = TestServer.freePort();
        adminPort = TestServer.freePort();
        log = dataDir.resolve("server.log");
        Map<String, String> env = new HashMap<>(Map.of(
                "CUECAST_DATA_DIR", dataDir.toString(),
                "CUECAST_RTMP_HOST", "127.0.0.1", "CUECAST_RTMP_PORT", Integer.toString(rtmpPort),
                "CUECAST_HTTP_HOST", "127.0.0.1", "CUECAST_HTTP_PORT", Integer.toString(httpPort),
                "CUECAST_ADMIN_PORT", Integer.toString(adminPort), "CUECAST_ADMIN_TOKEN", TestServer.TOKEN,
                "CUECAST_HLS_END_GRACE_MS", "500", "CUECAST_LADDER_ENABLED", "false",
                "CUECAST_WEBRTC_ENABLED", "false"));
        env.putAll(extraEnv);
        ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.cuecast.server.Main"));
        pb.environment().putAll(env);
        process = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited: " + Files.readString(log));
            }
            try {
                if (TestServer.send(HttpRequest.newBuilder(URI.create(admin("/healthz")))).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("server did not start: " + Files.readString(log));
    }

    String http(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    String admin(String path) {
        return "http://127.0.0.1:" + adminPort + path;
    }

    String rtmp(String key) {
        return "rtmp://127.0.0.1:" + rtmpPort + "/live/" + key;
    }

    HttpResponse<String> api(String method, String path) throws Exception {
        return TestServer.send(HttpRequest.newBuilder(URI.create(admin(path)))
                .header("Authorization", "Bearer " + TestServer.TOKEN).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    /** SIGKILL, as a crash. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        kill9();
        // Kept for a failed run's reader: the temporary directory goes with the test.
        Path kept = Path.of("target", "server-process-" + httpPort + ".log");
        Files.copy(log, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
