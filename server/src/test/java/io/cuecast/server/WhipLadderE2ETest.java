package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Everything downstream of the hub treats a WHIP stream as an RTMP one: the ladder transcodes it,
 * a cue posted during the publish reaches every rendition, hls.js plays it, every segment of every
 * rendition decodes with H.264 and AAC.
 */
class WhipLadderE2ETest {
    @TempDir
    Path dir;
    TestServer server;
    ChromeDriver browser;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(dir.resolve("data"), Map.of("CUECAST_LADDER_ENABLED", "true",
                "CUECAST_HLS_WINDOW_SEGMENTS", "30"));
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        server.close();
    }

    @Test
    void aWhipStreamGetsTheLadderCuesInEveryRenditionAndPlaysInHlsJs() throws Exception {
        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        Process ffmpeg = WhipClients.ffmpegWhip(server.whip(id), stream.get("streamKey").asText(), 16, true,
                dir.resolve("ffmpeg.log"));
        String cueId;
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
                    server.get(server.http("/hls/" + id + "/240p/index.m3u8")).body().contains("-1.m4s"));
            HttpResponse<String> cue = server.api("POST", "/api/v1/streams/" + id + "/cues", CuesE2ETest.SHOW);
            assertThat(cue.statusCode()).as(cue.body()).isEqualTo(201);
            cueId = TestServer.JSON.readTree(cue.body()).get("id").asText();

            browser = Browsers.chromium(dir);
            browser.get(server.http("/watch/" + id));
            JavascriptExecutor js = browser;
            Browsers.assertPlays(js, Duration.ofSeconds(20), 2, Duration.ofSeconds(10));
            assertThat(ffmpeg.waitFor(40, TimeUnit.SECONDS)).isTrue();
        } finally {
            ffmpeg.destroyForcibly();
        }
        String master = server.get(server.http("/hls/" + id + "/master.m3u8")).body();
        List<String> renditions = new ArrayList<>();
        master.lines().filter(l -> l.endsWith("/index.m3u8")).forEach(l -> renditions.add(l.substring(0, l.indexOf('/'))));
        assertThat(renditions).contains("source", "240p");
        for (String r : renditions) {
            String playlist = server.endedPlaylist(id, r);
            assertThat(playlist).as("the cue in rendition " + r).contains("#EXT-X-DATERANGE:ID=\"" + cueId + "\"");
            List<Path> files = server.segmentFiles(id, r, playlist, dir);
            assertThat(files).hasSizeGreaterThanOrEqualTo(5);
            for (int i = 0; i < files.size(); i++) {
                List<String> probed = MediaTools.probeStreams(files.get(i).toString());
                assertThat(probed).as(r + " segment " + i).anyMatch(l -> l.startsWith("h264,video,")).contains("aac,audio");
                assertThat(MediaTools.decode(files.get(i)).output()).as(r + " segment " + i + " decodes").isEmpty();
            }
        }
    }
}
