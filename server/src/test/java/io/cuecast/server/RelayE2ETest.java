package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push relays (issue 12): an origin Cuecast pushes a live stream over RTMP to a second Cuecast,
 * product cues travel as {@code onCuePoint} and come out of the receiver's playlists, once each and
 * with the origin's spacing; a receiver that refuses the key shows as a clear status.
 */
class RelayE2ETest {
    private static final Pattern DATERANGE = Pattern.compile(
            "#EXT-X-DATERANGE:ID=\"([^\"]+)\",CLASS=\"[^\"]*\",START-DATE=\"([^\"]+)\"");

    @TempDir
    Path dir;
    TestServer origin;
    TestServer receiver;
    final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        origin = new TestServer(dir.resolve("origin"), Map.of("CUECAST_HLS_WINDOW_SEGMENTS", "20"));
        receiver = new TestServer(dir.resolve("receiver"), Map.of("CUECAST_HLS_WINDOW_SEGMENTS", "20"));
    }

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
        origin.close();
        receiver.close();
    }

    HttpResponse<String> addRelay(String streamId, String url) throws Exception {
        return origin.api("POST", "/api/v1/streams/" + streamId + "/relays", "{\"url\":\"" + url + "\"}");
    }

    JsonNode relays(String streamId) throws Exception {
        return TestServer.JSON.readTree(origin.api("GET", "/api/v1/streams/" + streamId + "/relays", null).body())
                .get("relays");
    }

    /** DATERANGE ids to START-DATEs, in playlist order. */
    static Map<String, Instant> dateRanges(String playlist) {
        Map<String, Instant> out = new LinkedHashMap<>();
        Matcher m = DATERANGE.matcher(playlist);
        while (m.find()) {
            out.put(m.group(1), Instant.parse(m.group(2)));
        }
        return out;
    }

    @Test
    void aPushedStreamCarriesEveryCueToASecondCuecastOnceAndInStep() throws Exception {
        JsonNode a = origin.createStream();
        JsonNode b = receiver.createStream();
        String idA = a.get("id").asText();
        String idB = b.get("id").asText();
        String target = "rtmp://127.0.0.1:" + receiver.server.rtmpPort() + "/live/" + b.get("streamKey").asText();
        HttpResponse<String> added = addRelay(idA, target);
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        JsonNode relay = TestServer.JSON.readTree(added.body());
        assertThat(relay.get("url").asText()).as("the key is never echoed in full")
                .doesNotContain(b.get("streamKey").asText()).startsWith("rtmp://127.0.0.1:");
        assertThat(relay.at("/status/state").asText()).isEqualTo("idle");

        processes.add(MediaTools.publish(MediaTools.fixture(20, 640, 360), origin.rtmp(a.get("streamKey").asText())));
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.stream(idB).get("live").asBoolean());
        assertThat(relays(idA).get(0).at("/status/state").asText()).isEqualTo("publishing");
        // The receiver's stream plays: its HLS has segments.
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.get(receiver.http("/hls/" + idB
                + "/source/index.m3u8")).body().contains("#EXTINF"));

        List<String> ids = new ArrayList<>();
        Map<String, Instant> originTimes = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = origin.api("POST", "/api/v1/streams/" + idA + "/cues",
                    "{\"type\":\"custom\",\"data\":{\"n\":" + i + "}}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            JsonNode cue = TestServer.JSON.readTree(r.body());
            ids.add(cue.get("id").asText());
            originTimes.put(cue.get("id").asText(), Instant.parse(cue.get("programDateTime").asText()));
            Thread.sleep(100);
        }
        String playlistB = receiver.http("/hls/" + idB + "/source/index.m3u8");
        await().atMost(Duration.ofSeconds(20)).until(() -> dateRanges(receiver.get(playlistB).body()).keySet()
                .containsAll(ids));
        String body = receiver.get(playlistB).body();
        Map<String, Instant> receiverTimes = dateRanges(body);
        for (String id : ids) {
            assertThat(body.split("#EXT-X-DATERANGE:ID=\"" + id + "\"", -1)).as("cue %s listed once", id).hasSize(2);
        }
        // In step: the spacing of the cues on the receiver is the origin's, within one frame (33 ms).
        Instant a0 = originTimes.get(ids.get(0));
        Instant b0 = receiverTimes.get(ids.get(0));
        for (String id : ids) {
            long originOffset = Duration.between(a0, originTimes.get(id)).toMillis();
            long receiverOffset = Duration.between(b0, receiverTimes.get(id)).toMillis();
            assertThat(Math.abs(originOffset - receiverOffset)).as("cue %s", id).isLessThanOrEqualTo(34);
        }
        JsonNode status = relays(idA).get(0).get("status");
        assertThat(status.get("bytes").asLong()).isPositive();
        assertThat(origin.get(origin.admin("/metrics")).body()).contains("cuecast_relay_publishing{relay=\""
                + relay.get("id").asText() + "\"");
    }

    @Test
    void aRefusedKeyAndABadUrlAreClearStatusesNotLeaks() throws Exception {
        JsonNode a = origin.createStream();
        String idA = a.get("id").asText();
        HttpResponse<String> bad = addRelay(idA, "http://example.com/live/x");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("'url' is not usable: scheme 'http' is not rtmp or rtmps");
        assertThat(addRelay(idA, "rtmp://127.0.0.1/onlyapp").body()).contains("needs an application and a stream name");
        assertThat(origin.api("POST", "/api/v1/streams/nope/relays", "{\"url\":\"rtmp://h/a/b\"}").statusCode())
                .isEqualTo(404);

        HttpResponse<String> added = addRelay(idA, "rtmp://127.0.0.1:" + receiver.server.rtmpPort() + "/live/sk_wrong");
        String relayId = TestServer.JSON.readTree(added.body()).get("id").asText();
        Process p = MediaTools.publish(MediaTools.fixture(20, 640, 360), origin.rtmp(a.get("streamKey").asText()));
        processes.add(p);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode s = relays(idA).get(0).get("status");
            return s.get("attempts").asLong() >= 2 && "backoff".equals(s.get("state").asText());
        });
        assertThat(relays(idA).get(0).at("/status/lastError").asText()).contains("NetStream.Publish.BadName");
        // The origin's own stream never noticed.
        assertThat(origin.stream(idA).get("live").asBoolean()).isTrue();

        // Disabled: it stops trying; removed: it is gone.
        HttpResponse<String> off = origin.api("PUT", "/api/v1/streams/" + idA + "/relays/" + relayId,
                "{\"enabled\":false}");
        assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> "idle".equals(relays(idA).get(0).at("/status/state").asText()));
        assertThat(origin.api("DELETE", "/api/v1/streams/" + idA + "/relays/" + relayId, null).statusCode())
                .isEqualTo(204);
        assertThat(relays(idA)).isEmpty();
        p.destroy();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * The receiver is gone for 10 s and comes back: the relay publishes again within 3 s of it
     * accepting, and the origin's own playlist never notices (no discontinuity, no gap).
     */
    @Test
    void aReceiverBackAfterTenSecondsGetsTheStreamWithinThreeSeconds() throws Exception {
        int port = TestServer.freePort();
        receiver.close();
        Path receiverData = dir.resolve("receiver-fixed");
        receiver = new TestServer(receiverData, Map.of("CUECAST_RTMP_PORT", String.valueOf(port)));
        JsonNode a = origin.createStream();
        JsonNode b = receiver.createStream();
        String idA = a.get("id").asText();
        String idB = b.get("id").asText();
        addRelay(idA, "rtmp://127.0.0.1:" + port + "/live/" + b.get("streamKey").asText());
        processes.add(MediaTools.publish(MediaTools.fixture(40, 640, 360), origin.rtmp(a.get("streamKey").asText())));
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.stream(idB).get("live").asBoolean());

        receiver.close();
        Thread.sleep(10_000);
        receiver = new TestServer(receiverData, Map.of("CUECAST_RTMP_PORT", String.valueOf(port)));
        long accepting = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> receiver.stream(idB).get("live").asBoolean());
        Duration back = Duration.ofNanos(System.nanoTime() - accepting);
        System.out.println("relay publishing again " + back.toMillis() + " ms after the receiver came back");
        assertThat(back).isLessThan(Duration.ofSeconds(3));
        String originPlaylist = origin.get(origin.http("/hls/" + idA + "/source/index.m3u8")).body();
        assertThat(originPlaylist).doesNotContain("#EXT-X-DISCONTINUITY");
        assertThat(origin.stream(idA).at("/ingest/droppedPackets").asLong()).isZero();
    }

    /**
     * A receiver that accepts the connection and then says nothing: the relay gives up on it after
     * its publish deadline, closes the socket (no leak), and keeps retrying with backoff.
     */
    @Test
    void aReceiverThatAcceptsThenStallsIsDroppedAndRetried() throws Exception {
        try (java.net.ServerSocket stall = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            JsonNode a = origin.createStream();
            String idA = a.get("id").asText();
            addRelay(idA, "rtmp://127.0.0.1:" + stall.getLocalPort() + "/live/x");
            processes.add(MediaTools.publish(MediaTools.fixture(30, 640, 360), origin.rtmp(a.get("streamKey").asText())));
            stall.setSoTimeout(20_000);
            try (java.net.Socket first = stall.accept()) {
                first.setSoTimeout(15_000);
                long t0 = System.nanoTime();
                // The relay's C0+C1 arrive; we answer nothing. It must hang up by itself.
                byte[] buf = new byte[4096];
                int n;
                while ((n = first.getInputStream().read(buf)) >= 0) {
                    assertThat(n).isPositive();
                }
                Duration waited = Duration.ofNanos(System.nanoTime() - t0);
                assertThat(waited).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(14));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> relays(idA).get(0).at("/status/lastError").asText()
                    .contains("no NetStream.Publish.Start within"));
            try (java.net.Socket second = stall.accept()) {
                assertThat(second.isConnected()).as("retried after the backoff").isTrue();
            }
            assertThat(origin.stream(idA).get("live").asBoolean()).isTrue();
        }
    }
}
