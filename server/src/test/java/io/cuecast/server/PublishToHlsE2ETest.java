package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real ffmpeg and GStreamer publish over RTMP; the HLS output is fetched and probed with ffprobe. */
class PublishToHlsE2ETest {
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

    /** The media playlist once it has EXT-X-ENDLIST. */
    String endedPlaylist(String id) {
        String[] text = new String[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            HttpResponse<String> r = server.get(server.http("/hls/" + id + "/source/index.m3u8"));
            text[0] = r.body();
            return r.statusCode() == 200 && r.body().contains("#EXT-X-ENDLIST");
        });
        return text[0];
    }

    /** Checks what every publisher must produce: codecs, durations, continuity, decodable segments. */
    void assertHlsOutput(String id, double publishedSeconds, int width, int height) throws Exception {
        String playlist = endedPlaylist(id);
        List<String> streams = MediaTools.probeStreams(server.http("/hls/" + id + "/master.m3u8"));
        assertThat(streams).as("ffprobe codec_name,codec_type,width,height")
                .contains("h264,video," + width + "," + height, "aac,audio");

        String master = server.get(server.http("/hls/" + id + "/master.m3u8")).body();
        assertThat(master).contains("CODECS=\"avc1.", ",mp4a.40.2\"", "RESOLUTION=" + width + "x" + height,
                "FRAME-RATE=30.000", "BANDWIDTH=");

        long firstSequence = Long.parseLong(playlist.lines().filter(l -> l.startsWith("#EXT-X-MEDIA-SEQUENCE:"))
                .findFirst().orElseThrow().substring("#EXT-X-MEDIA-SEQUENCE:".length()));
        String init = playlist.lines().filter(l -> l.startsWith("#EXT-X-MAP:")).findFirst().orElseThrow()
                .replaceAll(".*URI=\"([^\"]+)\".*", "$1");
        byte[] initBytes = TestServer.sendBytes(server.http("/hls/" + id + "/source/" + init)).body();
        double total = 0;
        List<String> segments = new ArrayList<>();
        List<String> lines = playlist.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("#EXTINF:")) {
                total += Double.parseDouble(lines.get(i).substring(8, lines.get(i).indexOf(',')));
                segments.add(lines.get(i + 1));
            }
        }
        double segmentDuration = 2.0;
        assertThat(total).as("sum of EXTINF vs published duration")
                .isBetween(publishedSeconds - segmentDuration, publishedSeconds + segmentDuration);
        for (int i = 0; i < segments.size(); i++) {
            String name = segments.get(i);
            assertThat(name).as("media sequence numbers are continuous").endsWith("-" + (firstSequence + i) + ".m4s");
            byte[] seg = TestServer.sendBytes(server.http("/hls/" + id + "/source/" + name)).body();
            Path file = dir.resolve("seg" + i + ".mp4");
            Files.write(file, initBytes);
            Files.write(file, seg, StandardOpenOption.APPEND);
            MediaTools.Result decoded = MediaTools.decode(file);
            assertThat(decoded.exit()).as("segment %s decodes", name).isZero();
            assertThat(decoded.output()).as("decoder errors in %s", name).isBlank();
        }
    }

    @Test
    void ffmpegPublishesAndHlsPlays() throws Exception {
        Path source = MediaTools.fixture(8, 640, 360);
        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        assertThat(stream.get("rtmpUrl").asText()).isEqualTo(stream.get("rtmpServer").asText() + "/"
                + stream.get("streamKey").asText());
        assertThat(stream.get("playbackUrl").asText()).isEqualTo(server.http("/hls/" + id + "/master.m3u8"));
        assertThat(stream.get("live").asBoolean()).isFalse();

        Process ffmpeg = MediaTools.publish(source, server.rtmp(stream.get("streamKey").asText()));
        // While live: the API shows codec, resolution, fps and bitrate; the master playlist answers.
        await().atMost(Duration.ofSeconds(15)).until(() -> server.stream(id).get("live").asBoolean()
                && server.stream(id).get("ingest").get("bitrateKbps").asLong() > 0);
        JsonNode ingest = server.stream(id).get("ingest");
        assertThat(ingest.get("videoCodec").asText()).startsWith("avc1.64");
        assertThat(ingest.get("audioCodec").asText()).isEqualTo("mp4a.40.2");
        assertThat(ingest.get("width").asInt()).isEqualTo(640);
        assertThat(ingest.get("height").asInt()).isEqualTo(360);
        assertThat(ingest.get("fps").asDouble()).isEqualTo(30.0);
        assertThat(ingest.get("since").asText()).isNotEmpty();
        HttpResponse<String> master = server.get(server.http("/hls/" + id + "/master.m3u8"));
        assertThat(master.statusCode()).isEqualTo(200);

        assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ffmpeg.exitValue()).as(new String(ffmpeg.getInputStream().readAllBytes())).isZero();
        assertHlsOutput(id, 8, 640, 360);
        await().atMost(Duration.ofSeconds(5)).until(() -> !server.stream(id).get("live").asBoolean());

        String metrics = server.get(server.admin("/metrics")).body();
        assertThat(metrics).contains("cuecast_ingest_bytes_total{stream=\"" + id + "\"}",
                "cuecast_ingest_frames_total{stream=\"" + id + "\",track=\"video\"} 240",
                "cuecast_ingest_keyframe_interval_seconds{stream=\"" + id + "\"}",
                "cuecast_hls_segments_total{rendition=\"source\",stream=\"" + id + "\"} 4",
                "cuecast_hls_requests_total{kind=\"segment\"}", "cuecast_hls_served_bytes_total",
                "jvm_memory_used_bytes");
    }

    @Test
    void gstreamerRtmp2sinkPublishesAndHlsPlays() throws Exception {
        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        MediaTools.Result r = MediaTools.publishGstreamer(server.rtmp(stream.get("streamKey").asText()), 6);
        assertThat(r.exit()).as(r.output()).isZero();
        assertHlsOutput(id, 6, 640, 360);
    }

    @Test
    void wrongKeyIsRefused() throws Exception {
        Path source = MediaTools.fixture(8, 640, 360);
        JsonNode stream = server.createStream();
        Process ffmpeg = MediaTools.publish(source, server.rtmp("sk_not_the_key"));
        assertThat(ffmpeg.waitFor(20, TimeUnit.SECONDS)).as("ffmpeg gives up on a refused key").isTrue();
        assertThat(ffmpeg.exitValue()).isNotZero();
        assertThat(server.stream(stream.get("id").asText()).get("live").asBoolean()).isFalse();
        assertThat(server.get(server.http("/hls/" + stream.get("id").asText() + "/master.m3u8")).statusCode())
                .isEqualTo(404);
        assertThat(server.get(server.admin("/metrics")).body())
                .contains("cuecast_rtmp_publish_rejected_total{reason=\"bad_key\"} 1.0");
    }
}
