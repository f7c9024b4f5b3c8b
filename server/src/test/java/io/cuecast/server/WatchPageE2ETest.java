package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
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
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The demo player in headless Chromium with hls.js, against a stream ffmpeg publishes: the cue
 * arrives through ID3 metadata cues with the exact payload, the card appears when its moment is
 * played, and a viewer who opens the page afterwards sees the active product.
 */
class WatchPageE2ETest {
    @TempDir
    Path dir;
    TestServer server;
    ChromeDriver browser;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(dir.resolve("data"));
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        server.close();
    }

    Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    @Test
    void productCardAppearsWhenTheCueIsPlayedAndLateViewersSeeIt() throws Exception {
        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        Process ffmpeg = MediaTools.publish(MediaTools.fixture(24, 640, 360), server.rtmp(stream.get("streamKey").asText()));
        try {
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    server.get(server.http("/hls/" + id + "/source/index.m3u8")).body().contains("-1.m4s"));
            browser = Browsers.chromium(dir);
            browser.get(server.http("/watch/" + id));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> ((Number) js("return document.getElementById('video').currentTime")).doubleValue() > 0.5);

            String body = "{\"type\":\"product.show\",\"product\":{\"sku\":\"MUG-1\",\"title\":\"Red mug\","
                    + "\"price\":\"12.90\",\"currency\":\"EUR\",\"url\":\"http://127.0.0.1/buy/mug\"}}";
            JsonNode cue = TestServer.JSON.readTree(server.api("POST", "/api/v1/streams/" + id + "/cues", body).body());
            String cueId = cue.get("id").asText();
            String cueJson = cue.get("cue").toString();

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    (Boolean) js("return window.cuecast.applied.some(a => a.id === '" + cueId + "' && a.source === 'id3')"));
            @SuppressWarnings("unchecked")
            Map<String, Object> applied = (Map<String, Object>) js("return window.cuecast.applied.find(a => a.id === '"
                    + cueId + "' && a.source === 'id3')");
            assertThat(js("return JSON.stringify(window.cuecast.applied.find(a => a.id === '" + cueId
                    + "' && a.source === 'id3').payload)")).isEqualTo(cueJson);
            // Shown when the cue's moment was played, not when its fragment was downloaded.
            double start = ((Number) applied.get("startTime")).doubleValue();
            double playedAt = ((Number) applied.get("playedAt")).doubleValue();
            assertThat(playedAt).isBetween(start - 0.3, start + 1.0);

            WebElement card = browser.findElement(By.id("card"));
            assertThat(card.isDisplayed()).isTrue();
            assertThat(card.getAttribute("data-cue-id")).isEqualTo(cueId);
            assertThat(browser.findElement(By.id("card-title")).getText()).isEqualTo("Red mug");
            assertThat(browser.findElement(By.id("card-price")).getText()).contains("12.90");
            assertThat(browser.findElement(By.id("card-buy")).getAttribute("href")).isEqualTo("http://127.0.0.1/buy/mug");
            Path shots = Path.of("target", "screenshots");
            Files.createDirectories(shots);
            Files.write(shots.resolve("watch-product-card.png"), browser.getScreenshotAs(OutputType.BYTES));

            // A viewer who arrives after the cue: the card is there at once, from the state endpoint.
            browser.get(server.http("/watch/" + id));
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("card")).isDisplayed());
            assertThat(browser.findElement(By.id("card")).getAttribute("data-cue-id")).isEqualTo(cueId);
            assertThat(js("return window.cuecast.applied.map(a => a.source).join(',')").toString()).contains("state");
            Files.write(shots.resolve("watch-late-joiner.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } finally {
            ffmpeg.destroy();
            ffmpeg.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void unknownStreamPageIs404AndAssetsAreServedLocally() throws Exception {
        assertThat(server.get(server.http("/watch/nosuchstream")).statusCode()).isEqualTo(404);
        var hlsJs = server.get(server.http("/assets/hls.min.js"));
        assertThat(hlsJs.statusCode()).isEqualTo(200);
        assertThat(hlsJs.body()).contains("Hls");
        var response = server.get(server.http("/watch/" + server.createStream().get("id").asText()));
        assertThat(response.body()).contains("/assets/hls.min.js").doesNotContain("cdn", "https://");
        // Review L10: the page and its scripts say what they may load and are never sniffed.
        assertThat(response.headers().firstValue("Content-Security-Policy")).contains(WatchPage.CONTENT_SECURITY_POLICY);
        assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(hlsJs.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    }
}
