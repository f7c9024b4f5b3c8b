package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ABR ladder end to end: real ffmpeg publishers, every rendition probed, aligned and decoded. */
class LadderE2ETest {
    @TempDir
    Path dir;
    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(dir.resolve("data"), Map.of("CUECAST_LADDER_ENABLED", "true",
                "CUECAST_HLS_WINDOW_SEGMENTS", "20"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** One media playlist, parsed. */
    record Media(String init, List<String> segments, List<Double> durations, List<String> text) {}

    Media media(String id, String rendition) throws Exception {
        String body = server.get(server.http("/hls/" + id + "/" + rendition + "/index.m3u8")).body();
        List<String> lines = body.lines().toList();
        List<String> segments = new ArrayList<>();
        List<Double> durations = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("#EXTINF:")) {
                durations.add(Double.parseDouble(lines.get(i).substring(8, lines.get(i).indexOf(','))));
                segments.add(lines.get(i + 1));
            }
        }
        String init = lines.stream().filter(l -> l.startsWith("#EXT-X-MAP:")).findFirst().orElseThrow()
                .replaceAll(".*URI=\"([^\"]+)\".*", "$1");
        return new Media(init, segments, durations, lines);
    }

    byte[] fetch(String id, String rendition, String name) throws Exception {
        HttpResponse<byte[]> r = TestServer.sendBytes(server.http("/hls/" + id + "/" + rendition + "/" + name));
        assertThat(r.statusCode()).as(rendition + "/" + name).isEqualTo(200);
        return r.body();
    }

    /**
     * The presentation time of the first video sample (track 1) of a segment: its fragment's
     * baseMediaDecodeTime plus the sample's composition offset (ISO/IEC 14496-12 §8.8.8, §8.8.12).
     */
    static long videoTfdt(byte[] segment) {
        ByteBuffer b = ByteBuffer.wrap(segment);
        int pos = 0;
        while (pos + 8 <= segment.length) {
            int size = b.getInt(pos);
            String type = new String(segment, pos + 4, 4, StandardCharsets.US_ASCII);
            if (type.equals("moof")) {
                int p = pos + 8;
                while (p < pos + size) {
                    int s = b.getInt(p);
                    if (new String(segment, p + 4, 4, StandardCharsets.US_ASCII).equals("traf")) {
                        int track = -1;
                        long tfdt = -1;
                        long cto = 0;
                        for (int q = p + 8; q < p + s; ) {
                            int qs = b.getInt(q);
                            String qt = new String(segment, q + 4, 4, StandardCharsets.US_ASCII);
                            if (qt.equals("tfhd")) {
                                track = b.getInt(q + 12);
                            } else if (qt.equals("tfdt")) {
                                tfdt = segment[q + 8] == 1 ? b.getLong(q + 12) : b.getInt(q + 12) & 0xffffffffL;
                            } else if (qt.equals("trun")) {
                                int flags = b.getInt(q + 8) & 0xffffff;
                                int at = q + 16 + ((flags & 1) != 0 ? 4 : 0) + ((flags & 4) != 0 ? 4 : 0);
                                at += ((flags & 0x100) != 0 ? 4 : 0) + ((flags & 0x200) != 0 ? 4 : 0)
                                        + ((flags & 0x400) != 0 ? 4 : 0);
                                cto = (flags & 0x800) != 0 ? b.getInt(at) : 0;
                            }
                            q += qs;
                        }
                        if (track == 1) {
                            return tfdt + cto;
                        }
                    }
                    p += s;
                }
            }
            if (size < 8) {
                break;
            }
            pos += size;
        }
        throw new AssertionError("no video tfdt in segment");
    }

    /** Playlist text of every variant in the multivariant playlist: rendition name → STREAM-INF line. */
    static Map<String, String> variants(String master) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> lines = master.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("#EXT-X-STREAM-INF:")) {
                out.put(lines.get(i + 1).replace("/index.m3u8", ""), lines.get(i));
            }
        }
        return out;
    }

    /**
     * Publishes {@code fixture}, posts a cue while live, waits for the end, then checks every
     * rendition: sizes, codec, bitrate, decodable segments, alignment with the others, the cue.
     *
     * @param expected rendition → {width, height, video kbit/s (0 for the source)}
     */
    void publishAndCheck(String id, String key, Path fixture, Map<String, int[]> expected) throws Exception {
        Process ffmpeg = MediaTools.publish(fixture, server.rtmp(key));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            HttpResponse<String> m = server.get(server.http("/hls/" + id + "/master.m3u8"));
            return m.statusCode() == 200 && variants(m.body()).keySet().equals(expected.keySet());
        });
        HttpResponse<String> cue = server.api("POST", "/api/v1/streams/" + id + "/cues",
                "{\"type\":\"product.show\",\"product\":{\"sku\":\"LADDER-1\",\"title\":\"Mug\",\"price\":\"9.90\","
                        + "\"currency\":\"EUR\"},\"durationMs\":60000}");
        assertThat(cue.statusCode()).as(cue.body()).isEqualTo(201);
        String cueId = TestServer.JSON.readTree(cue.body()).get("id").asText();

        JsonNode status = server.stream(id).get("ladder");
        assertThat(status.get("state").asText()).isEqualTo("running");
        // While live, each LL-HLS media playlist reports every other rendition (RFC 8216bis §4.4.5.4).
        List<String> names = new ArrayList<>(expected.keySet());
        String live = media(id, names.get(0)).text().stream().filter(l -> l.startsWith("#EXT-X-RENDITION-REPORT:"))
                .reduce("", (a, l) -> a + l + "\n");
        for (String other : names.subList(1, names.size())) {
            assertThat(live).contains("#EXT-X-RENDITION-REPORT:URI=\"../" + other + "/index.m3u8\",LAST-MSN=");
        }
        assertThat(live).doesNotContain("../" + names.get(0) + "/").contains("LAST-PART=");

        String master = server.get(server.http("/hls/" + id + "/master.m3u8")).body();
        assertThat(ffmpeg.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(ffmpeg.exitValue()).as(new String(ffmpeg.getInputStream().readAllBytes())).isZero();
        for (String r : expected.keySet()) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> media(id, r).text().contains("#EXT-X-ENDLIST"));
        }

        Map<String, String> inf = variants(master);
        Map<String, Media> playlists = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            String r = e.getKey();
            int[] want = e.getValue();
            assertThat(inf.get(r)).as(r).contains("RESOLUTION=" + want[0] + "x" + want[1], "FRAME-RATE=30.000",
                    "AVERAGE-BANDWIDTH=", ",mp4a.40.2\"");
            if (want[2] > 0) {
                assertThat(inf.get(r)).as(r).contains("CODECS=\"avc1.4d"); // Main profile rungs
            }
            Media m = media(id, r);
            playlists.put(r, m);
            assertThat(m.segments()).as(r).hasSizeGreaterThanOrEqualTo(6);
            assertThat(String.join("\n", m.text())).as(r + " carries the cue").contains("ID=\"" + cueId + "\"");

            byte[] init = fetch(id, r, m.init());
            Path whole = dir.resolve(r + "-all.mp4");
            Files.write(whole, init);
            long bytes = 0;
            boolean emsgFound = false;
            for (int i = 0; i < m.segments().size(); i++) {
                byte[] seg = fetch(id, r, m.segments().get(i));
                bytes += seg.length;
                Files.write(whole, seg, StandardOpenOption.APPEND);
                Path one = dir.resolve(r + "-" + i + ".mp4");
                Files.write(one, init);
                Files.write(one, seg, StandardOpenOption.APPEND);
                MediaTools.Result decoded = MediaTools.decode(one);
                assertThat(decoded.exit()).as("%s segment %d decodes", r, i).isZero();
                assertThat(decoded.output()).as("decoder errors in %s segment %d", r, i).isBlank();
                emsgFound |= new String(seg, StandardCharsets.ISO_8859_1).contains(cueId);
            }
            assertThat(emsgFound).as(r + " has the cue's emsg in a segment").isTrue();
            assertThat(MediaTools.probeStreams(whole.toString())).as(r)
                    .contains("h264,video," + want[0] + "," + want[1], "aac,audio");
            if (want[2] > 0) {
                double seconds = m.durations().stream().mapToDouble(Double::doubleValue).sum();
                double videoKbps = bytes * 8 / seconds / 1000 - 96; // the fixture's AAC is 96 kbit/s
                assertThat(videoKbps).as(r + " video bitrate").isBetween(want[2] * 0.5, want[2] * 1.3);
            }
        }

        // Segment N of every rendition starts at the same presentation time (±1 frame) and lasts as long.
        Media first = playlists.get(names.get(0));
        int count = playlists.values().stream().mapToInt(m -> m.segments().size()).min().orElseThrow();
        for (int i = 0; i < count; i++) {
            long t0 = videoTfdt(fetch(id, names.get(0), first.segments().get(i)));
            for (String r : names.subList(1, names.size())) {
                Media m = playlists.get(r);
                assertThat(m.segments().get(i)).as("media sequence numbers match")
                        .endsWith(first.segments().get(i).substring(first.segments().get(i).lastIndexOf('-')));
                long t = videoTfdt(fetch(id, r, m.segments().get(i)));
                assertThat(Math.abs(t - t0)).as("%s segment %d starts with %s", r, i, names.get(0))
                        .isLessThanOrEqualTo(3000);
                assertThat(m.durations().get(i)).as("%s segment %d duration", r, i)
                        .isCloseTo(first.durations().get(i), org.assertj.core.data.Offset.offset(0.034));
            }
        }
    }

    @Test
    void landscapeSourceGetsTheDefaultLadderAlignedWithTheSource() throws Exception {
        Path fixture = MediaTools.fixture(20, 1280, 720);
        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        Map<String, int[]> expected = new LinkedHashMap<>();
        expected.put("source", new int[] {1280, 720, 0});
        expected.put("480p", new int[] {854, 480, 1000});
        expected.put("360p", new int[] {640, 360, 600});
        expected.put("240p", new int[] {426, 240, 300});
        publishAndCheck(id, stream.get("streamKey").asText(), fixture, expected);
        JsonNode ladder = server.stream(id).get("ladder");
        assertThat(ladder.get("state").asText()).isEqualTo("ended");
        assertThat(ladder.get("framesDecoded").asLong()).isBetween(590L, 600L);
        assertThat(ladder.get("keyframeSkips").asLong()).isZero();
        String metrics = server.get(server.admin("/metrics")).body();
        assertThat(metrics).contains("cuecast_hls_segments_total{rendition=\"240p\",stream=\"" + id + "\"}",
                "cuecast_ladder_frames_decoded_total{stream=\"" + id + "\"}",
                "cuecast_ladder_keyframe_skips_total{stream=\"" + id + "\"} 0",
                "cuecast_ladder_running{stream=\"" + id + "\"} 0");
    }

    @Test
    void portraitSourceWithItsOwnLadderWithoutPassthrough() throws Exception {
        Path fixture = MediaTools.fixture(20, 720, 1280);
        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        HttpResponse<String> put = server.api("PUT", "/api/v1/streams/" + id + "/ladder",
                "{\"passthrough\": false, \"rungs\": [{\"shortSide\": 480, \"videoKbps\": 900},"
                        + " {\"shortSide\": 240, \"videoKbps\": 300, \"preset\": \"superfast\"}]}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        JsonNode view = TestServer.JSON.readTree(put.body());
        assertThat(view.get("custom").asBoolean()).isTrue();
        assertThat(view.at("/ladder/rungs/1/preset").asText()).isEqualTo("superfast");
        assertThat(view.at("/ladder/rungs/1/profile").asText()).isEqualTo("main");
        Map<String, int[]> expected = new LinkedHashMap<>();
        expected.put("480p", new int[] {480, 854, 900});
        expected.put("240p", new int[] {240, 426, 300});
        publishAndCheck(id, stream.get("streamKey").asText(), fixture, expected);
        // Without passthrough the rungs' IDRs come every 2 s: full 2 s segments.
        Media m = media(id, "480p");
        assertThat(m.durations().subList(0, m.durations().size() - 1)).allSatisfy(d -> assertThat(d).isEqualTo(2.0));
    }

    @Test
    void ladderApiRefusesWrongInputAndSurvivesRestart() throws Exception {
        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        String path = "/api/v1/streams/" + id + "/ladder";
        HttpResponse<String> r = server.api("PUT", path, "{\"rungs\": [{\"shortSide\": 480, \"bitrate\": 5}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("unknown key 'rungs[0].bitrate'");
        r = server.api("PUT", path, "{\"rungs\": [{\"shortSide\": 480, \"videoKbps\": 900, \"profile\": \"high10\"}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("'ladder.rungs[0].profile' must be one of");
        r = server.api("PUT", path, "{\"passthrough\": \"maybe\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("'passthrough' must be true or false");
        r = server.api("PUT", path, "{\"rungs\": ");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("invalid_json");
        r = server.api("PUT", path, "[1]");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("the ladder must be an object");
        assertThat(server.api("PUT", "/api/v1/streams/nope/ladder", "{}").statusCode()).isEqualTo(404);
        assertThat(server.api("POST", path, "{}").statusCode()).isEqualTo(405);
        // Nothing was changed by the refusals.
        assertThat(TestServer.JSON.readTree(server.api("GET", path, null).body()).get("custom").asBoolean()).isFalse();

        r = server.api("PUT", path, "{\"maxLagMs\": 3000, \"rungs\": [{\"shortSide\": 360, \"videoKbps\": 500}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        server.close();
        server = new TestServer(dir.resolve("data"), Map.of("CUECAST_LADDER_ENABLED", "true"));
        JsonNode after = TestServer.JSON.readTree(server.api("GET", path, null).body());
        assertThat(after.get("custom").asBoolean()).isTrue();
        assertThat(after.at("/ladder/maxLagMs").asInt()).isEqualTo(3000);
        assertThat(after.at("/ladder/rungs/0/shortSide").asInt()).isEqualTo(360);
        assertThat(after.at("/ladder/rungs").size()).isEqualTo(1);
        r = server.api("DELETE", path, null);
        assertThat(TestServer.JSON.readTree(r.body()).get("custom").asBoolean()).isFalse();
        assertThat(TestServer.JSON.readTree(r.body()).at("/ladder/rungs").size()).isEqualTo(3);
    }
}
