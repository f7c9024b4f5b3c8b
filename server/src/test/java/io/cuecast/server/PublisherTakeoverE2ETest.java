package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishers that vanish (issue 10 §6, review M3/M4): a host whose network died leaves a TCP
 * connection that never closes; its reconnect with the key takes the stream over at once. And a
 * stream deleted while its publisher connects leaves nothing live behind.
 */
class PublisherTakeoverE2ETest {
    @TempDir
    Path dir;
    TestServer server;
    final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        // The default idle timeout (20 s): the frozen publisher's session would hold the stream that long.
        server = new TestServer(dir.resolve("data"), Map.of("CUECAST_HLS_END_GRACE_MS", "10000"));
    }

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
        server.close();
    }

    Process publish(Path file, String key) throws Exception {
        Process p = MediaTools.publish(file, server.rtmp(key));
        processes.add(p);
        return p;
    }

    static void signal(Process p, String signal) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor()).isZero();
    }

    String remoteOf(String id) throws Exception {
        JsonNode ingest = server.stream(id).get("ingest");
        return ingest == null || ingest.isNull() ? null : ingest.get("remoteAddress").asText();
    }

    @Test
    void aFrozenPublishersReconnectTakesOverWithinTwoSecondsAndThePlaylistContinues() throws Exception {
        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        String key = stream.get("streamKey").asText();
        Path file = MediaTools.fixture(30, 640, 360);
        Process frozen = publish(file, key);
        String playlistUrl = server.http("/hls/" + id + "/source/index.m3u8");
        await().atMost(Duration.ofSeconds(20)).until(() -> server.get(playlistUrl).body()
                .lines().filter(l -> l.startsWith("#EXTINF")).count() >= 2);
        String frozenAddress = remoteOf(id);
        assertThat(frozenAddress).isNotNull();

        signal(frozen, "STOP"); // the phone's network is gone: the socket stays open, nothing more arrives
        Thread.sleep(1000);
        long reconnectAt = System.nanoTime();
        publish(file, key);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            String now = remoteOf(id);
            return now != null && !now.equals(frozenAddress);
        });
        Duration takeover = Duration.ofNanos(System.nanoTime() - reconnectAt);
        System.out.println("takeover after reconnect: " + takeover.toMillis() + " ms");
        assertThat(takeover).as("back live after reconnecting").isLessThan(Duration.ofSeconds(2));

        // The playlist goes on after one discontinuity, numbering continuing upward.
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            String body = server.get(playlistUrl).body();
            int d = body.indexOf("#EXT-X-DISCONTINUITY\n");
            return d >= 0 && body.substring(d).lines().filter(l -> l.startsWith("#EXTINF")).count() >= 2;
        });
        String body = server.get(playlistUrl).body();
        assertThat(body).doesNotContain("#EXT-X-ENDLIST");
        assertThat(body.split("#EXT-X-DISCONTINUITY\n", -1)).hasSize(2);
        assertThat(server.get(server.admin("/metrics")).body()).contains("cuecast_stream_live{stream=\"" + id + "\"} 1.0");
        signal(frozen, "KILL");
    }

    @Test
    void aStreamDeletedWhileItsPublisherConnectsLeavesNothingLive() throws Exception {
        Path file = MediaTools.fixture(8, 320, 180);
        Random random = new Random(7);
        List<String> deleted = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            JsonNode stream = server.createStream();
            String id = stream.get("id").asText();
            Process p = publish(file, stream.get("streamKey").asText());
            // Anywhere from before the RTMP connect to after the publish is live.
            Thread.sleep(random.nextInt(600));
            assertThat(server.api("DELETE", "/api/v1/streams/" + id, null).statusCode()).isEqualTo(204);
            deleted.add(id);
            assertThat(p.waitFor(15, TimeUnit.SECONDS)).as("publisher %d disconnected", i).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> deleted.stream().allMatch(id -> server.server.hubs().get(id).isEmpty()));
        assertThat(server.server.hubs().size()).isZero();
        for (String id : deleted) {
            assertThat(server.get(server.http("/hls/" + id + "/source/index.m3u8")).statusCode()).isEqualTo(404);
        }
    }
}
