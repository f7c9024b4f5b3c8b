package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Headless Debian Chromium through Debian's chromedriver (nothing downloaded), and TLS test material. */
final class Browsers {
    private Browsers() {
    }

    /** Chromium with the flags this machine needs (the Chromium flags this machine needs) and a fresh profile under {@code dir}. */
    static ChromeDriver chromium(Path dir) {
        return chromium(dir, List.of());
    }

    /** {@link #chromium(Path)} with more flags, e.g. a fake camera for WHIP. */
    static ChromeDriver chromium(Path dir, List<String> extraArguments) {
        ChromeOptions options = new ChromeOptions();
        options.addArguments(extraArguments);
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--autoplay-policy=no-user-gesture-required", "--mute-audio", "--window-size=1280,800",
                "--ignore-certificate-errors", "--user-data-dir=" + dir.resolve("chromium-profile-" + System.nanoTime()));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        return new ChromeDriver(service, options);
    }

    /** The watch page's video position in seconds. */
    static double currentTime(JavascriptExecutor js) {
        return ((Number) js.executeScript("return document.getElementById('video').currentTime")).doubleValue();
    }

    /**
     * The watch page in {@code js} plays: hls.js starts within {@code startWithin}, the picture then
     * moves on by {@code seconds} within {@code advanceWithin}, and hls.js reported no fatal error.
     */
    static void assertPlays(JavascriptExecutor js, Duration startWithin, double seconds, Duration advanceWithin) {
        await().atMost(startWithin).until(() -> Boolean.TRUE.equals(js.executeScript("return window.cuecast.playing")));
        double t0 = currentTime(js);
        await().atMost(advanceWithin).until(() -> currentTime(js) > t0 + seconds);
        assertThat(((Number) js.executeScript("return window.cuecast.fatalErrors")).longValue()).isZero();
    }

    /** Writes a self-signed certificate for 127.0.0.1 and its PKCS#8 key with openssl; returns {cert, key}. */
    static Path[] selfSignedCertificate(Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        MediaTools.Result openssl = MediaTools.run(60, List.of("openssl", "req", "-x509", "-newkey", "rsa:2048",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1"));
        assertThat(openssl.exit()).as(openssl.output()).isZero();
        return new Path[] {cert, key};
    }
}
