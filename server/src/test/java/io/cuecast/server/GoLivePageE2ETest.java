package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A host goes live from headless Chromium through the go-live page: fake camera and microphone,
 * WebRTC with H.264 and Opus to our WHIP endpoint, out as HLS with H.264 and AAC.
 */
class GoLivePageE2ETest {
    /** Where the page's screenshot is kept for people to look at. */
    static final Path SCREENSHOT = Path.of("target", "golive-page.png");
    @TempDir
    Path dir;
    TestServer server;
    ChromeDriver chromium;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(dir.resolve("data"), Map.of("CUECAST_HLS_WINDOW_SEGMENTS", "20"));
        chromium = Browsers.chromium(dir, List.of("--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream"));
    }

    @AfterEach
    void stop() {
        if (chromium != null) {
            chromium.quit();
        }
        server.close();
    }

    @Test
    void aHostGoesLiveFromTheBrowserAndEndsCleanly() throws Exception {
        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        JavascriptExecutor js = openGoLive(id);
        goLive(js, stream.get("streamKey").asText(), "live", 20);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> server.segmentCount(id) >= 3);
        assertThat(Integer.parseInt(chromium.findElement(By.id("bitrate")).getText())).as("outbound kb/s shown")
                .isPositive();
        // Transport-wide feedback lets the browser's estimate climb from its 300 kb/s start to the
        // page's 2.5 Mb/s cap; without it, it stays near the start (seen: 294 kb/s).
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).until(() -> {
            Object kbps = js.executeScript("return document.getElementById('stats').dataset.availableKbps");
            return kbps != null && Integer.parseInt(kbps.toString()) >= 2000;
        });
        Files.createDirectories(SCREENSHOT.getParent());
        Files.write(SCREENSHOT, chromium.getScreenshotAs(OutputType.BYTES));
        HttpResponse<String> cue = server.api("POST", "/api/v1/streams/" + id + "/cues", CuesE2ETest.SHOW);
        assertThat(cue.statusCode()).as(cue.body()).isEqualTo(201);
        String cueId = TestServer.JSON.readTree(cue.body()).get("id").asText();
        // A viewer in another tab plays the stream in hls.js while the host's tab keeps publishing.
        String host = chromium.getWindowHandle();
        chromium.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
        chromium.get(server.http("/watch/" + id));
        Browsers.assertPlays(js, Duration.ofSeconds(15), 1.5, Duration.ofSeconds(8));
        chromium.close();
        chromium.switchTo().window(host);

        chromium.findElement(By.id("end")).click();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "idle".equals(js.executeScript("return document.body.dataset.state")));
        String playlist = server.endedPlaylist(id, "source");
        assertThat(playlist).contains("#EXT-X-DATERANGE:ID=\"" + cueId + "\"");
        List<Path> files = server.segmentFiles(id, "source", playlist, dir);
        assertThat(files).hasSizeGreaterThanOrEqualTo(3);
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            List<String> probed = MediaTools.probeStreams(file.toString());
            assertThat(probed).as("segment %d", i).anyMatch(l -> l.startsWith("h264,video,"));
            assertThat(probed).as("segment %d", i).contains("aac,audio");
            String errors = MediaTools.decode(file).output();
            if (!errors.isEmpty()) {
                Files.copy(file, Path.of("target", "golive-failed-segment.mp4"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            assertThat(errors).as("segment %d decodes cleanly", i).isEmpty();
        }
    }

    @Test
    void aWrongKeyIsShownToTheHost() throws Exception {
        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        JavascriptExecutor js = openGoLive(id);
        goLive(js, "sk_not_the_key", "error", 10);
        assertThat(chromium.findElement(By.id("message")).getText()).contains("not the stream key");
        assertThat(server.get(server.http("/golive/nosuchstream")).statusCode()).isEqualTo(404);
    }

    @Test
    void pictureAndSoundFromTheBrowserStayInSync() throws Exception {
        // Chromium's fake camera and microphone play generated files: a white flash and a 1 kHz beep,
        // together, every 2 s. Files of 30 s, longer than the test: each loop wrap of Chromium's two
        // fake devices shifted them about 28 ms apart (seen with 4 s files), which is the source
        // drifting, not us.
        chromium.quit();
        Path y4m = dir.resolve("flash.y4m");
        Path wav = dir.resolve("beep.wav");
        List<String> video = new java.util.ArrayList<>(List.of("ffmpeg", "-hide_banner", "-v", "error", "-y"));
        video.addAll(WhipClients.FLASH_AND_BEEP.subList(0, 4));
        video.addAll(List.of("-t", "30", "-vf", "scale=320:180", "-pix_fmt", "yuv420p", y4m.toString()));
        assertThat(MediaTools.run(60, video).exit()).isZero();
        List<String> audio = new java.util.ArrayList<>(List.of("ffmpeg", "-hide_banner", "-v", "error", "-y"));
        audio.addAll(WhipClients.FLASH_AND_BEEP.subList(4, 8));
        audio.addAll(List.of("-t", "30", "-ac", "1", "-c:a", "pcm_s16le", wav.toString()));
        assertThat(MediaTools.run(60, audio).exit()).isZero();
        chromium = Browsers.chromium(dir, List.of("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--use-file-for-fake-video-capture=" + y4m, "--use-file-for-fake-audio-capture=" + wav));
        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        JavascriptExecutor js = openGoLive(id);
        // "Music": no echo cancelling, noise suppression or gain control to eat the beep.
        js.executeScript("const s = document.getElementById('sound'); s.value = 'music'; s.dispatchEvent(new Event('change'));");
        Thread.sleep(500);
        goLive(js, stream.get("streamKey").asText(), "live", 20);
        Thread.sleep(11_000);
        chromium.findElement(By.id("end")).click();
        Path joined = server.joinedFile(id, "source", server.endedPlaylist(id, "source"), dir);
        List<Long> offsets = MediaTools.avOffsetsMs(joined);
        System.out.println("Chromium WHIP A/V offsets (audio - video, ms): " + offsets);
        assertThat(offsets).as("flash/beep pairs found").hasSizeGreaterThanOrEqualTo(3);
        assertThat(offsets).as("audio − video, ms").allSatisfy(o -> assertThat(o).isBetween(-40L, 40L));
    }

    /** Opens the go-live page of {@code id} and waits for the camera preview. */
    private JavascriptExecutor openGoLive(String id) {
        chromium.get(server.http("/golive/" + id));
        JavascriptExecutor js = chromium;
        await().atMost(Duration.ofSeconds(15)).until(() ->
                ((Number) js.executeScript("return document.getElementById('preview').videoWidth")).intValue() > 0);
        return js;
    }

    /** Pastes {@code key}, presses Go live and waits for the page's state to become {@code state}. */
    private void goLive(JavascriptExecutor js, String key, String state, int seconds) {
        chromium.findElement(By.id("key")).sendKeys(key);
        chromium.findElement(By.id("go")).click();
        await().atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(200))
                .until(() -> state.equals(js.executeScript("return document.body.dataset.state")));
    }
}
