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
import java.nio.file.Path;
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
}
