package io.cuecast.ingest.rtmp;

import io.cuecast.config.CuecastConfig;
import io.cuecast.core.hub.HubRegistry;
import io.cuecast.core.hub.Publisher;
import io.cuecast.core.media.Bytes;
import io.cuecast.ingest.PublishAuthorizer;
import io.cuecast.ingest.PublishSession;
import io.cuecast.rtmp.Amf0;
import io.cuecast.rtmp.Amf0Reader;
import io.cuecast.rtmp.Amf0Writer;
import io.cuecast.rtmp.ChunkDecoder;
import io.cuecast.rtmp.HandshakeHandler;
import io.cuecast.rtmp.RtmpLimits;
import io.cuecast.rtmp.RtmpMessage;
import io.cuecast.rtmp.RtmpProtocolException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTMP connection after the handshake: the NetConnection/NetStream command sequence of a
 * publisher (Adobe RTMP 1.0 §7.2), protocol control messages, and FLV media handed to
 * {@link FlvIngest}. Everything runs on the connection's event loop.
 */
public final class RtmpConnection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RtmpConnection.class);
    /** Chunk streams we send on: protocol control (§5.4 requires 2), commands, stream status. */
    private static final int CSID_CONTROL = 2;
    private static final int CSID_COMMAND = 3;
    private static final int CSID_STREAM = 5;
    /** The one message stream createStream hands out. */
    private static final int STREAM_ID = 1;
    /** Window acknowledgement size we announce, as nginx-rtmp and SRS do. */
    private static final int WINDOW_ACK_SIZE = 5_000_000;

    private final CuecastConfig.Rtmp settings;
    private final PublishAuthorizer authorizer;
    private final HubRegistry hubs;
    private final RtmpMetrics metrics;
    private ChannelHandlerContext ctx;
    private boolean handshakeDone;
    private boolean violated;
    private String app;
    private PublishSession session;
    private FlvIngest ingest;
    private long peerWindow;
    private long lastAckAt;
    private long countedBytes;
    /** The deadline of the phase the connection is in (handshake, connect, publish); none once publishing. */
    private ScheduledFuture<?> deadline;
    private ChunkDecoder decoder;

    private final int maxLiveStreams;

    RtmpConnection(CuecastConfig.Rtmp settings, PublishAuthorizer authorizer, HubRegistry hubs, RtmpMetrics metrics) {
        this(settings, authorizer, hubs, metrics, Integer.MAX_VALUE);
    }

    RtmpConnection(CuecastConfig.Rtmp settings, PublishAuthorizer authorizer, HubRegistry hubs, RtmpMetrics metrics,
                   int maxLiveStreams) {
        this.maxLiveStreams = maxLiveStreams;
        this.settings = settings;
        this.authorizer = authorizer;
        this.hubs = hubs;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        metrics.connectionOpened();
        armDeadline("handshake", settings.handshakeTimeoutMs());
        super.channelActive(ctx);
    }

    /**
     * Each phase before publishing has its own deadline, so a peer that stalls in one phase is gone
     * after that phase's time, not after the sum of all of them.
     */
    private void armDeadline(String awaited, int ms) {
        if (deadline != null) {
            deadline.cancel(false);
        }
        deadline = ctx.executor().schedule(() -> {
            if (session == null && ctx.channel().isOpen()) {
                metrics.deadlineMissed(awaited);
                log.info("rtmp {}: closing, no {} within {} ms", remote(), awaited, ms);
                ctx.close();
            }
        }, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        metrics.connectionClosed();
        if (!handshakeDone && !violated) {
            log.info("rtmp {}: connection closed before the handshake completed (truncated handshake)", remote());
        }
        if (deadline != null) {
            deadline.cancel(false);
        }
        unpublish("connection closed");
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == HandshakeHandler.HandshakeCompleted.INSTANCE) {
            handshakeDone = true;
            armDeadline("connect", settings.connectTimeoutMs());
        } else if (evt instanceof IdleStateEvent) {
            log.info("rtmp {}: nothing received for {} ms, closing", remote(), settings.idleTimeoutMs());
            ctx.close();
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof RtmpProtocolException) {
            violated = true;
            metrics.violation();
            log.warn("rtmp {}: protocol violation, closing connection: {}", remote(), root.getMessage());
        } else if (root instanceof IOException) {
            log.info("rtmp {}: {}", remote(), root.getMessage());
        } else {
            log.error("rtmp {}: unexpected error, closing connection", remote(), root);
        }
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof RtmpMessage m)) {
            ctx.fireChannelRead(msg);
            return;
        }
        acknowledge();
        if (isCommandOrData(m.typeId()) && m.payload().length() > RtmpLimits.MAX_COMMAND_BYTES) {
            // Commands and metadata are a few hundred bytes; AMF0 parsing amplifies what it is fed.
            throw new RtmpProtocolException("command or data message of " + m.payload().length()
                    + " bytes, more than " + RtmpLimits.MAX_COMMAND_BYTES);
        }
        switch (m.typeId()) {
            case RtmpMessage.AUDIO -> {
                if (ingest != null && m.messageStreamId() == STREAM_ID) {
                    ingest.onAudio(m.timestamp(), m.payload());
                }
            }
            case RtmpMessage.VIDEO -> {
                if (ingest != null && m.messageStreamId() == STREAM_ID) {
                    ingest.onVideo(m.timestamp(), m.payload());
                }
            }
            case RtmpMessage.COMMAND_AMF0 -> onCommand(m, new Amf0Reader(m.payload().unsafeArray()).readAll());
            case RtmpMessage.COMMAND_AMF3 -> onCommand(m, amf3Wrapped(m));
            case RtmpMessage.DATA_AMF0 -> onData(m.timestamp(), new Amf0Reader(m.payload().unsafeArray()).readAll());
            case RtmpMessage.DATA_AMF3 -> onData(m.timestamp(), amf3Wrapped(m));
            case RtmpMessage.WINDOW_ACK_SIZE -> {
                if (m.payload().length() >= 4) {
                    peerWindow = RtmpMessage.u32(m.payload(), 0);
                }
            }
            case RtmpMessage.USER_CONTROL -> onUserControl(m);
            default -> { } // set chunk size and abort are applied by the decoder; acks need nothing
        }
    }

    private static boolean isCommandOrData(int typeId) {
        return typeId == RtmpMessage.COMMAND_AMF0 || typeId == RtmpMessage.COMMAND_AMF3
                || typeId == RtmpMessage.DATA_AMF0 || typeId == RtmpMessage.DATA_AMF3;
    }

    /** AMF3 command/data messages that carry AMF0 after a 0x00 format byte (§7.1.1), as FMLE sends. */
    private static List<Object> amf3Wrapped(RtmpMessage m) {
        byte[] d = m.payload().unsafeArray();
        if (d.length == 0) {
            return List.of();
        }
        return new Amf0Reader(d, 1, d.length - 1).readAll();
    }

    private void acknowledge() {
        ChunkDecoder decoder = chunkDecoder();
        if (decoder == null) {
            return;
        }
        long total = decoder.bytesRead();
        long delta = total - countedBytes;
        countedBytes = total;
        metrics.bytesIn(delta);
        if (session != null) {
            session.hub().stats().addBytes(delta);
        }
        // §5.4.3: acknowledge each time the peer's window of bytes has been received.
        if (peerWindow > 0 && total - lastAckAt >= peerWindow) {
            lastAckAt = total;
            send(CSID_CONTROL, 0, RtmpMessage.ACKNOWLEDGEMENT, RtmpMessage.u32Bytes(total & 0xFFFFFFFFL));
        }
    }

    /** The connection's chunk decoder, looked up once: acknowledge() runs for every message. */
    private ChunkDecoder chunkDecoder() {
        if (decoder == null) {
            decoder = ctx.pipeline().get(ChunkDecoder.class);
        }
        return decoder;
    }

    private void onUserControl(RtmpMessage m) {
        Bytes p = m.payload();
        if (p.length() < 6) {
            return;
        }
        int event = (p.getUnsignedInt16(0));
        if (event == 6) { // §7.1.7 PingRequest → PingResponse with the same timestamp
            byte[] reply = {0, 7, (byte) p.getUnsigned(2), (byte) p.getUnsigned(3), (byte) p.getUnsigned(4),
                (byte) p.getUnsigned(5)};
            send(CSID_CONTROL, 0, RtmpMessage.USER_CONTROL, reply);
        }
    }

    private void onData(long timestamp, List<Object> values) {
        if (values.isEmpty() || ingest == null) {
            return;
        }
        // A product cue from another Cuecast's push relay: onCuePoint {name "cuecast", parameters {cue}}.
        if ("onCuePoint".equals(values.get(0)) && values.size() > 1 && values.get(1) instanceof Map<?, ?> point
                && "cuecast".equals(point.get("name")) && point.get("parameters") instanceof Map<?, ?> params
                && params.get("cue") instanceof String cue) {
            ingest.onCue(timestamp, cue);
            return;
        }
        // @setDataFrame("onMetaData", {...}) from the publisher, or a bare onMetaData.
        int i = "@setDataFrame".equals(values.get(0)) ? 1 : 0;
        if (values.size() > i + 1 && "onMetaData".equals(values.get(i)) && values.get(i + 1) instanceof Map<?, ?> meta) {
            ingest.onMetaData(meta);
        }
    }

    private void onCommand(RtmpMessage m, List<Object> values) {
        if (values.isEmpty() || !(values.get(0) instanceof String name)) {
            throw new RtmpProtocolException("command message without a command name");
        }
        double txn = values.size() > 1 && values.get(1) instanceof Double d ? d : 0;
        switch (name) {
            case "connect" -> onConnect(txn, values.size() > 2 ? values.get(2) : null);
            case "releaseStream", "FCPublish" -> {
                requireConnected(name);
                if (txn != 0) {
                    sendCommand(CSID_COMMAND, 0, "_result", txn, null, Amf0.UNDEFINED);
                }
            }
            case "createStream" -> {
                requireConnected(name);
                sendCommand(CSID_COMMAND, 0, "_result", txn, null, (double) STREAM_ID);
            }
            case "publish" -> onPublish(m, values);
            case "play" -> {
                // Players would otherwise wait for media that never comes: say so and hang up.
                log.info("rtmp {}: play refused, Cuecast serves viewers over HLS", remote());
                sendCommand(CSID_STREAM, STREAM_ID, "onStatus", 0.0, null, status("error", "NetStream.Play.Failed",
                        "Playback over RTMP is not supported; play the stream's HLS URL."))
                        .addListener(ChannelFutureListener.CLOSE);
            }
            case "FCUnpublish", "deleteStream", "closeStream" -> {
                unpublish("publisher sent " + name);
                if (txn != 0) {
                    sendCommand(CSID_COMMAND, 0, "_result", txn, null, Amf0.UNDEFINED);
                }
            }
            case "_result", "_error", "_checkbw", "onBWDone" -> { }
            default -> {
                // Not a violation: encoders send vendor commands (Larix, Wirecast, vMix).
                log.debug("rtmp {}: unknown command '{}' ignored", remote(), name);
                if (txn != 0) {
                    sendCommand(CSID_COMMAND, 0, "_error", txn, null, status("error", "NetConnection.Call.Failed",
                            "Method not found (" + name + ")."));
                }
            }
        }
    }

    private void requireConnected(String command) {
        if (app == null) {
            throw new RtmpProtocolException("'" + command + "' before 'connect'");
        }
    }

    private void onConnect(double txn, Object commandObject) {
        if (app != null) {
            throw new RtmpProtocolException("second 'connect' on one connection");
        }
        String requested = commandObject instanceof Map<?, ?> obj && obj.get("app") instanceof String a ? a : "";
        // OBS may send "live/" and some encoders append a query: compare the first path segment only.
        String appName = requested.split("[/?]", 2)[0];
        if (!settings.app().equals(appName)) {
            log.info("rtmp {}: connect to unknown app '{}' refused (expected '{}')", remote(), requested, settings.app());
            sendCommand(CSID_COMMAND, 0, "_error", txn, null, status("error", "NetConnection.Connect.Rejected",
                    "Unknown application '" + requested + "'; publish to rtmp://HOST/" + settings.app() + "."))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        app = appName;
        armDeadline("publish", settings.publishTimeoutMs());
        send(CSID_CONTROL, 0, RtmpMessage.WINDOW_ACK_SIZE, RtmpMessage.u32Bytes(WINDOW_ACK_SIZE));
        byte[] bw = new byte[5];
        System.arraycopy(RtmpMessage.u32Bytes(WINDOW_ACK_SIZE), 0, bw, 0, 4);
        bw[4] = 2; // dynamic limit type, §5.4.5
        send(CSID_CONTROL, 0, RtmpMessage.SET_PEER_BANDWIDTH, bw);
        send(CSID_CONTROL, 0, RtmpMessage.SET_CHUNK_SIZE, RtmpMessage.u32Bytes(settings.outChunkSize()));
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("fmsVer", "FMS/3,0,1,123");
        props.put("capabilities", 31.0);
        Map<String, Object> info = status("status", "NetConnection.Connect.Success", "Connection succeeded.");
        info.put("objectEncoding", 0.0);
        sendCommand(CSID_COMMAND, 0, "_result", txn, props, info);
    }

    private void onPublish(RtmpMessage m, List<Object> values) {
        requireConnected("publish");
        if (session != null) {
            throw new RtmpProtocolException("second 'publish' on one connection");
        }
        String raw = values.size() > 3 && values.get(3) instanceof String s ? s : "";
        String key = raw.split("\\?", 2)[0];
        Publisher publisher = Publisher.of("rtmp", remote(), ctx.executor(), reason -> {
            log.info("rtmp {}: closing, {}", remote(), reason);
            ctx.channel().close();
        });
        PublishSession.Outcome outcome = PublishSession.open(authorizer, hubs, key, publisher, maxLiveStreams);
        if (outcome.refusal() == PublishSession.Refusal.BAD_KEY) {
            metrics.rejected("bad_key");
            log.warn("rtmp {}: publish refused, unknown stream key", remote());
            refusePublish("Invalid stream key.");
            return;
        }
        if (outcome.refusal() == PublishSession.Refusal.OVER_CAPACITY) {
            metrics.rejected("over_capacity");
            log.warn("rtmp {}: publish to stream {} refused, the server carries its maximum of {} live streams",
                    remote(), outcome.streamId(), maxLiveStreams);
            sendCommand(CSID_STREAM, STREAM_ID, "onStatus", 0.0, null, status("error", "NetStream.Publish.Rejected",
                    "The server is at capacity (" + maxLiveStreams + " live streams); try again later."))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        session = outcome.session();
        ingest = new FlvIngest(session.hub());
        ChunkDecoder chunks = chunkDecoder();
        if (chunks != null) {
            // Media may now arrive: partial messages may hold up to one maximum message in total.
            chunks.heldLimit(settings.maxMessageBytes());
        }
        deadline.cancel(false);
        ctx.pipeline().addFirst("idle", new IdleStateHandler(settings.idleTimeoutMs(), 0, 0, TimeUnit.MILLISECONDS));
        // §7.1.7 StreamBegin, then onStatus NetStream.Publish.Start.
        send(CSID_CONTROL, 0, RtmpMessage.USER_CONTROL, new byte[] {0, 0, 0, 0, 0, STREAM_ID});
        sendCommand(CSID_STREAM, STREAM_ID, "onStatus", 0.0, null,
                status("status", "NetStream.Publish.Start", "Publishing " + session.streamId() + "."));
        log.info("rtmp {}: publishing stream {}", remote(), session.streamId());
    }

    private void refusePublish(String description) {
        sendCommand(CSID_STREAM, STREAM_ID, "onStatus", 0.0, null,
                status("error", "NetStream.Publish.BadName", description))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void unpublish(String reason) {
        if (session != null) {
            log.info("rtmp {}: stream {} unpublished ({})", remote(), session.streamId(), reason);
            session.release();
            session = null;
            ingest = null;
        }
    }

    private static Map<String, Object> status(String level, String code, String description) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("level", level);
        m.put("code", code);
        m.put("description", description);
        return m;
    }

    private ChannelFuture sendCommand(int csid, int streamId, Object... values) {
        return send(csid, streamId, RtmpMessage.COMMAND_AMF0, Amf0Writer.encode(values));
    }

    private ChannelFuture send(int csid, int streamId, int typeId, byte[] payload) {
        return ctx.writeAndFlush(new RtmpMessage(csid, 0, typeId, streamId, Bytes.wrap(payload)));
    }



    private String remote() {
        return ctx == null || ctx.channel().remoteAddress() == null ? "?" : ctx.channel().remoteAddress().toString();
    }
}
