package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ladder admission (issue 10 §8): with ladder.maxConcurrent=1 and two publishers, one gets a ladder,
 * the other plays its source alone and says why, both play, and the second gets its ladder when the
 * first stream ends (at a keyframe, while live).
 */
class LadderAdmissionE2ETest {
    @TempDir
    Path dir;
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    String ladderState(String id) throws Exception {
        JsonNode l = server.stream(id).get("ladder");
        return l == null ? "none" : l.get("state").asText();
    }

    @Test
    void oneLadderAtATimeTheOtherStreamPlaysItsSourceThenGetsTheFreedLadder() throws Exception {
        server = new TestServer(dir.resolve("data"), Map.of("CUECAST_LADDER_ENABLED", "true",
                "CUECAST_LADDER_MAX_CONCURRENT", "1", "CUECAST_LADDER_RUNGS", "[{shortSide: 120, videoKbps: 150}]"));
        JsonNode a = server.createStream();
        JsonNode b = server.createStream();
        String idA = a.get("id").asText();
        String idB = b.get("id").asText();
        Process first = MediaTools.publish(MediaTools.fixture(10, 320, 180), server.rtmp(a.get("streamKey").asText()));
        Process second = null;
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> "running".equals(ladderState(idA)));
            second = MediaTools.publish(MediaTools.fixture(30, 320, 180), server.rtmp(b.get("streamKey").asText()));
            await().atMost(Duration.ofSeconds(20)).until(() -> server.stream(idB).get("live").asBoolean()
                    && "off".equals(ladderState(idB)));
            assertThat(server.stream(idB).at("/ladder/detail").asText()).contains("ladder.maxConcurrent");
            // Both play: A with its rung, B with its source alone.
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    server.get(server.http("/hls/" + idA + "/master.m3u8")).body().contains("120p/index.m3u8"));
            String masterB = server.get(server.http("/hls/" + idB + "/master.m3u8")).body();
            assertThat(masterB).contains("source/index.m3u8").doesNotContain("120p");
            await().atMost(Duration.ofSeconds(20)).until(() -> server.get(server.http("/hls/" + idB
                    + "/source/index.m3u8")).body().contains("#EXTINF"));

            // A ends: its ladder frees, and B, still live, gets one.
            assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(20)).until(() -> "running".equals(ladderState(idB)));
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    server.get(server.http("/hls/" + idB + "/master.m3u8")).body().contains("120p/index.m3u8"));
            await().atMost(Duration.ofSeconds(20)).until(() -> server.get(server.http("/hls/" + idB
                    + "/120p/index.m3u8")).body().contains("#EXTINF"));
            assertThat(server.get(server.admin("/metrics")).body()).contains("cuecast_ladder_deferred_total 1.0");
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroyForcibly();
            }
        }
    }
}
