package io.cuecast.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cuecast.config.ConfigLoader;
import io.cuecast.config.CuecastConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A real Cuecast on 127.0.0.1 with free ports and its own data directory, plus HTTP helpers. */
final class TestServer implements AutoCloseable {
    static final String TOKEN = "test-token-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final Path dataDir;
    final CuecastServer server;

    TestServer(Path dataDir, Map<String, String> extraEnv) throws Exception {
        this.dataDir = dataDir;
        Map<String, String> env = new HashMap<>(Map.of(
                "CUECAST_DATA_DIR", dataDir.toString(),
                "CUECAST_RTMP_HOST", "127.0.0.1", "CUECAST_RTMP_PORT", "0",
                "CUECAST_HTTP_HOST", "127.0.0.1", "CUECAST_HTTP_PORT", "0",
                "CUECAST_ADMIN_PORT", "0", "CUECAST_ADMIN_TOKEN", TOKEN,
                "CUECAST_HLS_END_GRACE_MS", "500",
                // Transcoding costs a core per stream: only the ladder tests turn it on.
                "CUECAST_LADDER_ENABLED", "false"));
        // WHIP media on a free port, advertising loopback only: nothing a test sends leaves 127.0.0.1.
        env.put("CUECAST_WEBRTC_HOST", "127.0.0.1");
        env.put("CUECAST_WEBRTC_UDP_PORT", "0");
        env.putAll(extraEnv);
        CuecastConfig config = new ConfigLoader().load(null, env);
        server = new CuecastServer(config, Clock.systemUTC()).start();
    }

    TestServer(Path dataDir) throws Exception {
        this(dataDir, Map.of());
    }

    /** A TCP port free on 127.0.0.1 now (for a server that must be restarted on the same port). */
    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Waits up to {@code seconds} until something accepts on 127.0.0.1:{@code port}; fails with the
     * process's log when it exits first or never listens.
     */
    static void waitForPort(int port, Process process, Path log, int seconds) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("exited before listening on " + port + ": " + Files.readString(log));
            }
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("nothing listens on " + port + ": " + Files.readString(log));
    }

    String admin(String path) {
        return "http://127.0.0.1:" + server.adminPort() + path;
    }

    String http(String path) {
        return "http://127.0.0.1:" + server.httpPort() + path;
    }

    /** The WHIP endpoint of stream {@code id}. */
    String whip(String id) {
        return http("/whip/" + id);
    }

    String rtmp(String key) {
        return "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + key;
    }

    static HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return HTTP.send(b.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<byte[]> sendBytes(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> api(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(admin(path)))
                .header("Authorization", "Bearer " + TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return send(b);
    }

    JsonNode createStream() throws Exception {
        HttpResponse<String> r = api("POST", "/api/v1/streams", "{\"name\":\"e2e\"}");
        if (r.statusCode() != 201) {
            throw new AssertionError("create stream: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    JsonNode stream(String id) throws Exception {
        return JSON.readTree(api("GET", "/api/v1/streams/" + id, null).body());
    }

    HttpResponse<String> get(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)));
    }

    @Override
    public void close() {
        server.close();
    }

    /** A series of the Prometheus scrape, e.g. {@code cuecast_whip_sessions}; 0 when absent. */
    double metric(String series) throws Exception {
        return get(admin("/metrics")).body().lines().filter(l -> l.startsWith(series + " "))
                .map(l -> Double.parseDouble(l.substring(series.length() + 1))).findFirst().orElse(0.0);
    }

    /** Segments listed in the source rendition's playlist now (0 before it exists). */
    int segmentCount(String id) throws Exception {
        HttpResponse<String> r = get(http("/hls/" + id + "/source/index.m3u8"));
        return r.statusCode() != 200 ? 0 : (int) r.body().lines().filter(l -> l.endsWith(".m4s")).count();
    }

    /** The media playlist of {@code rendition} once it has EXT-X-ENDLIST (waits up to 30 s). */
    String endedPlaylist(String id, String rendition) {
        String[] text = new String[1];
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    HttpResponse<String> r = get(http("/hls/" + id + "/" + rendition + "/index.m3u8"));
                    text[0] = r.body();
                    return r.statusCode() == 200 && r.body().contains("#EXT-X-ENDLIST");
                });
        return text[0];
    }

    /** Each listed segment of {@code playlist} as a playable file in {@code dir}: its init segment, then it. */
    List<Path> segmentFiles(String id, String rendition, String playlist, Path dir) throws Exception {
        byte[] init = sendBytes(http("/hls/" + id + "/" + rendition + "/" + initName(playlist))).body();
        List<Path> files = new ArrayList<>();
        List<String> segments = playlist.lines().filter(l -> l.endsWith(".m4s")).toList();
        for (int i = 0; i < segments.size(); i++) {
            Path file = dir.resolve(id + "-" + rendition + "-" + i + ".mp4");
            Files.write(file, init);
            Files.write(file, sendBytes(http("/hls/" + id + "/" + rendition + "/" + segments.get(i))).body(),
                    StandardOpenOption.APPEND);
            files.add(file);
        }
        return files;
    }

    /** The init segment and every segment of {@code playlist}, as one file in {@code dir}. */
    Path joinedFile(String id, String rendition, String playlist, Path dir) throws Exception {
        Path file = dir.resolve(id + "-" + rendition + "-joined.mp4");
        Files.write(file, sendBytes(http("/hls/" + id + "/" + rendition + "/" + initName(playlist))).body());
        for (String seg : playlist.lines().filter(l -> l.endsWith(".m4s")).toList()) {
            Files.write(file, sendBytes(http("/hls/" + id + "/" + rendition + "/" + seg)).body(),
                    StandardOpenOption.APPEND);
        }
        return file;
    }

    private static String initName(String playlist) {
        return playlist.lines().filter(l -> l.startsWith("#EXT-X-MAP:")).findFirst().orElseThrow()
                .replaceAll(".*URI=\"([^\"]+)\".*", "$1");
    }
}
