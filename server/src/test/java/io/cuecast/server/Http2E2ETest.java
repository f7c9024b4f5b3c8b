package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS with a self-signed certificate: HTTP/2 through ALPN, HTTP/1.1 as fallback, same handlers. */
class Http2E2ETest {
    @TempDir
    Path dir;
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    static HttpClient client(HttpClient.Version version) throws Exception {
        TrustManager trustAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new TrustManager[] {trustAll}, null);
        return HttpClient.newBuilder().version(version).sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void llHlsOverHttp2AndHttp11OnTheTlsPort() throws Exception {
        Path[] tls = Browsers.selfSignedCertificate(dir);
        server = new TestServer(dir.resolve("data"), Map.of("CUECAST_HTTP_TLS_PORT", "0",
                "CUECAST_HTTP_TLS_CERT_FILE", tls[0].toString(), "CUECAST_HTTP_TLS_KEY_FILE", tls[1].toString()));
        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        Process ffmpeg = MediaTools.publish(MediaTools.fixture(8, 640, 360), server.rtmp(stream.get("streamKey").asText()));
        try {
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    server.get(server.http("/hls/" + id + "/source/index.m3u8")).body().contains("-1.m4s"));
            String base = "https://127.0.0.1:" + server.server.httpsPort() + "/hls/" + id + "/source/";
            HttpClient h2 = client(HttpClient.Version.HTTP_2);
            HttpResponse<String> playlist = h2.send(HttpRequest.newBuilder(URI.create(base + "index.m3u8?_HLS_msn=2"))
                    .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(playlist.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(playlist.statusCode()).isEqualTo(200);
            assertThat(playlist.body()).contains("#EXT-X-PART:", "#EXT-X-PRELOAD-HINT", "-2.m4s");
            assertThat(playlist.headers().firstValue("cache-control")).hasValue("public, max-age=1");
            String segment = playlist.body().lines().filter(l -> l.endsWith(".m4s")).findFirst().orElseThrow();
            HttpResponse<byte[]> over2 = h2.send(HttpRequest.newBuilder(URI.create(base + segment)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(over2.version()).isEqualTo(HttpClient.Version.HTTP_2);
            byte[] plain = TestServer.sendBytes(server.http("/hls/" + id + "/source/" + segment)).body();
            assertThat(over2.body()).isEqualTo(plain);

            // The preload-hinted part, asked for before it exists, streams over h2 and over HTTP/1.1
            // (chunked) and is byte for byte the part the playlist lists afterwards.
            for (HttpClient.Version v : List.of(HttpClient.Version.HTTP_2, HttpClient.Version.HTTP_1_1)) {
                String live = server.get(server.http("/hls/" + id + "/source/index.m3u8")).body();
                String hinted = live.lines().filter(l -> l.startsWith("#EXT-X-PRELOAD-HINT:")).findFirst()
                        .orElseThrow().replaceAll(".*URI=\"([^\"]+)\".*", "$1");
                HttpResponse<byte[]> streamed = client(v).send(HttpRequest.newBuilder(URI.create(base + hinted))
                        .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(streamed.statusCode()).as(v + " " + hinted).isEqualTo(200);
                assertThat(streamed.version()).isEqualTo(v);
                if (v == HttpClient.Version.HTTP_1_1) {
                    assertThat(streamed.headers().firstValue("transfer-encoding")).hasValue("chunked");
                }
                byte[] whole = TestServer.sendBytes(server.http("/hls/" + id + "/source/" + hinted)).body();
                assertThat(streamed.body()).isEqualTo(whole).isNotEmpty();
            }

            HttpResponse<String> over11 = client(HttpClient.Version.HTTP_1_1).send(HttpRequest.newBuilder(
                    URI.create(base + "index.m3u8")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(over11.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(over11.body()).contains("#EXTM3U");
            HttpResponse<String> missing = h2.send(HttpRequest.newBuilder(URI.create(base + "nope.m4s")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
        } finally {
            ffmpeg.destroy();
            ffmpeg.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void cleartextHttp2OnThePlainPortByUpgradeAndByPriorKnowledge() throws Exception {
        server = new TestServer(dir.resolve("data"));
        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        Process ffmpeg = MediaTools.publish(MediaTools.fixture(8, 640, 360), server.rtmp(stream.get("streamKey").asText()));
        try {
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    server.get(server.http("/hls/" + id + "/source/index.m3u8")).body().contains("-1.m4s"));
            // Java's client asks for h2c with an HTTP/1.1 Upgrade on its first request.
            HttpClient h2c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            HttpResponse<String> playlist = h2c.send(HttpRequest.newBuilder(URI.create(
                    server.http("/hls/" + id + "/source/index.m3u8"))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(playlist.statusCode()).isEqualTo(200);
            assertThat(playlist.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(playlist.body()).contains("#EXT-X-PART-INF");
            String segment = playlist.body().lines().filter(l -> l.endsWith(".m4s")).findFirst().orElseThrow();
            HttpResponse<byte[]> seg = h2c.send(HttpRequest.newBuilder(URI.create(
                    server.http("/hls/" + id + "/source/" + segment))).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(seg.version()).isEqualTo(HttpClient.Version.HTTP_2);
            byte[] plain = TestServer.sendBytes(server.http("/hls/" + id + "/source/" + segment)).body();
            assertThat(seg.body()).isEqualTo(plain);
            // curl speaks h2c with prior knowledge (the connection preface right away), as CDNs and proxies do.
            Path out = dir.resolve("h2c.m4s");
            MediaTools.Result curl = MediaTools.run(30, List.of("curl", "-s", "--http2-prior-knowledge", "-o",
                    out.toString(), "-w", "%{http_version} %{http_code}",
                    server.http("/hls/" + id + "/source/" + segment)));
            assertThat(curl.output().trim()).isEqualTo("2 200");
            assertThat(Files.readAllBytes(out)).isEqualTo(plain);
            // HTTP/1.1 keeps working on the same port.
            assertThat(TestServer.sendBytes(server.http("/hls/" + id + "/master.m3u8")).statusCode()).isEqualTo(200);
        } finally {
            ffmpeg.destroy();
            ffmpeg.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
