package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.cuecast.ingest.whip.DtlsCertificate;
import io.cuecast.ingest.whip.DtlsEndpoint;
import io.cuecast.ingest.whip.StunMessage;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WHIP's refusals and its transport's defences against a real server: each bad request gets the
 * status that names its problem, and the UDP port answers nobody it should not.
 */
class WhipSignallingE2ETest {
    @TempDir
    java.nio.file.Path dir;
    TestServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(dir.resolve("data"), Map.of("CUECAST_WEBRTC_MAX_SESSIONS", "2"));
    }

    @AfterEach
    void stop() {
        server.close();
        pool.shutdownNow();
    }

    /** A browser-shaped offer: Opus and H.264 (with RTX), bundled, our DTLS role as asked. */
    static String offer(String fingerprint, String setup, boolean h264) {
        String video = h264
                ? "m=video 9 UDP/TLS/RTP/SAVPF 102 103\r\na=mid:1\r\na=sendonly\r\na=rtcp-mux\r\n"
                + "a=rtpmap:102 H264/90000\r\na=rtcp-fb:102 nack\r\na=rtcp-fb:102 nack pli\r\n"
                + "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
                + "a=rtpmap:103 rtx/90000\r\na=fmtp:103 apt=102\r\n"
                : "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=sendonly\r\na=rtcp-mux\r\na=rtpmap:96 VP8/90000\r\n";
        return "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
                + "a=ice-ufrag:tEsT\r\na=ice-pwd:testPasswordOf22Chars..\r\n"
                + "a=fingerprint:sha-256 " + fingerprint + "\r\na=setup:" + setup + "\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=sendonly\r\na=rtcp-mux\r\n"
                + "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n" + video;
    }

    HttpResponse<String> post(String id, String key, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.whip(id)))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return TestServer.send(b);
    }

    @Test
    void badRequestsGetTheStatusThatNamesTheProblem() throws Exception {
        JsonNode a = server.createStream();
        JsonNode b = server.createStream();
        String id = a.get("id").asText();
        String key = a.get("streamKey").asText();
        String fp = DtlsCertificate.generate().fingerprint();

        HttpResponse<String> r = post(id, "sk_wrong", "application/sdp", offer(fp, "actpass", true));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(r.body()).contains("bad_key");
        assertThat(post(id, null, "application/sdp", offer(fp, "actpass", true)).body()).contains("missing_key");
        assertThat(post(id, b.get("streamKey").asText(), "application/sdp", offer(fp, "actpass", true)).statusCode())
                .as("another stream's key").isEqualTo(401);
        r = post(id, key, "text/plain", offer(fp, "actpass", true));
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(r.body()).contains("application/sdp");
        r = post(id, key, "application/sdp", "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 H264/90000\r\n");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("bad_sdp", "ice");
        r = post(id, key, "application/sdp", offer(fp, "actpass", false));
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("H.264");
        r = post(id, key, "application/sdp", offer(fp, "actpass", true) + "a=x-pad:" + "x".repeat(20_000) + "\r\n");
        assertThat(r.statusCode()).isEqualTo(413);

        HttpResponse<String> options = TestServer.send(HttpRequest.newBuilder(URI.create(server.whip(id)))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(options.statusCode()).isEqualTo(204);
        assertThat(options.headers().firstValue("Access-Control-Expose-Headers").orElse("")).contains("Location", "ETag");
        assertThat(options.headers().firstValue("Access-Control-Allow-Headers").orElse("")).contains("Authorization");

        // Five offers counted so far from this address (415 and 413 are refused before counting);
        // ten in ten seconds are taken, the eleventh is refused.
        for (int i = 0; i < 5; i++) {
            post(id, "sk_wrong", "application/sdp", offer(fp, "actpass", true));
        }
        r = post(id, key, "application/sdp", offer(fp, "actpass", true));
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void answerDeleteAndPatchFollowRfc9725() throws Exception {
        JsonNode a = server.createStream();
        String id = a.get("id").asText();
        String key = a.get("streamKey").asText();
        HttpResponse<String> r = post(id, key, "application/sdp", offer(DtlsCertificate.generate().fingerprint(),
                "actpass", true));
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/sdp");
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/whip/" + id + "/");
        assertThat(r.headers().firstValue("ETag")).isPresent();
        assertThat(r.body()).contains("a=ice-lite", "a=setup:passive", "a=rtpmap:102 H264/90000",
                "a=rtpmap:103 rtx/90000", "a=rtpmap:111 opus/48000/2", "typ host", "127.0.0.1 " + server.server.webrtcPort());

        URI resource = URI.create(server.http(location));
        HttpResponse<String> patch = TestServer.send(HttpRequest.newBuilder(resource)
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/trickle-ice-sdpfrag")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(
                        "a=mid:0\r\na=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host\r\n")));
        assertThat(patch.statusCode()).isEqualTo(204);
        HttpResponse<String> restart = TestServer.send(HttpRequest.newBuilder(resource)
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/trickle-ice-sdpfrag")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("a=ice-ufrag:new1\r\na=ice-pwd:newPasswordOf22Chars...\r\n")));
        assertThat(restart.statusCode()).isEqualTo(422);

        assertThat(TestServer.send(HttpRequest.newBuilder(resource).DELETE()).statusCode()).as("no key").isEqualTo(401);
        assertThat(TestServer.send(HttpRequest.newBuilder(resource).header("Authorization", "Bearer " + key).DELETE())
                .statusCode()).isEqualTo(200);
        assertThat(TestServer.send(HttpRequest.newBuilder(resource).header("Authorization", "Bearer " + key).DELETE())
                .statusCode()).as("already gone").isEqualTo(404);
    }

    @Test
    void theSessionCapAnswers503AndASecondPublisherWithTheKeyTakesOver() throws Exception {
        JsonNode a = server.createStream();
        JsonNode b = server.createStream();
        JsonNode c = server.createStream();
        String fp = DtlsCertificate.generate().fingerprint();
        assertThat(post(a.get("id").asText(), a.get("streamKey").asText(), "application/sdp",
                offer(fp, "actpass", true)).statusCode()).isEqualTo(201);
        // The same stream again with its key: the host's new session replaces the old one (as RTMP).
        assertThat(post(a.get("id").asText(), a.get("streamKey").asText(), "application/sdp",
                offer(fp, "actpass", true)).statusCode()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.metric("cuecast_whip_sessions_closed_total{reason=\"taken_over\"}") == 1);
        assertThat(post(b.get("id").asText(), b.get("streamKey").asText(), "application/sdp",
                offer(fp, "actpass", true)).statusCode()).isEqualTo(201);
        HttpResponse<String> r = post(c.get("id").asText(), c.get("streamKey").asText(), "application/sdp",
                offer(fp, "actpass", true));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("webrtc.maxSessions");
    }

    @Test
    void stunFromStrangersGetsNoAnswerAndDtlsWithAnotherCertificateFails() throws Exception {
        JsonNode a = server.createStream();
        String id = a.get("id").asText();
        String key = a.get("streamKey").asText();
        DtlsCertificate offered = DtlsCertificate.generate();
        DtlsCertificate other = DtlsCertificate.generate();
        HttpResponse<String> r = post(id, key, "application/sdp", offer(offered.fingerprint(), "active", true));
        assertThat(r.statusCode()).isEqualTo(201);
        String ufrag = attr(r.body(), "ice-ufrag");
        String pwd = attr(r.body(), "ice-pwd");
        String serverFingerprint = attr(r.body(), "fingerprint").substring("sha-256 ".length());
        InetSocketAddress port = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.server.webrtcPort());
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(500);
            // An unknown ufrag, then ours with the wrong password: both silently dropped.
            assertThat(exchange(socket, port, StunMessage.bindingRequest(tid(), "nope:tEsT", true, pwd))).isNull();
            assertThat(exchange(socket, port, StunMessage.bindingRequest(tid(), ufrag + ":tEsT", true,
                    "wrongPasswordOf22Chars.."))).isNull();
            // RTP from an address ICE never validated: dropped too.
            assertThat(exchange(socket, port, new byte[] {(byte) 0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1})).isNull();
            byte[] ok = exchange(socket, port, StunMessage.bindingRequest(tid(), ufrag + ":tEsT", true, pwd));
            assertThat(ok).as("the right credentials get a Binding success").isNotNull();
            assertThat(ok[0] << 8 | ok[1]).isEqualTo(StunMessage.BINDING_SUCCESS);

            // We offered "active": we are the DTLS client, with a certificate that is not the offered one.
            CompletableFuture<String> outcome = new CompletableFuture<>();
            DtlsEndpoint client = new DtlsEndpoint(other, true, "sha-256", serverFingerprint, d -> send(socket, port, d),
                    pool, 5000, listener(outcome));
            socket.setSoTimeout(50);
            client.start();
            pump(socket, client, outcome);
            assertThat(outcome.get(10, TimeUnit.SECONDS)).startsWith("failed");
            client.close();
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> server.metric("cuecast_whip_sessions_closed_total{reason=\"dtls_failed\"}") == 1);
        assertThat(server.metric("cuecast_whip_datagrams_dropped_total{reason=\"stun_unknown_ufrag\"}")).isEqualTo(1);
        assertThat(server.metric("cuecast_whip_datagrams_dropped_total{reason=\"stun_refused\"}")).isEqualTo(1);
        // The RTP above, and the client's DTLS after the server ended the session.
        assertThat(server.metric("cuecast_whip_datagrams_dropped_total{reason=\"unknown_address\"}")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void dtlsWithTheOfferedCertificateConnectsAndGarbageFromThePeerIsDroppedNotFatal() throws Exception {
        JsonNode a = server.createStream();
        DtlsCertificate offered = DtlsCertificate.generate();
        HttpResponse<String> r = post(a.get("id").asText(), a.get("streamKey").asText(), "application/sdp",
                offer(offered.fingerprint(), "active", true));
        String ufrag = attr(r.body(), "ice-ufrag");
        String pwd = attr(r.body(), "ice-pwd");
        InetSocketAddress port = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.server.webrtcPort());
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(500);
            assertThat(exchange(socket, port, StunMessage.bindingRequest(tid(), ufrag + ":tEsT", true, pwd))).isNotNull();
            CompletableFuture<String> outcome = new CompletableFuture<>();
            DtlsEndpoint.SrtpKeys[] keys = new DtlsEndpoint.SrtpKeys[1];
            DtlsEndpoint client = new DtlsEndpoint(offered, true, "sha-256",
                    attr(r.body(), "fingerprint").substring("sha-256 ".length()), d -> send(socket, port, d), pool,
                    5000, listener(outcome, keys));
            socket.setSoTimeout(50);
            client.start();
            pump(socket, client, outcome);
            assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo("connected");

            // From the validated address now: truncated and random RTP, RTCP and DTLS, and RTP that
            // fails SRTP authentication. Each is counted and dropped; none ends the session.
            java.util.Random random = new java.util.Random(11);
            for (int i = 0; i < 150; i++) {
                byte[] junk = new byte[1 + random.nextInt(300)];
                random.nextBytes(junk);
                junk[0] = (byte) (i % 3 == 0 ? 0x80 : i % 3 == 1 ? 0x81 : 22); // RTP, RTCP or DTLS first byte
                if (i % 3 == 1 && junk.length > 1) {
                    junk[1] = (byte) 200; // an RTCP packet type
                }
                send(socket, port, junk);
            }
            // A well-formed, authenticated STUN check still gets its answer: the session is alive.
            socket.setSoTimeout(500);
            byte[] answer = null;
            for (int i = 0; i < 5 && answer == null; i++) {
                answer = exchange(socket, port, StunMessage.bindingRequest(tid(), ufrag + ":tEsT", true, pwd));
            }
            assertThat(answer).as("the session answers after the garbage").isNotNull();
            assertThat(server.metric("cuecast_whip_sessions")).isEqualTo(1);
            double dropped = server.get(server.admin("/metrics")).body().lines()
                    .filter(l -> l.startsWith("cuecast_whip_datagrams_dropped_total{reason=\"srtp_"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            assertThat(dropped).as("the 100 RTP and RTCP packets, failing SRTP, counted").isEqualTo(100);

            // Past 200 authentication failures in 5 s the session is ended: someone is forging packets.
            for (int i = 0; i < 250; i++) {
                byte[] forged = new byte[60];
                random.nextBytes(forged);
                forged[0] = (byte) 0x80;
                forged[1] = 96;
                send(socket, port, forged);
            }
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    server.metric("cuecast_whip_sessions_closed_total{reason=\"auth_failures\"}") == 1);
            client.close();
        }
    }

    private static DtlsEndpoint.Listener listener(CompletableFuture<String> outcome) {
        return listener(outcome, new DtlsEndpoint.SrtpKeys[1]);
    }

    /** Completes {@code outcome} with how the handshake ended; the SRTP keys land in {@code keys[0]}. */
    private static DtlsEndpoint.Listener listener(CompletableFuture<String> outcome, DtlsEndpoint.SrtpKeys[] keys) {
        return new DtlsEndpoint.Listener() {
            @Override
            public void onConnected(DtlsEndpoint.SrtpKeys k) {
                keys[0] = k;
                outcome.complete("connected");
            }

            @Override
            public void onFailed(String reason) {
                outcome.complete("failed: " + reason);
            }

            @Override
            public void onClosed() {
                outcome.complete("closed");
            }
        };
    }

    /** Feeds the server's datagrams to the DTLS client until it is done (bounded: 10 s). */
    private static void pump(DatagramSocket socket, DtlsEndpoint client, CompletableFuture<String> outcome)
            throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        byte[] buf = new byte[2048];
        while (!outcome.isDone() && System.nanoTime() < end) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                client.receive(java.util.Arrays.copyOf(p.getData(), p.getLength()));
            } catch (SocketTimeoutException e) {
                // keep waiting for the handshake to finish
            }
        }
    }

    private static void send(DatagramSocket socket, InetSocketAddress to, byte[] d) {
        try {
            socket.send(new DatagramPacket(d, d.length, to));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Sends one datagram and returns the answer, or null when none came within the timeout. */
    private static byte[] exchange(DatagramSocket socket, InetSocketAddress to, byte[] d) throws Exception {
        send(socket, to, d);
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(p);
            return java.util.Arrays.copyOf(p.getData(), p.getLength());
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    private static byte[] tid() {
        byte[] t = new byte[12];
        new java.security.SecureRandom().nextBytes(t);
        return t;
    }

    private static String attr(String sdp, String name) {
        Matcher m = Pattern.compile("a=" + name + ":([^\\r\\n]+)").matcher(sdp);
        assertThat(m.find()).as(name + " in " + sdp).isTrue();
        return m.group(1).trim();
    }
}
