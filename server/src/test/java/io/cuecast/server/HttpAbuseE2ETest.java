package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Public HTTP under abuse (issue 10 §2, review H1 and M7), against a live stream over real sockets:
 * clients that pipeline requests and never read, and a client that sends its request a byte at a
 * time. Memory stays bounded and a normal viewer keeps its latency.
 */
class HttpAbuseE2ETest {
    /** Heap growth allowed while 50 attackers hold their connections (old code: one queued response per request). */
    static final long HEAP_BOUND = 48L * 1024 * 1024;
    static final long RSS_BOUND = 256L * 1024 * 1024;

    @TempDir
    Path dir;
    TestServer server;
    Process ffmpeg;
    String id;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(dir.resolve("data"), Map.of("CUECAST_HLS_SEGMENT_DURATION_MS", "1000",
                "CUECAST_HTTP_REQUEST_TIMEOUT_MS", "2000"));
        JsonNode stream = server.createStream();
        id = stream.get("id").asText();
        ffmpeg = MediaTools.publish(MediaTools.fixture(40, 640, 360), server.rtmp(stream.get("streamKey").asText()));
        await().atMost(Duration.ofSeconds(20)).until(() -> newestSegment() != null);
    }

    @AfterEach
    void stop() {
        ffmpeg.destroyForcibly();
        server.close();
    }

    String playlistUrl() {
        return server.http("/hls/" + id + "/source/index.m3u8");
    }

    String newestSegment() throws Exception {
        List<String> segs = server.get(playlistUrl()).body().lines().filter(l -> l.endsWith(".m4s")).toList();
        return segs.isEmpty() ? null : segs.get(segs.size() - 1);
    }




    /** A normal viewer: playlist then newest segment, {@code rounds} times; the slowest of each fetch in ms. */
    long[] viewer(int rounds) throws Exception {
        List<Long> playlist = new ArrayList<>();
        List<Long> segment = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            String body = server.get(playlistUrl()).body();
            playlist.add((System.nanoTime() - t0) / 1_000_000);
            List<String> segs = body.lines().filter(l -> l.endsWith(".m4s")).toList();
            long t1 = System.nanoTime();
            assertThat(TestServer.sendBytes(server.http("/hls/" + id + "/source/" + segs.get(segs.size() - 1)))
                    .statusCode()).isEqualTo(200);
            segment.add((System.nanoTime() - t1) / 1_000_000);
            Thread.sleep(200);
        }
        return new long[] {Collections.max(playlist), Collections.max(segment)};
    }

    Socket pipeline(String segment, int requests) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096); // and never read: what the server sends piles up on its side
        s.connect(new InetSocketAddress("127.0.0.1", server.server.httpPort()), 5000);
        StringBuilder b = new StringBuilder();
        String playlist = "/hls/" + id + "/source/index.m3u8";
        for (int i = 0; i < requests; i++) {
            String path = i % 2 == 0 ? "/hls/" + id + "/source/" + segment : playlist;
            b.append("GET ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        }
        OutputStream out = s.getOutputStream();
        out.write(b.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    @Test
    void fiftyClientsPipeliningAThousandRequestsWithoutReadingCostLittleAndViewersKeepTheirLatency() throws Exception {
        long[] before = viewer(5);
        long heapBefore = MemoryProbe.heapUsed();
        long directBefore = MemoryProbe.directUsed();
        long rssBefore = MemoryProbe.rss();
        List<Socket> attackers = new ArrayList<>();
        try {
            // In waves a second apart, each wave asking for the then newest segment, so a server that
            // queued every response would pin segment after segment past the window.
            for (int wave = 0; wave < 5; wave++) {
                String segment = newestSegment();
                for (int i = 0; i < 10; i++) {
                    attackers.add(pipeline(segment, 1000));
                }
                Thread.sleep(1000);
            }
            long[] during = viewer(10);
            Thread.sleep(8000); // the window (6 one-second segments) slides past every requested segment
            long heapGrowth = MemoryProbe.heapUsed() - heapBefore;
            long directGrowth = MemoryProbe.directUsed() - directBefore;
            long rssGrowth = MemoryProbe.rss() - rssBefore;
            System.out.printf("viewer worst before: playlist %d ms, segment %d ms; under attack: %d ms, %d ms%n",
                    before[0], before[1], during[0], during[1]);
            System.out.printf("50 pipelining clients: heap %+d KiB, direct %+d KiB, RSS %+d KiB%n",
                    heapGrowth / 1024, directGrowth / 1024, rssGrowth / 1024);
            assertThat(heapGrowth).as("heap growth").isLessThan(HEAP_BOUND);
            assertThat(rssGrowth).as("RSS growth").isLessThan(RSS_BOUND);
            // The window's own segments, not segments pinned by queued responses (a few MB at most).
            assertThat(directGrowth).as("direct memory growth").isLessThan(16L * 1024 * 1024);
            assertThat(during[0]).as("playlist latency under attack, ms").isLessThan(1000);
            assertThat(during[1]).as("segment latency under attack, ms").isLessThan(1000);
        } finally {
            for (Socket s : attackers) {
                s.close();
            }
        }
        assertThat(server.get(playlistUrl()).statusCode()).isEqualTo(200);
    }

    @Test
    void aRequestSentAByteAtATimeIsCutOffAndCostsNothingElse() throws Exception {
        try (Socket slow = new Socket("127.0.0.1", server.server.httpPort())) {
            slow.setSoTimeout(200);
            OutputStream out = slow.getOutputStream();
            byte[] request = ("GET /hls/" + id + "/source/index.m3u8 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                    .getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            StringBuilder answer = new StringBuilder();
            boolean closed = false;
            for (int i = 0; i < 50 && !closed; i++) { // one byte every 200 ms: 10 s if never cut off
                try {
                    out.write(request[i % request.length]);
                    out.flush();
                } catch (SocketException reset) {
                    closed = true;
                    break;
                }
                try {
                    int n;
                    byte[] buf = new byte[512];
                    while ((n = slow.getInputStream().read(buf)) > 0) {
                        answer.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
                    }
                    closed = n < 0;
                } catch (SocketTimeoutException nothingYet) {
                    // keep trickling
                } catch (SocketException reset) {
                    closed = true;
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(closed).as("closed by the server").isTrue();
            assertThat(took).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(5));
            assertThat(answer.toString()).startsWith("HTTP/1.1 408");
        }
        assertThat(viewer(1)[0]).isLessThan(1000);
    }
}
