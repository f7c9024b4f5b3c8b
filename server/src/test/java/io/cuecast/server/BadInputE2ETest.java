package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.cuecast.core.media.Bytes;
import io.cuecast.ingest.rtmp.RtmpConnection;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Hostile RTMP input over real sockets while ffmpeg publishes a stream: each bad connection is closed
 * with a log line naming the violation, and the live stream keeps going.
 */
class BadInputE2ETest {
    @TempDir
    Path dir;
    TestServer server;
    ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(dir.resolve("data"), Map.of("CUECAST_HLS_WINDOW_SEGMENTS", "20",
                "CUECAST_RTMP_MAX_MESSAGE_BYTES", "1048576"));
        logs.start();
        ((Logger) LoggerFactory.getLogger(RtmpConnection.class)).addAppender(logs);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(RtmpConnection.class)).detachAppender(logs);
        server.close();
    }

    /** Connects, optionally completes a simple handshake, sends {@code bytes}; true when the server closed. */
    boolean sendAndExpectClose(boolean handshake, byte[] bytes, boolean closeOurSide) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.server.rtmpPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            if (handshake) {
                out.write(3);
                out.write(new byte[1536]);
                out.flush();
                in.readNBytes(1 + 1536 + 1536);
                out.write(new byte[1536]);
            }
            out.write(bytes);
            out.flush();
            if (closeOurSide) {
                return true;
            }
            try {
                while (in.read() >= 0) {
                    // drain until the server closes
                }
                return true;
            } catch (SocketException reset) {
                return true;
            } catch (SocketTimeoutException stillOpen) {
                return false;
            }
        }
    }

    static byte[] hex(String h) {
        return Bytes.ofHex(h).toArray();
    }

    @Test
    void hostileConnectionsCloseAloneWhileAStreamKeepsGoing() throws Exception {
        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        Process ffmpeg = MediaTools.publish(MediaTools.fixture(8, 640, 360), server.rtmp(stream.get("streamKey").asText()));
        await().atMost(Duration.ofSeconds(15)).until(() -> server.stream(id).get("live").asBoolean());

        // A truncated handshake: half of C1, then we hang up.
        byte[] partial = new byte[1 + 700];
        partial[0] = 3;
        // We hang up ourselves: what shows the server saw it is its log line, checked below (the
        // review found this line asserting a value that was always true).
        sendAndExpectClose(false, partial, true);
        assertThat(sendAndExpectClose(true, hex("02 000000 000004 01 00000000 00000000"), false))
                .as("chunk size 0").isTrue();
        assertThat(sendAndExpectClose(true, hex("02 000000 000004 01 00000000 01000001"), false))
                .as("chunk size above 16 MiB").isTrue();
        assertThat(sendAndExpectClose(true, hex("03 000000 fffff0 14 00000000"), false))
                .as("message length far beyond the limit").isTrue();
        assertThat(sendAndExpectClose(true, hex("03 000000 00000b 14 00000000 0a6c6c6c6c 0a6c6c6c6c 00"), false))
                .as("AMF0 strict array claiming 0x6c6c6c6c elements").isTrue();
        assertThat(sendAndExpectClose(false, hex("06 0000"), false)).as("RTMPE version byte").isTrue();

        await().atMost(Duration.ofSeconds(5)).until(() -> messages().stream()
                .filter(m -> m.contains("truncated handshake")).count() == 1);
        assertThat(messages()).anyMatch(m -> m.contains("protocol violation") && m.contains("Set Chunk Size 0 out of range"))
                .anyMatch(m -> m.contains("Set Chunk Size 16777217 out of range"))
                .anyMatch(m -> m.contains("message length 16777200 exceeds the limit of 1048576"))
                .anyMatch(m -> m.contains("strict array claims 1819044972 elements"))
                .anyMatch(m -> m.contains("C0 version 6"));

        // The publisher was never disturbed: it finishes and every segment is there.
        assertThat(server.stream(id).get("live").asBoolean()).isTrue();
        assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ffmpeg.exitValue()).isZero();
        await().atMost(Duration.ofSeconds(15)).until(() ->
                server.get(server.http("/hls/" + id + "/source/index.m3u8")).body().contains("#EXT-X-ENDLIST"));
        String playlist = server.get(server.http("/hls/" + id + "/source/index.m3u8")).body();
        assertThat(playlist.lines().filter(l -> l.startsWith("#EXTINF:")).count()).isEqualTo(4);
        assertThat(server.get(server.admin("/metrics")).body()).contains("cuecast_rtmp_violations_total 5.0");
    }

    @Test
    void unknownCommandsAreNotViolations() throws Exception {
        // connect, then a vendor command with a transaction id: an _error reply, the connection stays.
        byte[] connect = io.cuecast.rtmp.Amf0Writer.encode("connect", 1.0, Map.of("app", "live"));
        byte[] vendor = io.cuecast.rtmp.Amf0Writer.encode("larixPing", 2.0, null);
        byte[] wire = concat(hex("03 000000" + String.format("%06x", connect.length) + "14 00000000"), connect,
                hex("03 000000" + String.format("%06x", vendor.length) + "14 00000000"), vendor);
        assertThat(sendAndExpectClose(true, wire, false)).as("connection stays open").isFalse();
        assertThat(messages()).noneMatch(m -> m.contains("violation"));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    List<String> messages() {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}
