package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/** hls.js in headless Chromium plays the ladder and keeps playing across level switches made in the page. */
class LadderPlaybackE2ETest {
    @TempDir
    Path dir;
    TestServer server;
    ChromeDriver browser;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(dir.resolve("data"), Map.of("CUECAST_LADDER_ENABLED", "true"));
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        server.close();
    }

    /** Picks a level in the page's quality menu, as a viewer would, and waits until it plays. */
    void switchTo(JavascriptExecutor js, int level, int height) {
        browser.findElement(By.cssSelector("#quality option[value='" + level + "']")).click();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
                Long.valueOf(level).equals(js.executeScript("return window.cuecast.level"))
                        && Long.valueOf(height).equals(js.executeScript("return window.cuecast.height")));
        double t0 = Browsers.currentTime(js);
        await().atMost(Duration.ofSeconds(10)).until(() -> Browsers.currentTime(js) > t0 + 2);
    }

    @Test
    void hlsJsSwitchesFromTopToBottomRungAndBackWithoutStopping() throws Exception {
        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        Process ffmpeg = MediaTools.publish(MediaTools.fixture(45, 640, 360), server.rtmp(stream.get("streamKey").asText()));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    server.get(server.http("/hls/" + id + "/240p/index.m3u8")).body().contains("-1.m4s"));
            browser = Browsers.chromium(dir);
            browser.get(server.http("/watch/" + id));
            JavascriptExecutor js = browser;
            await().atMost(Duration.ofSeconds(20)).until(() -> Boolean.TRUE.equals(js.executeScript(
                    "return window.cuecast.playing && window.cuecast.hls.levels.length === 3")));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> levels = (List<Map<String, Object>>) js.executeScript(
                    "return window.cuecast.hls.levels.map(l => ({height: l.height, bitrate: l.bitrate}))");
            int top = 0, bottom = 0;
            for (int i = 0; i < levels.size(); i++) {
                long b = ((Number) levels.get(i).get("bitrate")).longValue();
                if (b > ((Number) levels.get(top).get("bitrate")).longValue()) {
                    top = i;
                }
                if (b < ((Number) levels.get(bottom).get("bitrate")).longValue()) {
                    bottom = i;
                }
            }
            assertThat(((Number) levels.get(top).get("height")).intValue()).isEqualTo(360);
            assertThat(((Number) levels.get(bottom).get("height")).intValue()).isEqualTo(240);
            assertThat(browser.findElement(By.id("quality-label")).isDisplayed()).isTrue();

            switchTo(js, top, 360);
            switchTo(js, bottom, 240);
            switchTo(js, top, 360);
            assertThat(((Number) js.executeScript("return window.cuecast.fatalErrors")).longValue()).isZero();
            long stalls = ((Number) js.executeScript("return window.cuecast.stalls")).longValue();
            System.out.printf("hls.js ladder playback: levels %s, stalls during three switches: %d%n", levels, stalls);
            assertThat(stalls).as("stalls while switching").isZero();
        } finally {
            ffmpeg.destroy();
            ffmpeg.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
