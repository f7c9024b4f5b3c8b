package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A push relay to a real peer: Debian nginx with libnginx-mod-rtmp receives the stream Cuecast
 * pushes, and the HLS it makes of it decodes cleanly with ffmpeg.
 */
class NginxRelayE2ETest {
    @TempDir
    Path dir;
    TestServer origin;
    Process nginx;
    Process ffmpeg;

    @AfterEach
    void stop() throws Exception {
        if (ffmpeg != null) {
            ffmpeg.destroyForcibly();
        }
        if (nginx != null) {
            nginx.destroy();
            nginx.waitFor(10, TimeUnit.SECONDS);
        }
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    void nginxRtmpReceivesThePushAndItsHlsDecodes() throws Exception {
        int port = TestServer.freePort();
        Path hls = Files.createDirectories(dir.resolve("hls"));
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, "load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;\n"
                + ("root".equals(System.getProperty("user.name")) ? "user root;\n" : "")
                + "daemon off;\nworker_processes 1;\npid " + dir.resolve("nginx.pid") + ";\n"
                + "error_log " + dir.resolve("error.log") + " info;\n"
                + "events { worker_connections 64; }\n"
                + "rtmp { server { listen 127.0.0.1:" + port + "; application live { live on; record off;"
                + " hls on; hls_path " + hls + "; hls_fragment 1s; hls_playlist_length 6s; } } }\n");
        startNginx(conf, port);

        // A server-wide default target (relays.defaults), the stream's id in its URL.
        origin = new TestServer(dir.resolve("origin"), java.util.Map.of("CUECAST_RELAYS_DEFAULTS",
                "[{url: \"rtmp://127.0.0.1:" + port + "/live/{streamId}\"}]"));
        JsonNode a = origin.createStream();
        String id = a.get("id").asText();
        JsonNode listed = TestServer.JSON.readTree(origin.api("GET", "/api/v1/streams/" + id + "/relays", null).body());
        assertThat(listed.at("/relays/0/fromConfig").asBoolean()).isTrue();
        ffmpeg = MediaTools.publish(MediaTools.fixture(12, 640, 360), origin.rtmp(a.get("streamKey").asText()));
        await().atMost(Duration.ofSeconds(30)).until(() -> segments(hls).size() >= 3);
        List<Path> made = segments(hls);
        Path segment = made.get(made.size() - 2); // complete: nginx is writing the newest
        MediaTools.Result decoded = MediaTools.decode(segment);
        assertThat(decoded.exit()).as(decoded.output()).isZero();
        assertThat(decoded.output()).isBlank();
        assertThat(MediaTools.probeStreams(segment.toString()))
                .contains("h264,video,640,360", "aac,audio");
        assertThat(Files.readString(hls.resolve(id + ".m3u8"))).contains("#EXTINF");
    }

    static List<Path> segments(Path hls) throws Exception {
        try (Stream<Path> s = Files.list(hls)) {
            return s.filter(p -> p.toString().endsWith(".ts")).sorted().toList();
        }
    }

    /**
     * RTMPS: nginx's {@code stream} module terminates TLS (a self-signed certificate for 127.0.0.1)
     * in front of nginx-rtmp; the relay verifies the certificate against {@code relays.trustCertFile}
     * and the hostname, and the stream arrives.
     */
    @Test
    void anRtmpsReceiverGetsTheStream() throws Exception {
        int rtmpPort = TestServer.freePort();
        int tlsPort = TestServer.freePort();
        Path[] tls = Browsers.selfSignedCertificate(dir);
        Path hls = Files.createDirectories(dir.resolve("hls"));
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, "load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;\n"
                + "load_module /usr/lib/nginx/modules/ngx_stream_module.so;\n"
                + ("root".equals(System.getProperty("user.name")) ? "user root;\n" : "")
                + "daemon off;\nworker_processes 1;\npid " + dir.resolve("nginx.pid") + ";\n"
                + "error_log " + dir.resolve("error.log") + " info;\n"
                + "events { worker_connections 64; }\n"
                + "stream { server { listen 127.0.0.1:" + tlsPort + " ssl; ssl_certificate " + tls[0] + ";"
                + " ssl_certificate_key " + tls[1] + "; proxy_pass 127.0.0.1:" + rtmpPort + "; } }\n"
                + "rtmp { server { listen 127.0.0.1:" + rtmpPort + "; application live { live on; record off;"
                + " hls on; hls_path " + hls + "; hls_fragment 1s; hls_playlist_length 6s; } } }\n");
        startNginx(conf, tlsPort);
        origin = new TestServer(dir.resolve("origin"), java.util.Map.of("CUECAST_RELAYS_TRUST_CERT_FILE",
                tls[0].toString()));
        JsonNode a = origin.createStream();
        String id = a.get("id").asText();
        assertThat(origin.api("POST", "/api/v1/streams/" + id + "/relays",
                "{\"url\":\"rtmps://127.0.0.1:" + tlsPort + "/live/secure\"}").statusCode()).isEqualTo(201);
        ffmpeg = MediaTools.publish(MediaTools.fixture(10, 640, 360), origin.rtmp(a.get("streamKey").asText()));
        await().atMost(Duration.ofSeconds(30)).until(() -> segments(hls).size() >= 2);
        assertThat(Files.readString(hls.resolve("secure.m3u8"))).contains("#EXTINF");
        assertThat(TestServer.JSON.readTree(origin.api("GET", "/api/v1/streams/" + id + "/relays", null).body())
                .at("/relays/0/url").asText()).startsWith("rtmps://127.0.0.1:" + tlsPort + "/live/");
    }

    void startNginx(Path conf, int port) throws Exception {
        String binary = Files.exists(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
        nginx = new ProcessBuilder(binary, "-p", dir.toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return true;
            } catch (java.io.IOException notYet) {
                return false;
            }
        });
    }
}
