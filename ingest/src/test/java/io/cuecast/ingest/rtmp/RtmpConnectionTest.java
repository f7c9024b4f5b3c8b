package io.cuecast.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuecast.config.CuecastConfig;
import io.cuecast.core.hub.HubRegistry;
import io.cuecast.core.hub.StreamHub;
import io.cuecast.core.hub.StreamState;
import io.cuecast.core.media.Bytes;
import io.cuecast.ingest.PublishAuthorizer;
import io.cuecast.rtmp.Amf0;
import io.cuecast.rtmp.Amf0Reader;
import io.cuecast.rtmp.Amf0Writer;
import io.cuecast.rtmp.ChunkDecoder;
import io.cuecast.rtmp.ChunkEncoder;
import io.cuecast.rtmp.HandshakeHandler;
import io.cuecast.rtmp.RtmpMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The publish command sequence against the connection handler, socket-free. */
class RtmpConnectionTest {
    static final String KEY = "sk_good";
    private HubRegistry hubs;
    private RtmpMetrics metrics;
    private final CuecastConfig.Rtmp settings = new CuecastConfig.Rtmp("127.0.0.1", 0, "live", 1 << 20, 4096, 5_000, 5_000, 10_000, 20_000, 100, 20);
    private PublishAuthorizer authorizer = key -> KEY.equals(key) ? Optional.of("stream1") : Optional.empty();
    private int maxLive = Integer.MAX_VALUE;

    @BeforeEach
    void setUp() {
        hubs = new HubRegistry();
        metrics = new RtmpMetrics(new SimpleMeterRegistry());
    }

    private final List<Peer> peers = new ArrayList<>();

    /** What the peers' channels still hold is released: left alone, it fails the class as a leak. */
    @org.junit.jupiter.api.AfterEach
    void releaseChannels() {
        for (Peer p : peers) {
            p.server.finishAndReleaseAll();
            p.clientDecoder.finishAndReleaseAll();
        }
    }

    /** Both ends of one connection: our encoder in front of the server pipeline, a decoder behind it. */
    final class Peer {
        {
            peers.add(this);
        }

        final EmbeddedChannel server = new EmbeddedChannel(new ChunkDecoder(settings.maxMessageBytes()),
                new ChunkEncoder(), new RtmpConnection(settings, authorizer, hubs, metrics, maxLive));
        final ChunkEncoder clientEncoder = new ChunkEncoder();
        final EmbeddedChannel clientDecoder = new EmbeddedChannel(new ChunkDecoder(1 << 24));

        void send(int csid, int streamId, int type, long ts, byte[] payload) {
            ByteBuf buf = Unpooled.buffer();
            clientEncoder.encode(new RtmpMessage(csid, ts, type, streamId, Bytes.wrap(payload)), buf);
            server.writeInbound(buf);
        }

        void command(int streamId, Object... values) {
            send(3, streamId, RtmpMessage.COMMAND_AMF0, 0, Amf0Writer.encode(values));
        }

        /** Every message the server sent so far. */
        List<RtmpMessage> replies() {
            for (ByteBuf b; (b = server.readOutbound()) != null; ) {
                clientDecoder.writeInbound(b);
            }
            List<RtmpMessage> out = new ArrayList<>();
            for (RtmpMessage m; (m = clientDecoder.readInbound()) != null; ) {
                out.add(m);
            }
            return out;
        }

        List<List<Object>> commandReplies() {
            return replies().stream().filter(m -> m.typeId() == RtmpMessage.COMMAND_AMF0)
                    .map(m -> new Amf0Reader(m.payload().toArray()).readAll()).toList();
        }

        void connectAndCreateStream() {
            command(0, "connect", 1.0, Map.of("app", "live", "tcUrl", "rtmp://127.0.0.1/live"));
            command(0, "releaseStream", 2.0, null, KEY);
            command(0, "FCPublish", 3.0, null, KEY);
            command(0, "createStream", 4.0, null);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> info(List<Object> reply) {
        return (Map<String, Object>) reply.get(reply.size() - 1);
    }

    @Test
    void ffmpegPublishSequenceGetsTheRightReplies() {
        Peer p = new Peer();
        p.connectAndCreateStream();
        List<RtmpMessage> control = p.replies();
        assertThat(control).extracting(RtmpMessage::typeId).startsWith(
                RtmpMessage.WINDOW_ACK_SIZE, RtmpMessage.SET_PEER_BANDWIDTH, RtmpMessage.SET_CHUNK_SIZE,
                RtmpMessage.COMMAND_AMF0);
        List<List<Object>> cmds = control.stream().filter(m -> m.typeId() == RtmpMessage.COMMAND_AMF0)
                .map(m -> new Amf0Reader(m.payload().toArray()).readAll()).toList();
        assertThat(cmds.get(0).get(0)).isEqualTo("_result");
        assertThat(cmds.get(0).get(1)).isEqualTo(1.0);
        assertThat(info(cmds.get(0))).containsEntry("code", "NetConnection.Connect.Success");
        assertThat(cmds.get(1)).containsExactly("_result", 2.0, null, Amf0.UNDEFINED);
        assertThat(cmds.get(2)).containsExactly("_result", 3.0, null, Amf0.UNDEFINED);
        assertThat(cmds.get(3)).containsExactly("_result", 4.0, null, 1.0);

        p.command(1, "publish", 5.0, null, KEY, "live");
        List<RtmpMessage> afterPublish = p.replies();
        assertThat(afterPublish.get(0).typeId()).isEqualTo(RtmpMessage.USER_CONTROL); // StreamBegin
        List<Object> status = new Amf0Reader(afterPublish.get(1).payload().toArray()).readAll();
        assertThat(status.get(0)).isEqualTo("onStatus");
        assertThat(info(status)).containsEntry("code", "NetStream.Publish.Start").containsEntry("level", "status");
        assertThat(afterPublish.get(1).messageStreamId()).isEqualTo(1);
        StreamHub hub = hubs.get("stream1").orElseThrow();

        p.command(0, "FCUnpublish", 6.0, null, KEY);
        p.command(0, "deleteStream", 7.0, null, 1.0);
        assertThat(hub.state()).isEqualTo(StreamState.DELETED);
        assertThat(hubs.get("stream1")).isEmpty();
        assertThat(p.server.isActive()).isTrue();
    }

    @Test
    void wrongKeyGetsBadNameAndTheConnectionCloses() {
        Peer p = new Peer();
        p.connectAndCreateStream();
        p.replies();
        p.command(1, "publish", 5.0, null, "sk_wrong", "live");
        List<List<Object>> replies = p.commandReplies();
        assertThat(info(replies.get(0))).containsEntry("code", "NetStream.Publish.BadName")
                .containsEntry("level", "error");
        p.server.runPendingTasks();
        assertThat(p.server.isOpen()).isFalse();
        assertThat(hubs.size()).isZero();
    }

    @Test
    void aSecondPublishWithTheKeyTakesOverAndClosesTheFirst() {
        Peer first = new Peer();
        first.connectAndCreateStream();
        first.command(1, "publish", 5.0, null, KEY + "?token=x", "live"); // query strings are ignored
        StreamHub stale = hubs.get("stream1").orElseThrow();
        Peer second = new Peer();
        second.connectAndCreateStream();
        second.replies();
        second.command(1, "publish", 5.0, null, KEY, "live");
        assertThat(second.commandReplies()).anySatisfy(r -> assertThat(info(r)).containsEntry("code", "NetStream.Publish.Start"));
        assertThat(second.server.isOpen()).isTrue();
        first.server.runPendingTasks();
        assertThat(first.server.isOpen()).isFalse();
        assertThat(stale.state()).isEqualTo(StreamState.DELETED);
        assertThat(hubs.get("stream1")).get().isNotSameAs(stale);
        assertThat(hubs.get("stream1").get().state()).isNotEqualTo(StreamState.DELETED);
    }

    @Test
    void unknownAppIsRejected() {
        Peer p = new Peer();
        p.command(0, "connect", 1.0, Map.of("app", "other"));
        List<List<Object>> replies = p.commandReplies();
        assertThat(replies.get(0).get(0)).isEqualTo("_error");
        assertThat(info(replies.get(0))).containsEntry("code", "NetConnection.Connect.Rejected");
        assertThat(p.server.isOpen()).isFalse();
    }

    @Test
    void unknownCommandGetsErrorAndConnectionStays() {
        Peer p = new Peer();
        p.connectAndCreateStream();
        p.replies();
        p.command(0, "getStreamLength", 9.0, null, "x");
        p.command(0, "vendorNotification", 0.0, null); // transaction 0: no reply expected
        List<List<Object>> replies = p.commandReplies();
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0).get(0)).isEqualTo("_error");
        assertThat(replies.get(0).get(1)).isEqualTo(9.0);
        assertThat(p.server.isOpen()).isTrue();
        assertThat(metrics.violations()).isZero();
    }

    @Test
    void playIsRefusedClearly() {
        Peer p = new Peer();
        p.connectAndCreateStream();
        p.replies();
        p.command(1, "play", 5.0, null, "anything");
        assertThat(info(p.commandReplies().get(0))).containsEntry("code", "NetStream.Play.Failed");
        assertThat(p.server.isOpen()).isFalse();
        assertThat(metrics.violations()).isZero();
    }

    @Test
    void pingRequestIsAnswered() {
        Peer p = new Peer();
        p.connectAndCreateStream();
        p.replies();
        p.send(2, 0, RtmpMessage.USER_CONTROL, 0, Bytes.ofHex("0006 0000abcd").toArray());
        List<RtmpMessage> replies = p.replies();
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0).payload()).isEqualTo(Bytes.ofHex("0007 0000abcd"));
    }

    @Test
    void acknowledgesAfterThePeersWindow() {
        Peer p = new Peer();
        p.send(2, 0, RtmpMessage.WINDOW_ACK_SIZE, 0, Bytes.ofHex("00000400").toArray()); // 1024 bytes
        p.connectAndCreateStream();
        p.replies();
        p.send(4, 0, RtmpMessage.DATA_AMF0, 0, new byte[2000]);
        assertThat(p.replies()).extracting(RtmpMessage::typeId).contains(RtmpMessage.ACKNOWLEDGEMENT);
    }

    @Test
    void violationsCloseOnlyThatConnection() {
        Peer good = new Peer();
        good.connectAndCreateStream();
        good.command(1, "publish", 5.0, null, KEY, "live");
        for (String hex : List.of(
                "02 000000 000004 01 00000000 00000000", // chunk size 0
                "02 000000 000004 01 00000000 01000001", // chunk size above 16 MiB
                "03 000000 fffff0 14 00000000", // message length far beyond the limit
                "03 000000 00000b 14 00000000 0a6c6c6c6c 0a6c6c6c6c 00")) { // red5's strict array
            Peer bad = new Peer();
            bad.server.writeOneInbound(Unpooled.wrappedBuffer(Bytes.ofHex(hex).toArray()));
            bad.server.runPendingTasks();
            assertThat(bad.server.isOpen()).as(hex).isFalse();
        }
        assertThat(metrics.violations()).isEqualTo(4);
        assertThat(good.server.isOpen()).isTrue();
        assertThat(hubs.get("stream1")).isPresent();
    }

    /** Each phase before publishing has its own deadline (the review's M7/C1: one 10 s window for all). */
    @Test
    void aPeerThatStallsAfterTheHandshakeIsClosedAtTheConnectDeadline() {
        Peer p = new Peer();
        p.server.pipeline().fireUserEventTriggered(HandshakeHandler.HandshakeCompleted.INSTANCE);
        p.server.advanceTimeBy(settings.connectTimeoutMs() - 100, TimeUnit.MILLISECONDS);
        p.server.runScheduledPendingTasks();
        assertThat(p.server.isOpen()).isTrue();
        p.server.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        p.server.runScheduledPendingTasks();
        assertThat(p.server.isOpen()).as("closed " + settings.connectTimeoutMs() + " ms after the handshake").isFalse();
    }

    @Test
    void aConnectedPeerHasThePublishDeadlineFromConnect() {
        Peer p = new Peer();
        p.server.pipeline().fireUserEventTriggered(HandshakeHandler.HandshakeCompleted.INSTANCE);
        p.server.advanceTimeBy(settings.connectTimeoutMs() - 100, TimeUnit.MILLISECONDS);
        p.connectAndCreateStream();
        // Past the connect deadline, inside the publish one: still open.
        p.server.advanceTimeBy(settings.publishTimeoutMs() - 100, TimeUnit.MILLISECONDS);
        p.server.runScheduledPendingTasks();
        assertThat(p.server.isOpen()).isTrue();
        p.server.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        p.server.runScheduledPendingTasks();
        assertThat(p.server.isOpen()).isFalse();
    }

    @Test
    void aPublishingPeerHasNoDeadline() {
        Peer p = new Peer();
        p.connectAndCreateStream();
        p.command(1, "publish", 5.0, null, KEY, "live");
        p.server.advanceTimeBy(settings.publishTimeoutMs() + settings.handshakeTimeoutMs() + 1000, TimeUnit.MILLISECONDS);
        p.server.runScheduledPendingTasks();
        assertThat(p.server.isOpen()).isTrue();
    }

    /** Review L1: AMF0 commands were parsed from messages up to rtmp.maxMessageBytes. */
    @Test
    void aCommandLargerThan64KiBIsAViolation() {
        Peer p = new Peer();
        p.connectAndCreateStream();
        p.command(1, "publish", 5.0, null, KEY, "live");
        p.replies();
        byte[] big = Amf0Writer.encode("onMetaData", "x".repeat(60_000), "y".repeat(10_000));
        p.send(4, 1, RtmpMessage.DATA_AMF0, 0, big);
        p.server.runPendingTasks();
        assertThat(p.server.isOpen()).isFalse();
        assertThat(metrics.violations()).isEqualTo(1);
    }

    /** Issue 10 §8: over the memory budget a new stream is refused cleanly; a reconnect never is. */
    @Test
    void aNewStreamBeyondTheLiveBoundIsRejectedButATakeoverIsNot() {
        authorizer = key -> key.startsWith("sk_") ? Optional.of(key.substring(3)) : Optional.empty();
        maxLive = 1;
        Peer first = new Peer();
        first.connectAndCreateStream();
        first.command(1, "publish", 5.0, null, "sk_a", "live");
        Peer second = new Peer();
        second.connectAndCreateStream();
        second.replies();
        second.command(1, "publish", 5.0, null, "sk_b", "live");
        assertThat(info(second.commandReplies().get(0))).containsEntry("code", "NetStream.Publish.Rejected");
        second.server.runPendingTasks();
        assertThat(second.server.isOpen()).isFalse();
        assertThat(hubs.get("b")).isEmpty();
        Peer again = new Peer();
        again.connectAndCreateStream();
        again.replies();
        again.command(1, "publish", 5.0, null, "sk_a", "live");
        assertThat(again.commandReplies()).anySatisfy(r -> assertThat(info(r)).containsEntry("code", "NetStream.Publish.Start"));
    }

    /** Issue 12: a cue another Cuecast pushed as onCuePoint enters this hub's cue track at its time. */
    @Test
    void anOnCuePointFromCuecastBecomesACueOnTheHub() {
        Peer p = new Peer();
        p.connectAndCreateStream();
        p.command(1, "publish", 5.0, null, KEY, "live");
        StreamHub hub = hubs.get("stream1").orElseThrow();
        List<io.cuecast.core.media.Packet> cues = new ArrayList<>();
        hub.attach("cues", new io.cuecast.core.hub.StreamReader() {
            @Override
            public void onTracks(List<io.cuecast.core.media.Track> tracks) {
            }

            @Override
            public void onPacket(io.cuecast.core.media.Packet packet) {
                if (packet.trackId() == io.cuecast.core.cue.CueTrack.ID) {
                    cues.add(packet);
                }
            }

            @Override
            public void onEnd() {
            }
        }, Runnable::run, 100);
        // Metadata announcing audio alone, then its config: the hub is prepared (cues wait for that like media).
        p.send(5, 1, RtmpMessage.DATA_AMF0, 0, Amf0Writer.encode("@setDataFrame", "onMetaData",
                Map.of("audiocodecid", 10.0)));
        p.send(4, 1, RtmpMessage.AUDIO, 0, Bytes.ofHex("af00 1190").toArray());
        String json = "{\"id\":\"cue_1\",\"type\":\"custom\",\"data\":{\"n\":1}}";
        Map<String, Object> params = new java.util.LinkedHashMap<>();
        params.put("cue", json);
        Map<String, Object> point = new java.util.LinkedHashMap<>();
        point.put("name", "cuecast");
        point.put("time", 1.5);
        point.put("type", "event");
        point.put("parameters", params);
        p.send(5, 1, RtmpMessage.DATA_AMF0, 1500, Amf0Writer.encode("onCuePoint", point));
        // Not ours, or not a cue: ignored.
        point.put("name", "someone-else");
        p.send(5, 1, RtmpMessage.DATA_AMF0, 1600, Amf0Writer.encode("onCuePoint", point));
        point.put("name", "cuecast");
        params.put("cue", "{not json");
        p.send(5, 1, RtmpMessage.DATA_AMF0, 1700, Amf0Writer.encode("onCuePoint", point));
        assertThat(cues).singleElement().satisfies(c -> {
            assertThat(c.pts()).isEqualTo(1500);
            assertThat(new String(c.payload().toArray(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(json);
        });
        assertThat(p.server.isOpen()).isTrue();
    }
}
