package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Failover: origin A (its own JVM) owns a stream, origin B has the backup publisher, hls.js plays
 * through edge E. A is killed with SIGKILL: B takes the lease, continues A's numbering after one
 * discontinuity, cues posted during the outage are placed once, and hls.js plays on without a
 * reload.
 */
class FailoverE2ETest {
    @TempDir
    Path dir;
    RedisServer redis;
    ServerProcess a;
    TestServer b;
    TestServer e;
    ChromeDriver browser;
    final List<Process> publishers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        for (Process p : publishers) {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        for (AutoCloseable c : new AutoCloseable[] {e, b, a, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private Map<String, String> cluster(String node, String role) {
        // A lease of 2 s renewed every 0.5 s: a dead owner's streams move within about 2.5 s.
        return Map.of("CUECAST_CLUSTER_ROLE", role, "CUECAST_CLUSTER_NODE_ID", node,
                "CUECAST_CLUSTER_REDIS_URL", redis.url(), "CUECAST_CLUSTER_LEASE_MS", "2000",
                "CUECAST_CLUSTER_RENEW_MS", "500", "CUECAST_WEBRTC_ENABLED", "false");
    }

    private String postCue(TestServer via, String id, int i) throws Exception {
        var r = via.api("POST", "/api/v1/streams/" + id + "/cues",
                "{\"type\":\"product.show\",\"product\":{\"sku\":\"F-" + i + "\",\"title\":\"Item " + i
                        + "\",\"price\":\"1.00\",\"currency\":\"EUR\"},\"durationMs\":60000}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return TestServer.JSON.readTree(r.body()).get("id").asText();
    }

    @Test
    void killingTheOwnerMovesTheStreamWithoutAPlayerReload() throws Exception {
        redis = new RedisServer(dir.resolve("redis"), null);
        a = new ServerProcess(dir.resolve("a"), cluster("a", "origin"));
        b = new TestServer(dir.resolve("b"), cluster("b", "origin"));
        e = new TestServer(dir.resolve("e"), cluster("e", "edge"));
        JsonNode stream = b.createStream();
        String id = stream.get("id").asText();
        String key = stream.get("streamKey").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.api("GET", "/api/v1/streams/" + id).statusCode() == 200);
        Path fixture = MediaTools.fixture(90, 640, 360);
        publishers.add(MediaTools.publish(fixture, a.rtmp(key)));
        await().atMost(Duration.ofSeconds(20)).until(() -> TestServer.JSON.readTree(
                e.api("GET", "/api/v1/cluster", null).body()).path("owners").path(id).asText().startsWith("a:"));
        publishers.add(MediaTools.publish(fixture, b.rtmp(key))); // the backup encoder: B stands by
        String path = "/hls/" + id + "/source/index.m3u8";
        await().atMost(Duration.ofSeconds(20)).until(() -> b.get(b.http(path)).body().contains("-1.m4s")
                && e.get(e.http(path)).body().contains("-1.m4s"));

        // What E lists over time: media sequence → flagged with a discontinuity, and every cue id.
        Map<Long, Boolean> segments = new TreeMap<>();
        Set<String> cueIds = new HashSet<>();
        Map<String, Integer> maxInOne = new HashMap<>();
        List<String> regressions = new ArrayList<>();
        AtomicBoolean polling = new AtomicBoolean(true);
        Thread poller = new Thread(() -> {
            long lastFirst = -1;
            while (polling.get()) {
                try {
                    var r = e.get(e.http(path));
                    if (r.statusCode() == 200) {
                        String text = r.body();
                        long first = Long.parseLong(text.replaceAll("(?s).*#EXT-X-MEDIA-SEQUENCE:(\\d+).*", "$1"));
                        if (first < lastFirst) {
                            regressions.add(lastFirst + " -> " + first);
                        }
                        lastFirst = first;
                        long msn = first;
                        boolean disc = false;
                        for (String line : text.split("\n")) {
                            if (line.equals("#EXT-X-DISCONTINUITY")) {
                                disc = true;
                            } else if (!line.startsWith("#") && !line.isEmpty()) {
                                synchronized (segments) {
                                    segments.merge(msn, disc, (x, y) -> x || y);
                                }
                                msn++;
                                disc = false;
                            }
                        }
                        synchronized (cueIds) {
                            cueIds.addAll(ClusterE2ETest.dateRangeIds(text, maxInOne));
                        }
                    }
                    Thread.sleep(200);
                } catch (Exception ex) {
                    return;
                }
            }
        });
        poller.start();

        browser = Browsers.chromium(dir);
        browser.get(e.http("/watch/" + id));
        JavascriptExecutor js = browser;
        await().atMost(Duration.ofSeconds(20)).until(() -> Boolean.TRUE.equals(js.executeScript(
                "return window.cuecast.playing && window.cuecast.hls && window.cuecast.hls.lowLatencyMode")));
        Thread.sleep(3000); // settle on the target latency
        List<Double> latencies = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Object l = js.executeScript("return window.cuecast.hls.latency");
            if (l instanceof Number n && n.doubleValue() > 0) {
                latencies.add(n.doubleValue());
            }
            Thread.sleep(500);
        }
        java.util.Collections.sort(latencies);
        double medianLatency = latencies.get(latencies.size() / 2);
        System.out.printf("hls.js through the edge: median live latency %.2f s over %d samples%n", medianLatency,
                latencies.size());
        // The bound the single-node test holds on a busy 2-core machine (here with three servers on it).
        assertThat(medianLatency).as("median hls.js latency through the edge (s)").isLessThan(2.0);
        Set<String> posted = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            posted.add(postCue(i % 2 == 0 ? e : b, id, i));
        }
        Thread.sleep(1500);

        a.kill9();
        long killed = System.nanoTime();
        for (int i = 3; i < 8; i++) {
            posted.add(postCue(i % 2 == 0 ? e : b, id, i)); // during the outage
        }
        // Playback: the longest time currentTime did not move, from the kill on, for 14 s.
        double lastTime = Browsers.currentTime(js);
        long lastMoved = System.nanoTime();
        long longestStallMs = 0;
        long resumedAfterKillMs = -1;
        while (System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(14)) {
            Thread.sleep(100);
            double t = Browsers.currentTime(js);
            if (t > lastTime + 0.05) {
                long stall = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastMoved);
                if (stall > longestStallMs) {
                    longestStallMs = stall;
                    resumedAfterKillMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
                }
                lastTime = t;
                lastMoved = System.nanoTime();
            }
        }
        long stalledAtEnd = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastMoved);
        JsonNode view = TestServer.JSON.readTree(e.api("GET", "/api/v1/cluster", null).body());
        long fatal = ((Number) js.executeScript("return window.cuecast.fatalErrors")).longValue();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            synchronized (cueIds) {
                return cueIds.containsAll(posted);
            }
        });
        polling.set(false);
        poller.join(5000);
        System.out.printf("failover: owner now %s; longest stall %d ms (resumed %d ms after the kill), "
                        + "stalled at end %d ms, fatal hls.js errors %d, segments seen %s%n",
                view.path("owners").path(id).asText(), longestStallMs, resumedAfterKillMs, stalledAtEnd, fatal,
                segments);
        assertThat(view.path("owners").path(id).asText()).startsWith("b:");
        assertThat(fatal).as("fatal hls.js errors").isZero();
        assertThat(stalledAtEnd).as("hls.js plays at the end").isLessThan(1500);
        assertThat(resumedAfterKillMs).as("playing again after the kill (ms)").isLessThanOrEqualTo(8000);
        assertThat(regressions).as("media sequence went back").isEmpty();
        List<Long> msns = new ArrayList<>(segments.keySet());
        for (int i = 1; i < msns.size(); i++) {
            assertThat(msns.get(i)).as("no hole in the numbering").isEqualTo(msns.get(i - 1) + 1);
        }
        assertThat(segments.values().stream().filter(d -> d).count()).as("discontinuities").isEqualTo(1);
        assertThat(cueIds).containsAll(posted);
        assertThat(maxInOne.values()).allMatch(n -> n == 1);
        JsonNode log = TestServer.JSON.readTree(b.api("GET", "/api/v1/streams/" + id + "/cues", null).body());
        List<String> onB = new ArrayList<>();
        log.get("cues").forEach(c -> onB.add(c.get("id").asText()));
        assertThat(onB).as("cues placed by B after the takeover").doesNotHaveDuplicates();
    }
}
