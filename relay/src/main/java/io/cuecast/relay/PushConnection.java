package io.cuecast.relay;

import io.cuecast.core.media.Bytes;
import io.cuecast.rtmp.Amf0Reader;
import io.cuecast.rtmp.Amf0Writer;
import io.cuecast.rtmp.ChunkEncoder;
import io.cuecast.rtmp.HandshakeHandler;
import io.cuecast.rtmp.RtmpMessage;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The publishing client's command sequence on one connection (Adobe RTMP 1.0 §7.2.1.1 and §7.2.2.6,
 * as OBS and ffmpeg send it): {@code connect}, {@code releaseStream}, {@code FCPublish},
 * {@code createStream}, {@code publish}, until {@code onStatus NetStream.Publish.Start}. Then
 * {@link #send} writes media on the stream. Runs on the connection's event loop.
 */
final class PushConnection extends ChannelInboundHandlerAdapter {
    /** Chunk streams we send on. */
    static final int CSID_CONTROL = 2;
    static final int CSID_COMMAND = 3;
    static final int CSID_AUDIO = 4;
    static final int CSID_DATA = 5;
    static final int CSID_VIDEO = 6;
    /** Chunk size we announce: fewer chunk headers for video than the default 128. */
    static final int CHUNK_SIZE = 4096;
    private static final double TXN_CONNECT = 1;
    private static final double TXN_CREATE_STREAM = 4;

    private final RtmpUrl url;
    /** Completes with the message stream id once publishing, or fails with the receiver's reason. */
    final CompletableFuture<Integer> published = new CompletableFuture<>();
    private ChannelHandlerContext ctx;
    private int streamId = -1;
    private long received;
    private long peerWindow;
    private long lastAck;

    PushConnection(RtmpUrl url) {
        this.url = url;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == HandshakeHandler.HandshakeCompleted.INSTANCE) {
            write(CSID_CONTROL, 0, 0, RtmpMessage.SET_CHUNK_SIZE, RtmpMessage.u32Bytes(CHUNK_SIZE));
            ctx.pipeline().get(ChunkEncoder.class).chunkSize(CHUNK_SIZE);
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("app", url.app());
            props.put("type", "nonprivate");
            props.put("flashVer", "FMLE/3.0 (compatible; Cuecast)");
            props.put("tcUrl", url.tcUrl());
            command(0, "connect", TXN_CONNECT, props);
            ctx.flush();
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof RtmpMessage m)) {
            ctx.fireChannelRead(msg);
            return;
        }
        received += m.payload().length();
        if (peerWindow > 0 && received - lastAck >= peerWindow) { // §5.4.3
            lastAck = received;
            write(CSID_CONTROL, 0, 0, RtmpMessage.ACKNOWLEDGEMENT, RtmpMessage.u32Bytes(received & 0xFFFFFFFFL));
            ctx.flush();
        }
        switch (m.typeId()) {
            case RtmpMessage.COMMAND_AMF0 -> onCommand(new Amf0Reader(m.payload().unsafeArray()).readAll());
            case RtmpMessage.WINDOW_ACK_SIZE -> {
                if (m.payload().length() >= 4) {
                    peerWindow = RtmpMessage.u32(m.payload(), 0);
                }
            }
            case RtmpMessage.USER_CONTROL -> {
                Bytes p = m.payload();
                if (p.length() >= 6 && p.getUnsignedInt16(0) == 6) { // PingRequest → PingResponse (§7.1.7)
                    write(CSID_CONTROL, 0, 0, RtmpMessage.USER_CONTROL, new byte[] {0, 7, (byte) p.getUnsigned(2),
                        (byte) p.getUnsigned(3), (byte) p.getUnsigned(4), (byte) p.getUnsigned(5)});
                    ctx.flush();
                }
            }
            default -> { }
        }
    }

    private void onCommand(List<Object> v) {
        if (v.isEmpty() || !(v.get(0) instanceof String name)) {
            return;
        }
        double txn = v.size() > 1 && v.get(1) instanceof Double d ? d : 0;
        switch (name) {
            case "_result" -> {
                if (txn == TXN_CONNECT) {
                    command(0, "releaseStream", 2.0, null, url.streamName());
                    command(0, "FCPublish", 3.0, null, url.streamName());
                    command(0, "createStream", TXN_CREATE_STREAM, null);
                    ctx.flush();
                } else if (txn == TXN_CREATE_STREAM) {
                    streamId = v.size() > 3 && v.get(3) instanceof Double id ? id.intValue() : 1;
                    command(streamId, "publish", 5.0, null, url.streamName(), "live");
                    ctx.flush();
                }
            }
            case "_error" -> refused(v, "the receiver refused " + (txn == TXN_CONNECT ? "the connect (application '"
                    + url.app() + "')" : "a command"));
            case "onStatus" -> {
                Map<?, ?> info = v.size() > 3 && v.get(3) instanceof Map<?, ?> m ? m : Map.of();
                Object code = info.get("code");
                if ("NetStream.Publish.Start".equals(code)) {
                    published.complete(streamId);
                } else if ("error".equals(info.get("level"))) {
                    refused(v, "the receiver answered " + code);
                }
            }
            default -> { } // onBWDone, onFCPublish, _checkbw: nothing to do
        }
    }

    private void refused(List<Object> v, String what) {
        Object description = null;
        for (Object o : v) {
            if (o instanceof Map<?, ?> m && m.get("description") != null) {
                description = m.get("description");
            }
        }
        published.completeExceptionally(new RelayException(what + (description == null ? "" : ": " + description),
                true));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        published.completeExceptionally(new RelayException("the receiver closed the connection"));
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        published.completeExceptionally(new RelayException(root.getMessage() == null ? root.toString()
                : root.getMessage()));
        ctx.close();
    }

    private void command(int messageStreamId, Object... values) {
        write(CSID_COMMAND, messageStreamId, 0, RtmpMessage.COMMAND_AMF0, Amf0Writer.encode(values));
    }

    void write(int csid, int messageStreamId, long timestamp, int type, byte[] payload) {
        ctx.write(new RtmpMessage(csid, timestamp & 0xFFFFFFFFL, type, messageStreamId, Bytes.wrap(payload)));
    }

}
