package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
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

/** Real WHIP publishers (FFmpeg 8.1's muxer) into a real server; the HLS output is fetched and decoded. */
class WhipE2ETest {
    @TempDir
    Path dir;
    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(dir.resolve("data"), Map.of("CUECAST_HLS_WINDOW_SEGMENTS", "20"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void ffmpegPublishesOverWhipIntoHls() throws Exception {
        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        String key = stream.get("streamKey").asText();
        Path log = dir.resolve("ffmpeg.log");
        Process ffmpeg = WhipClients.ffmpegWhip(server.whip(id), key, 8, true, log);
        try {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> server.get(server.http("/hls/" + id + "/source/index.m3u8")).statusCode() == 200);
            // The admin API shows the WHIP transport of the live stream.
            JsonNode ingest = server.stream(id).get("ingest");
            assertThat(ingest.get("protocol").asText()).isEqualTo("whip");
            JsonNode transport = ingest.get("transport");
            assertThat(transport.get("dtlsRole").asText()).as("FFmpeg offers passive").isEqualTo("client");
            assertThat(transport.get("selectedCandidatePair").get("remote").asText()).startsWith("127.0.0.1:");
            assertThat(transport.get("selectedCandidatePair").get("local").asText())
                    .isEqualTo("127.0.0.1:" + server.server.webrtcPort());
            assertThat(transport.get("packets").asLong()).isPositive();
            assertThat(ingest.get("videoCodec").asText()).startsWith("avc1.42");
            assertThat(ffmpeg.waitFor(30, TimeUnit.SECONDS)).as("ffmpeg ends").isTrue();
        } finally {
            ffmpeg.destroyForcibly();
        }
        String out = Files.readString(log);
        assertThat(ffmpeg.exitValue()).as(out).isZero();
        assertDecodes(id, server.endedPlaylist(id, "source"), out);
    }

    @Test
    void gstreamerWebrtcbinPublishesWithUsAsDtlsServerIntoHls() throws Exception {
        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        String key = stream.get("streamKey").asText();
        Path log = dir.resolve("gst-whip.log");
        Process client = WhipClients.gstreamerWhip(server.whip(id), key, 14, true, log);
        String cueId;
        org.openqa.selenium.chrome.ChromeDriver browser = null;
        try {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> server.segmentCount(id) >= 1);
            // A cue posted during the publish, and a viewer in hls.js.
            HttpResponse<String> cue = server.api("POST", "/api/v1/streams/" + id + "/cues", CuesE2ETest.SHOW);
            assertThat(cue.statusCode()).as(cue.body()).isEqualTo(201);
            cueId = TestServer.JSON.readTree(cue.body()).get("id").asText();
            browser = Browsers.chromium(dir);
            browser.get(server.http("/watch/" + id));
            org.openqa.selenium.JavascriptExecutor js = browser;
            Browsers.assertPlays(js, Duration.ofSeconds(15), 1.5, Duration.ofSeconds(8));
            assertThat(client.waitFor(40, TimeUnit.SECONDS)).as("the client ends after DELETE").isTrue();
        } finally {
            if (browser != null) {
                browser.quit();
            }
            client.destroyForcibly();
        }
        String out = Files.readString(log);
        assertThat(client.exitValue()).as(out).isZero();
        assertThat(out).contains("connection connected", "DELETE done");
        String playlist = server.endedPlaylist(id, "source");
        assertThat(playlist).contains("#EXT-X-DATERANGE:ID=\"" + cueId + "\"");
        assertDecodes(id, playlist, out);
    }

    @Test
    void audioAndVideoStayInSyncThroughOpusToAac() throws Exception {
        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        Path log = dir.resolve("ffmpeg-av.log");
        Process ffmpeg = WhipClients.ffmpegWhipFlashAndBeep(server.whip(id), stream.get("streamKey").asText(), 11, log);
        try {
            assertThat(ffmpeg.waitFor(40, TimeUnit.SECONDS)).isTrue();
        } finally {
            ffmpeg.destroyForcibly();
        }
        Path joined = server.joinedFile(id, "source", server.endedPlaylist(id, "source"), dir);
        List<Long> offsets = MediaTools.avOffsetsMs(joined);
        assertThat(offsets).as("flash/beep pairs found").hasSizeGreaterThanOrEqualTo(3);
        // The bound: every beep within 40 ms of its flash.
        assertThat(offsets).as("audio − video, ms").allSatisfy(o -> assertThat(o).isBetween(-40L, 40L));
    }

    @Test
    void nackAndRtxRecoverTwoPercentLossAndReordering() throws Exception {
        server.close();
        try (LossyUdpRelay relay = new LossyUdpRelay(0.02, 40, 120)) {
            int udpPort;
            try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
                udpPort = probe.getLocalPort();
            }
            // The answer points the client at the relay; the relay forwards to the server's port.
            server = new TestServer(dir.resolve("data-loss"), Map.of("CUECAST_HLS_WINDOW_SEGMENTS", "20",
                    "CUECAST_WEBRTC_UDP_PORT", String.valueOf(udpPort),
                    "CUECAST_WEBRTC_ADVERTISED_ADDRESSES", "[127.0.0.1:" + relay.port() + "]"));
            relay.forwardTo(udpPort);
            JsonNode stream = server.createStream();
            String id = stream.get("id").asText();
            Path log = dir.resolve("ffmpeg-loss.log");
            Process ffmpeg = WhipClients.ffmpegWhip(server.whip(id), stream.get("streamKey").asText(), 10, false, log);
            try {
                assertThat(ffmpeg.waitFor(40, TimeUnit.SECONDS)).isTrue();
            } finally {
                ffmpeg.destroyForcibly();
            }
            String playlist = server.endedPlaylist(id, "source");
            Path joined = server.joinedFile(id, "source", playlist, dir);
            MediaTools.Result frames = MediaTools.run(60, List.of("ffprobe", "-v", "error", "-select_streams", "v:0",
                    "-count_frames", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", joined.toString()));
            int decoded = Integer.parseInt(frames.output().trim());
            System.out.printf("WHIP under loss: %d of 300 frames decoded; relay dropped %d and reordered %d of %d RTP"
                    + " packets; %.0f NACKed%n", decoded, relay.rtpDropped.get(), relay.rtpReordered.get(),
                    relay.rtpForwarded.get() + relay.rtpDropped.get(), server.metric("cuecast_whip_nack_sent_total"));
            assertThat(relay.rtpDropped.get()).as("the relay lost packets").isGreaterThan(10);
            assertThat(relay.rtpReordered.get()).as("and reordered some").isGreaterThan(10);
            // 10 s at 30 fps = 300 frames sent; at least 99 % of them arrive whole and decode.
            assertThat(decoded).as("frames in the HLS output").isGreaterThanOrEqualTo(297);
            assertThat(server.metric("cuecast_whip_nack_sent_total")).as("NACKs sent").isGreaterThan(0);
            assertThat(MediaTools.decode(joined).output()).as("decodes without an error").isEmpty();
        }
    }

    /** Every segment of the ended playlist holds 640x360 H.264 that decodes without an error. */
    private void assertDecodes(String id, String playlist, String clientLog) throws Exception {
        List<String> segments = playlist.lines().filter(l -> l.endsWith(".m4s")).toList();
        assertThat(segments).as(playlist + clientLog).hasSizeGreaterThanOrEqualTo(3);
        String master = server.get(server.http("/hls/" + id + "/master.m3u8")).body();
        assertThat(master).contains("avc1.42", "mp4a.40.2");
        List<Path> files = server.segmentFiles(id, "source", playlist, dir);
        for (int i = 0; i < files.size(); i++) {
            assertThat(MediaTools.probeStreams(files.get(i).toString())).as("segment %d", i)
                    .contains("h264,video,640,360", "aac,audio");
            MediaTools.Result decoded = MediaTools.decode(files.get(i));
            assertThat(decoded.output()).as("segment %d decodes cleanly", i).isEmpty();
        }
    }
}
