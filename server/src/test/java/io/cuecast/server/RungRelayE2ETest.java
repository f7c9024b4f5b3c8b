package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A relay of a ladder rung, not the source: the receiver gets the rung's picture size. */
class RungRelayE2ETest {
    @TempDir
    Path dir;
    TestServer origin;
    TestServer receiver;
    Process ffmpeg;

    @AfterEach
    void stop() {
        if (ffmpeg != null) {
            ffmpeg.destroyForcibly();
        }
        if (origin != null) {
            origin.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void aTargetCanTakeARungOfTheLadder() throws Exception {
        origin = new TestServer(dir.resolve("origin"), Map.of("CUECAST_LADDER_ENABLED", "true",
                "CUECAST_LADDER_RUNGS", "[{shortSide: 120, videoKbps: 150}]"));
        receiver = new TestServer(dir.resolve("receiver"));
        JsonNode a = origin.createStream();
        JsonNode b = receiver.createStream();
        String idB = b.get("id").asText();
        HttpResponse<String> added = origin.api("POST", "/api/v1/streams/" + a.get("id").asText() + "/relays",
                "{\"url\":\"rtmp://127.0.0.1:" + receiver.server.rtmpPort() + "/live/" + b.get("streamKey").asText()
                        + "\",\"rendition\":\"120p\"}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        ffmpeg = MediaTools.publish(MediaTools.fixture(15, 320, 180), origin.rtmp(a.get("streamKey").asText()));
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.stream(idB).get("live").asBoolean()
                && receiver.stream(idB).at("/ingest/height").asInt() > 0);
        JsonNode ingest = receiver.stream(idB).get("ingest");
        assertThat(ingest.get("height").asInt()).isEqualTo(120);
        assertThat(ingest.get("width").asInt()).isBetween(212, 214);
    }
}
