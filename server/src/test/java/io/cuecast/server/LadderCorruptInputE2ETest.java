package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A publisher whose H.264 is damaged inside its NAL units, beside a healthy stream, both with a ladder. */
class LadderCorruptInputE2ETest {
    @TempDir
    Path dir;
    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(dir.resolve("data"), Map.of("CUECAST_LADDER_ENABLED", "true"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /**
     * A copy of an FLV file (Adobe FLV 10.1 §E.4) with random bytes written inside every H.264 NAL
     * unit of its video tags; tag sizes, NAL lengths and NAL headers stay intact, so the RTMP and
     * FLV layers are valid and only the video bitstream is corrupt.
     */
    static Path corrupt(Path flv, Path out, long seed) throws Exception {
        byte[] d = Files.readAllBytes(flv);
        ByteBuffer b = ByteBuffer.wrap(d);
        Random random = new Random(seed);
        int pos = 9 + 4;
        int damaged = 0;
        while (pos + 11 <= d.length) {
            int type = d[pos] & 0x1f;
            int size = ((d[pos + 1] & 0xff) << 16) | ((d[pos + 2] & 0xff) << 8) | (d[pos + 3] & 0xff);
            int data = pos + 11;
            if (type == 9 && size > 5 && (d[data] & 0x0f) == 7 && d[data + 1] == 1) {
                int nal = data + 5;
                while (nal + 4 <= data + size) {
                    int n = b.getInt(nal);
                    if (n <= 0 || nal + 4 + n > data + size) {
                        break;
                    }
                    for (int i = nal + 4 + 1; i < nal + 4 + n; i += 1 + random.nextInt(60)) {
                        d[i] = (byte) random.nextInt(256);
                    }
                    damaged++;
                    nal += 4 + n;
                }
            }
            pos = data + size + 4;
        }
        assertThat(damaged).isGreaterThan(100);
        Files.write(out, d);
        return out;
    }

    @Test
    void corruptVideoDoesNotCrashTheServerNorStopOtherStreams() throws Exception {
        Path good = MediaTools.fixture(24, 640, 360);
        Path bad = corrupt(good, dir.resolve("corrupt.flv"), 1234);
        JsonNode healthy = server.createStream();
        JsonNode broken = server.createStream();
        String hid = healthy.get("id").asText();
        String bid = broken.get("id").asText();
        Process p1 = MediaTools.publish(good, server.rtmp(healthy.get("streamKey").asText()));
        Process p2 = MediaTools.publish(bad, server.rtmp(broken.get("streamKey").asText()));
        try {
            // The healthy stream's ladder runs; the broken stream's source keeps being packaged.
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).until(() ->
                    server.get(server.http("/hls/" + hid + "/240p/index.m3u8")).body().contains("-6.m4s")
                            && server.get(server.http("/hls/" + bid + "/source/index.m3u8")).body().contains("-6.m4s"));
            JsonNode h = server.stream(hid).get("ladder");
            assertThat(h.get("state").asText()).isEqualTo("running");
            assertThat(h.get("decodeErrors").asLong()).isZero();
            JsonNode b = server.stream(bid).get("ladder");
            System.out.println("ladder of the corrupt stream: " + b);
            // Most of its packets cannot be decoded: the ladder gives up, the source plays on.
            assertThat(b.get("state").asText()).isEqualTo("failed");
            assertThat(b.get("decodeErrors").asLong()).isPositive();
            String master = server.get(server.http("/hls/" + bid + "/master.m3u8")).body();
            assertThat(master).contains("source/index.m3u8");
            assertThat(b.get("detail").asText()).contains("the source video is corrupt");
            assertThat(master).doesNotContain("240p/index.m3u8").doesNotContain("360p/index.m3u8");
            // The failed renditions' playlists end, so players on them move on.
            assertThat(server.get(server.http("/hls/" + bid + "/240p/index.m3u8")).body()).contains("#EXT-X-ENDLIST");
            assertThat(server.get(server.admin("/healthz")).statusCode()).isEqualTo(200);
        } finally {
            for (Process p : new Process[] {p1, p2}) {
                p.waitFor(60, TimeUnit.SECONDS);
                p.destroy();
            }
        }
        assertThat(p1.exitValue()).isZero();
        // The healthy renditions are complete and decode.
        await().atMost(Duration.ofSeconds(20)).until(() ->
                server.get(server.http("/hls/" + hid + "/240p/index.m3u8")).body().contains("#EXT-X-ENDLIST"));
        String playlist = server.get(server.http("/hls/" + hid + "/240p/index.m3u8")).body();
        String init = playlist.lines().filter(l -> l.startsWith("#EXT-X-MAP:")).findFirst().orElseThrow()
                .replaceAll(".*URI=\"([^\"]+)\".*", "$1");
        String last = playlist.lines().filter(l -> l.endsWith(".m4s")).reduce((a, c) -> c).orElseThrow();
        Path file = dir.resolve("last.mp4");
        Files.write(file, TestServer.sendBytes(server.http("/hls/" + hid + "/240p/" + init)).body());
        Files.write(file, TestServer.sendBytes(server.http("/hls/" + hid + "/240p/" + last)).body(),
                StandardOpenOption.APPEND);
        assertThat(MediaTools.decode(file).output()).isBlank();
    }
}
