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

/** A WHIP publisher over the bitrate cap, and one that goes silent, are ended; the server goes on. */
class WhipLimitsE2ETest {
    @TempDir
    Path dir;
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aPublisherOverTheBitrateCapIsDisconnected() throws Exception {
        server = new TestServer(dir.resolve("data"), Map.of("CUECAST_WEBRTC_MAX_BITRATE_KBPS", "500"));
        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        // 800 kb/s of video: over the 500 kb/s cap.
        Process ffmpeg = WhipClients.ffmpegWhip(server.whip(id), stream.get("streamKey").asText(), 20, true,
                dir.resolve("ffmpeg.log"));
        try {
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(() -> server.metric("cuecast_whip_sessions_closed_total{reason=\"bitrate\"}") == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> !server.stream(id).get("live").asBoolean());
        } finally {
            ffmpeg.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        assertThat(server.metric("cuecast_whip_sessions")).isZero();
    }

    @Test
    void aPublisherThatFallsSilentIsEndedAfterTheLivenessTimeout() throws Exception {
        server = new TestServer(dir.resolve("data"), Map.of("CUECAST_WEBRTC_LIVENESS_TIMEOUT_MS", "2000"));
        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        Process ffmpeg = WhipClients.ffmpegWhip(server.whip(id), stream.get("streamKey").asText(), 30, false,
                dir.resolve("ffmpeg.log"));
        try {
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(() -> server.stream(id).get("live").asBoolean());
            // Frozen, as a laptop whose lid closed: no DELETE, no packets.
            new ProcessBuilder("kill", "-STOP", String.valueOf(ffmpeg.pid())).start().waitFor();
            long frozen = System.nanoTime();
            await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(100))
                    .until(() -> server.metric("cuecast_whip_sessions_closed_total{reason=\"liveness\"}") == 1);
            assertThat((System.nanoTime() - frozen) / 1_000_000).as("ended after about 2 s").isBetween(1500L, 4000L);
        } finally {
            ffmpeg.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
