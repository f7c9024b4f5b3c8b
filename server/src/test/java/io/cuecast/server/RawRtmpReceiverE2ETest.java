package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.cuecast.rtmp.Amf0Reader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FFmpeg as a raw RTMP receiver of the pushed stream: every cue arrives as an {@code onCuePoint} data
 * message at the cue's time (the origin's spacing within one frame).
 *
 * <p>The receiver is {@code ffprobe -listen 1}, printing every packet with its time and bytes. The
 * issue asked for an FLV written by {@code ffmpeg -listen 1 -c copy -f flv}; FFmpeg (5.1, Debian 12)
 * cannot keep the cue points there: its FLV demuxer hands an {@code onCuePoint} over as a "text"
 * subtitle packet holding the raw AMF0, and its FLV muxer rewrites every subtitle packet as
 * {@code onTextData} with that AMF0 as the text (tried: 0 {@code onCuePoint} tags in the remuxed file).
 * What reached FFmpeg is what this test checks, byte for byte.
 */
class RawRtmpReceiverE2ETest {
    @TempDir
    Path dir;
    TestServer origin;
    Process receiver;
    Process publisher;

    @AfterEach
    void stop() {
        if (publisher != null) {
            publisher.destroyForcibly();
        }
        if (receiver != null) {
            receiver.destroyForcibly();
        }
        origin.close();
    }

    /** A data message as ffprobe printed it: its time in ms and its AMF0 values. */
    record DataMessage(long timeMs, List<Object> values) {}

    /** The subtitle-stream packets (FFmpeg's form of AMF data messages) of ffprobe's -show_packets -show_data. */
    static List<DataMessage> dataMessages(String probe) {
        List<DataMessage> out = new ArrayList<>();
        for (String block : probe.split("\\[PACKET\\]")) {
            if (!block.contains("codec_type=subtitle")) {
                continue;
            }
            Matcher pts = Pattern.compile("\\npts_time=([0-9.]+)").matcher(block);
            if (!pts.find()) {
                continue;
            }
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            Matcher line = Pattern.compile("\\n[0-9a-f]{8}: ((?:[0-9a-f]{2,4} ?)+)").matcher(block);
            while (line.find()) {
                String hex = line.group(1).replace(" ", "");
                bytes.writeBytes(java.util.HexFormat.of().parseHex(hex));
            }
            byte[] data = bytes.toByteArray();
            out.add(new DataMessage(Math.round(Double.parseDouble(pts.group(1)) * 1000),
                    new Amf0Reader(data, 0, data.length).readAll()));
        }
        return out;
    }

    @Test
    void everyCueReachesARawReceiverAsAnOnCuePointAtItsTime() throws Exception {
        origin = new TestServer(dir.resolve("origin"));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path out = dir.resolve("packets.txt");
        receiver = new ProcessBuilder("ffprobe", "-hide_banner", "-loglevel", "error", "-listen", "1",
                "-show_packets", "-show_data", "rtmp://127.0.0.1:" + port + "/live/raw")
                .redirectError(dir.resolve("ffprobe-receiver.log").toFile()).redirectOutput(out.toFile()).start();
        Thread.sleep(1000); // ffmpeg binds its listening socket
        JsonNode a = origin.createStream();
        String id = a.get("id").asText();
        assertThat(origin.api("POST", "/api/v1/streams/" + id + "/relays",
                "{\"url\":\"rtmp://127.0.0.1:" + port + "/live/raw\"}").statusCode()).isEqualTo(201);
        publisher = MediaTools.publish(MediaTools.fixture(12, 640, 360), origin.rtmp(a.get("streamKey").asText()));
        await().atMost(Duration.ofSeconds(20)).until(() -> "publishing".equals(TestServer.JSON.readTree(origin.api(
                "GET", "/api/v1/streams/" + id + "/relays", null).body()).at("/relays/0/status/state").asText()));
        Thread.sleep(1500);
        List<Long> originPts = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            JsonNode cue = TestServer.JSON.readTree(origin.api("POST", "/api/v1/streams/" + id + "/cues",
                    "{\"type\":\"custom\",\"data\":{\"n\":" + i + "}}").body());
            originPts.add(cue.get("pts").asLong());
            ids.add(cue.get("id").asText());
            Thread.sleep(150);
        }
        assertThat(publisher.waitFor(60, TimeUnit.SECONDS)).isTrue();
        // The session ends, the relay closes, ffmpeg finishes the file.
        assertThat(receiver.waitFor(30, TimeUnit.SECONDS)).as(Files.readString(dir.resolve("ffprobe-receiver.log")))
                .isTrue();
        List<DataMessage> cues = dataMessages(Files.readString(out)).stream()
                .filter(t -> !t.values().isEmpty() && "onCuePoint".equals(t.values().get(0))).toList();
        assertThat(cues).hasSize(20);
        for (int i = 0; i < 20; i++) {
            Map<?, ?> point = (Map<?, ?>) cues.get(i).values().get(1);
            assertThat(point.get("name")).isEqualTo("cuecast");
            Map<?, ?> parameters = (Map<?, ?>) point.get("parameters");
            assertThat(parameters.get("id")).isEqualTo(ids.get(i));
            long flvOffset = cues.get(i).timeMs() - cues.get(0).timeMs();
            long originOffset = originPts.get(i) - originPts.get(0);
            assertThat(Math.abs(flvOffset - originOffset)).as("cue %d", i).isLessThanOrEqualTo(34);
        }
    }
}
