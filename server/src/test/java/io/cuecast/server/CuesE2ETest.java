package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Product cues through the real server: API, emsg/ID3 in the segments, EXT-X-DATERANGE, errors. */
class CuesE2ETest {
    static final String SHOW = "{\"type\":\"product.show\",\"product\":{\"sku\":\"MUG-1\",\"title\":\"Red mug\","
            + "\"price\":\"12.90\",\"currency\":\"EUR\",\"imageUrl\":\"https://shop.example/mug.png\"},"
            + "\"durationMs\":60000}";

    @TempDir
    Path dir;
    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(dir.resolve("data"), Map.of("CUECAST_HLS_WINDOW_SEGMENTS", "20"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HttpResponse<String> postCue(String id, String body) throws Exception {
        return server.api("POST", "/api/v1/streams/" + id + "/cues", body);
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return TestServer.JSON.readTree(r.body());
    }

    /** One emsg found in a segment: its presentation time, ID3 TXXX value, and the segment's tfdt. */
    record FoundEmsg(String segment, long presentationTime, String value, long tfdt) {}

    static List<FoundEmsg> emsgs(String segment, byte[] data) {
        List<FoundEmsg> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(data);
        long tfdt = -1;
        int tfdtAt = indexOf(data, "tfdt".getBytes(StandardCharsets.US_ASCII));
        if (tfdtAt > 0) {
            tfdt = b.getLong(tfdtAt + 8);
        }
        int pos = 0;
        while (pos + 8 <= data.length) {
            int size = b.getInt(pos);
            String type = new String(data, pos + 4, 4, StandardCharsets.US_ASCII);
            if (type.equals("emsg")) {
                long pt = b.getLong(pos + 16);
                byte[] box = Arrays.copyOfRange(data, pos, pos + size);
                String s = new String(box, StandardCharsets.UTF_8);
                int txxx = s.indexOf("cuecast\u0000");
                out.add(new FoundEmsg(segment, pt, s.substring(txxx + "cuecast\u0000".length()), tfdt));
            }
            if (size < 8) {
                break;
            }
            pos += size;
        }
        return out;
    }

    static int indexOf(byte[] data, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= data.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void aCueReachesTheSegmentsThePlaylistAndLateJoiners() throws Exception {
        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        Process ffmpeg = MediaTools.publish(MediaTools.fixture(8, 640, 360), server.rtmp(stream.get("streamKey").asText()));
        await().atMost(Duration.ofSeconds(15)).until(() ->
                server.get(server.http("/hls/" + id + "/source/index.m3u8")).body().contains("-1.m4s"));

        HttpResponse<String> posted = postCue(id, SHOW);
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);
        JsonNode cue = json(posted);
        assertThat(cue.get("status").asText()).isEqualTo("placed");
        long pts = cue.get("pts").asLong();
        assertThat(pts).isBetween(2000L, 8000L);
        assertThat(cue.get("programDateTime").asText()).isNotEmpty();
        String cueJson = cue.get("cue").toString();
        assertThat(cueJson).startsWith("{\"id\":\"" + cue.get("id").asText() + "\",\"type\":\"product.show\"");

        assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(15)).until(() ->
                server.get(server.http("/hls/" + id + "/source/index.m3u8")).body().contains("#EXT-X-ENDLIST"));
        String playlist = server.get(server.http("/hls/" + id + "/source/index.m3u8")).body();

        // Exactly one emsg in the whole rendition, with the exact JSON, at the cue's PTS, in the
        // fragment whose time range holds it.
        List<String> segments = playlist.lines().filter(l -> l.endsWith(".m4s")).toList();
        List<FoundEmsg> found = new ArrayList<>();
        List<Long> tfdts = new ArrayList<>();
        for (String s : segments) {
            byte[] data = TestServer.sendBytes(server.http("/hls/" + id + "/source/" + s)).body();
            found.addAll(emsgs(s, data));
            tfdts.add(ByteBuffer.wrap(data).getLong(indexOf(data, "tfdt".getBytes(StandardCharsets.US_ASCII)) + 8));
        }
        assertThat(found).singleElement().satisfies(e -> {
            assertThat(e.value()).isEqualTo(cueJson);
            assertThat(e.presentationTime()).isEqualTo(pts * 90); // 90 kHz, the publisher's clock started at 0
            int index = segments.indexOf(e.segment());
            assertThat(e.presentationTime()).isGreaterThanOrEqualTo(tfdts.get(index));
            if (index + 1 < tfdts.size()) {
                assertThat(e.presentationTime()).isLessThan(tfdts.get(index + 1));
            }
        });

        String range = playlist.lines().filter(l -> l.startsWith("#EXT-X-DATERANGE:")).findFirst().orElseThrow();
        assertThat(range).contains("ID=\"" + cue.get("id").asText() + "\"", "CLASS=\"io.cuecast.product\"",
                "DURATION=60.000", "X-CUE-TYPE=\"product.show\"", "X-SKU=\"MUG-1\"");
        String startDate = range.replaceAll(".*START-DATE=\"([^\"]+)\".*", "$1");
        assertThat(Instant.parse(startDate)).as("the cue API's programDateTime is the DATERANGE's START-DATE")
                .isEqualTo(Instant.parse(cue.get("programDateTime").asText()));
        String payload = range.replaceAll(".*X-PAYLOAD=\"([^\"]+)\".*", "$1");
        assertThat(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8)).isEqualTo(cueJson);

        JsonNode state = TestServer.JSON.readTree(server.get(server.http("/streams/" + id + "/state.json")).body());
        assertThat(state.get("products")).hasSize(1);
        assertThat(state.get("products").get(0).get("product").get("sku").asText()).isEqualTo("MUG-1");
        JsonNode log = json(server.api("GET", "/api/v1/streams/" + id + "/cues", null));
        assertThat(log.get("cues")).hasSize(1);
    }

    @Test
    void refusedCuesAre4xxNamingTheFieldAndChangeNothing() throws Exception {
        String id = server.createStream().get("id").asText();
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("{\"type\": ", "invalid_json");
        bad.put("{\"type\":\"product.show\",\"colour\":\"red\"}", "'colour'");
        bad.put("{\"type\":\"product.show\",\"product\":{\"sku\":\"a\",\"colour\":\"red\"}}", "'product.colour'");
        bad.put("{\"type\":\"product.explode\"}", "'type' must be one of");
        bad.put("{\"type\":\"product.show\"}", "'product' is required");
        bad.put("{\"type\":\"product.show\",\"product\":{\"sku\":\"a\",\"title\":\"t\",\"price\":\"12,90\",\"currency\":\"EUR\"}}",
                "'product.price'");
        bad.put("{\"type\":\"product.show\",\"product\":{\"sku\":\"a\",\"title\":\"t\",\"price\":\"1\",\"currency\":\"XYZ\"}}",
                "'product.currency'");
        bad.put("{\"type\":\"product.show\",\"product\":{\"sku\":\"a\",\"title\":\"t\",\"price\":\"1\",\"currency\":\"EUR\","
                + "\"url\":\"javascript:alert(1)\"}}", "'product.url'");
        bad.put("{\"type\":\"custom\"}", "'data'");
        bad.put("{\"type\":\"custom\",\"data\":{\"x\":\"" + "y".repeat(2100) + "\"},\"at\":\"2999-01-01T00:00:00Z\"}",
                "'at' is more than 24 h ahead");
        bad.put("{\"type\":\"custom\",\"data\":{\"x\":\"" + "y".repeat(2100) + "\"}}", "over the limit of 2048");
        bad.put("{\"type\":\"custom\",\"data\":{},\"at\":\"yesterday\"}", "'at' must be an ISO-8601 instant");
        bad.put("{\"type\":\"custom\",\"data\":{},\"durationMs\":-5}", "'durationMs'");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            HttpResponse<String> r = postCue(id, e.getKey());
            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
            assertThat(json(r).get("error").get("message").asText()).as(e.getKey()).contains(e.getValue().replace("invalid_json", "JSON"));
        }
        HttpResponse<String> notLive = postCue(id, SHOW);
        assertThat(notLive.statusCode()).isEqualTo(409);
        assertThat(json(notLive).get("error").get("message").asText()).contains("not live", "'at'");
        assertThat(postCue("nosuchstream", SHOW).statusCode()).isEqualTo(404);
        assertThat(json(server.api("GET", "/api/v1/streams/" + id + "/cues", null)).get("cues")).isEmpty();
    }

    static String scheduled(Instant at, String extra) {
        return "{\"type\":\"custom\",\"data\":{\"n\":1},\"at\":\"" + at + "\"" + extra + "}";
    }

    @Test
    void rateLimitIdempotencyCancelAndTheLogSurviveARestart() throws Exception {
        String id = server.createStream().get("id").asText();
        Instant later = Instant.now().plusSeconds(3600);
        HttpResponse<String> first = postCue(id, scheduled(later, ",\"idempotencyKey\":\"k-1\""));
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(json(first).get("status").asText()).isEqualTo("scheduled");
        HttpResponse<String> retry = postCue(id, scheduled(later, ",\"idempotencyKey\":\"k-1\""));
        assertThat(json(retry).get("id").asText()).isEqualTo(json(first).get("id").asText());

        // 60 POSTs at once: a burst far above 20 a second however slow this machine's disk is (sent
        // one after another, 30 of them took 0.84 s on a busy run and the bucket refilled meanwhile).
        int accepted = 1;
        int limited = 0;
        String retryAfter = null;
        long start = System.nanoTime();
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        for (int i = 0; i < 60; i++) {
            burst.add(client.sendAsync(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(server.admin("/api/v1/streams/" + id + "/cues")))
                    .header("Authorization", "Bearer " + TestServer.TOKEN).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(scheduled(later, ""))).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (var f : burst) {
            HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
            if (r.statusCode() == 201) {
                accepted++;
            } else {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
                retryAfter = r.headers().firstValue("Retry-After").orElse(null);
                limited++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(limited).isPositive();
        assertThat(retryAfter).isNotNull();
        // The bucket's promise exactly: its burst of 20 (one went to the first cue), plus 20 a second.
        assertThat(accepted).isBetween(20, (int) Math.floor(21 + 20 * seconds));
        JsonNode log = json(server.api("GET", "/api/v1/streams/" + id + "/cues", null));
        assertThat(log.get("cues")).hasSize(accepted);

        String cueId = json(first).get("id").asText();
        HttpResponse<String> cancelled = server.api("DELETE", "/api/v1/streams/" + id + "/cues/" + cueId, null);
        assertThat(cancelled.statusCode()).isEqualTo(200);
        assertThat(json(cancelled).get("status").asText()).isEqualTo("cancelled");
        assertThat(server.api("DELETE", "/api/v1/streams/" + id + "/cues/" + cueId, null).statusCode()).isEqualTo(409);
        assertThat(server.api("DELETE", "/api/v1/streams/" + id + "/cues/cue_nope", null).statusCode()).isEqualTo(404);

        server.close();
        server = new TestServer(dir.resolve("data"));
        JsonNode after = json(server.api("GET", "/api/v1/streams/" + id + "/cues", null));
        assertThat(after.get("cues")).hasSize(accepted);
        assertThat(after.get("cues").get(0).get("status").asText()).isEqualTo("cancelled");
        assertThat(after.get("cues").get(1).get("status").asText()).isEqualTo("scheduled");
    }

    @Test
    void aScheduledCueIsPlacedAtItsInstant() throws Exception {
        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        Process ffmpeg = MediaTools.publish(MediaTools.fixture(8, 640, 360), server.rtmp(stream.get("streamKey").asText()));
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> server.stream(id).get("live").asBoolean());
            Instant at = Instant.now().plusMillis(2500);
            HttpResponse<String> r = postCue(id, scheduled(at, ""));
            assertThat(r.statusCode()).isEqualTo(201);
            String cueId = json(r).get("id").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> json(server.api("GET", "/api/v1/streams/" + id
                    + "/cues", null)).get("cues").get(0).get("status").asText().equals("placed"));
            JsonNode placed = json(server.api("GET", "/api/v1/streams/" + id + "/cues", null)).get("cues").get(0);
            assertThat(placed.get("id").asText()).isEqualTo(cueId);
            Instant when = Instant.parse(placed.get("programDateTime").asText());
            System.out.printf("scheduled cue: programDateTime - at = %d ms%n", Duration.between(at, when).toMillis());
            assertThat(Duration.between(at, when).abs().toMillis()).isLessThan(150);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    server.get(server.http("/hls/" + id + "/source/index.m3u8")).body().contains(cueId));
        } finally {
            ffmpeg.destroy();
            ffmpeg.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Issue 10 §5 (review M2): a client whose POST timed out retries, many times and at once. One
     * idempotency key makes one cue: on air once, one DATERANGE, 50 identical answers, no 500.
     */
    @Test
    void fiftyConcurrentRetriesOfOnePostMakeOneCue() throws Exception {
        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        Process ffmpeg = MediaTools.publish(MediaTools.fixture(8, 640, 360), server.rtmp(stream.get("streamKey").asText()));
        try {
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    server.get(server.http("/hls/" + id + "/source/index.m3u8")).body().contains("-1.m4s"));
            String body = SHOW.substring(0, SHOW.length() - 1) + ",\"idempotencyKey\":\"order-77\"}";
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> posts = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                posts.add(client.sendAsync(java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(server.admin("/api/v1/streams/" + id + "/cues")))
                        .header("Authorization", "Bearer " + TestServer.TOKEN)
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(30))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (var f : posts) {
                answers.add(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(answers).allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(201));
            assertThat(answers).extracting(HttpResponse::body).containsOnly(answers.get(0).body());
            assertThat(json(server.api("GET", "/api/v1/streams/" + id + "/cues", null)).get("cues")).hasSize(1);
            String cueId = json(answers.get(0)).get("id").asText();
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    server.get(server.http("/hls/" + id + "/source/index.m3u8")).body().contains(cueId));
            String playlist = server.get(server.http("/hls/" + id + "/source/index.m3u8")).body();
            assertThat(playlist.lines().filter(l -> l.startsWith("#EXT-X-DATERANGE")).count()).isEqualTo(1);
        } finally {
            ffmpeg.destroyForcibly();
        }
    }
}
