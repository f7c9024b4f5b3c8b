package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
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
 * The attacks of the security review (issue 10 §1) over real sockets against a real server with its
 * production message limit (8 MiB): unauthenticated connections that declare huge messages, more
 * connections than the caps allow, and peers that stall in the handshake. The server stays up,
 * memory stays bounded, and a real ffmpeg publisher goes live afterwards.
 */
class RtmpAbuseE2ETest {
    /** Heap growth allowed for 30 attacking connections (each may hold 64 KiB of partial messages: 1.9 MiB). */
    static final long HEAP_BOUND = 32L * 1024 * 1024;
    /** RSS growth allowed: the heap bound plus room for Netty's buffers and thread stacks. */
    static final long RSS_BOUND = 128L * 1024 * 1024;

    @TempDir
    Path dir;
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Opens a connection and completes the simple handshake (Adobe RTMP 1.0 §5.2). */
    Socket handshaken() throws IOException {
        Socket s = new Socket("127.0.0.1", server.server.rtmpPort());
        s.setSoTimeout(5000);
        OutputStream out = s.getOutputStream();
        out.write(3);
        out.write(new byte[1536]);
        out.flush();
        byte[] reply = s.getInputStream().readNBytes(1 + 1536 + 1536);
        if (reply.length != 3073) {
            throw new IOException("handshake answered with " + reply.length + " bytes");
        }
        out.write(new byte[1536]);
        out.flush();
        return s;
    }

    /**
     * 63 chunk streams each declaring an 8 MiB video message and sending its first 128 bytes, then a
     * complete Window Acknowledgement Size on the 64th (chunk stream 2): that one is read only after
     * all the rest, and the server counts received bytes per complete message.
     */
    static byte[] declaredHugeMessages() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int length = 8 * 1024 * 1024;
        for (int csid = 3; csid < 3 + 63; csid++) {
            if (csid < 64) {
                b.write(csid);
            } else {
                b.write(0);
                b.write(csid - 64);
            }
            b.writeBytes(new byte[] {0, 0, 0, (byte) (length >>> 16), (byte) (length >>> 8), (byte) length, 9, 1, 0, 0, 0});
            b.writeBytes(new byte[128]);
        }
        b.writeBytes(new byte[] {2, 0, 0, 0, 0, 0, 4, 5, 0, 0, 0, 0, 0, 0x4c, 0x4b, 0x40});
        return b.toByteArray();
    }



    /** True when the server closed the socket within the read timeout. */
    static boolean closedByServer(Socket s) throws IOException {
        try {
            return s.getInputStream().read(new byte[4096]) < 0 || closedByServer(s);
        } catch (SocketException reset) {
            return true;
        } catch (SocketTimeoutException open) {
            return false;
        }
    }

    @Test
    void thirtyConnectionsDeclaringHugeMessagesHoldKilobytesAndAPublisherStillGoesLive() throws Exception {
        // Caps wide enough to let every attacker in: this test is about what an admitted connection costs.
        server = new TestServer(dir.resolve("data"), Map.of("CUECAST_RTMP_MAX_CONNECTIONS_PER_ADDRESS", "100"));
        long heapBefore = MemoryProbe.heapUsed();
        long rssBefore = MemoryProbe.rss();
        byte[] attack = declaredHugeMessages();
        List<Socket> attackers = new ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                Socket s = handshaken();
                s.getOutputStream().write(attack);
                s.getOutputStream().flush();
                attackers.add(s);
            }
            // Every attacker's bytes have been read once the server has counted them all.
            await().atMost(Duration.ofSeconds(10)).until(() -> server.get(server.admin("/metrics")).body()
                    .lines().anyMatch(l -> l.startsWith("cuecast_rtmp_received_bytes_total")
                            && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) >= 30.0 * attack.length));
            long heapGrowth = MemoryProbe.heapUsed() - heapBefore;
            long rssGrowth = MemoryProbe.rss() - rssBefore;
            System.out.printf("30 attackers: heap +%d KiB, RSS +%d KiB%n", heapGrowth / 1024, rssGrowth / 1024);
            assertThat(heapGrowth).as("heap growth with 30 attackers connected").isLessThan(HEAP_BOUND);
            assertThat(rssGrowth).as("RSS growth with 30 attackers connected").isLessThan(RSS_BOUND);
            for (Socket s : attackers) {
                assertThat(s.isClosed()).isFalse();
            }
        } finally {
            for (Socket s : attackers) {
                s.close();
            }
        }

        JsonNode stream = server.createStream();
        String id = stream.get("id").asText();
        Process ffmpeg = MediaTools.publish(MediaTools.fixture(4, 640, 360), server.rtmp(stream.get("streamKey").asText()));
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> server.stream(id).get("live").asBoolean());
            assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(ffmpeg.exitValue()).isZero();
        } finally {
            ffmpeg.destroyForcibly();
        }
    }

    @Test
    void connectionsPastThePerAddressAndTotalCapsAreClosedAtAccept() throws Exception {
        server = new TestServer(dir.resolve("data"), Map.of("CUECAST_RTMP_MAX_CONNECTIONS_PER_ADDRESS", "3",
                "CUECAST_RTMP_MAX_CONNECTIONS", "5"));
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                held.add(handshaken());
            }
            // The fourth from 127.0.0.1 is over the per-address cap.
            try (Socket fourth = new Socket("127.0.0.1", server.server.rtmpPort())) {
                fourth.setSoTimeout(5000);
                assertThat(closedByServer(fourth)).isTrue();
            }
            // Another loopback address is another remote address: it gets in until the total cap.
            for (int i = 0; i < 2; i++) {
                Socket s = new Socket("127.0.0.1", server.server.rtmpPort(), java.net.InetAddress.getByName("127.0.0.2"), 0);
                s.setSoTimeout(2000);
                held.add(s);
                assertThat(closedByServer(s)).as("connection %d from 127.0.0.2", i).isFalse();
            }
            try (Socket sixth = new Socket("127.0.0.1", server.server.rtmpPort(), java.net.InetAddress.getByName("127.0.0.3"), 0)) {
                sixth.setSoTimeout(5000);
                assertThat(closedByServer(sixth)).as("over rtmp.maxConnections").isTrue();
            }
            assertThat(server.get(server.admin("/metrics")).body())
                    .contains("cuecast_rtmp_connections_refused_total{reason=\"max_connections_per_address\"} 1.0")
                    .contains("cuecast_rtmp_connections_refused_total{reason=\"max_connections\"} 1.0");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        // Closed connections give their places back.
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            try (Socket s = handshaken()) {
                s.setSoTimeout(1000);
                return !closedByServer(s);
            } catch (IOException refused) {
                return false;
            }
        });
    }

    @Test
    void aPeerThatNeverFinishesTheHandshakeIsClosedAtTheHandshakeDeadline() throws Exception {
        server = new TestServer(dir.resolve("data"), Map.of("CUECAST_RTMP_HANDSHAKE_TIMEOUT_MS", "500",
                "CUECAST_RTMP_CONNECT_TIMEOUT_MS", "500", "CUECAST_RTMP_PUBLISH_TIMEOUT_MS", "5000"));
        try (Socket slow = new Socket("127.0.0.1", server.server.rtmpPort())) {
            slow.setSoTimeout(4000);
            slow.getOutputStream().write(new byte[] {3, 0, 0}); // C0 and two bytes of C1, then nothing
            long start = System.nanoTime();
            assertThat(closedByServer(slow)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
        try (Socket idle = handshaken()) {
            idle.setSoTimeout(4000);
            long start = System.nanoTime();
            assertThat(closedByServer(idle)).as("no connect after the handshake").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
        assertThat(server.get(server.admin("/metrics")).body())
                .contains("cuecast_rtmp_deadline_missed_total{phase=\"handshake\"} 1.0")
                .contains("cuecast_rtmp_deadline_missed_total{phase=\"connect\"} 1.0");
    }
}
