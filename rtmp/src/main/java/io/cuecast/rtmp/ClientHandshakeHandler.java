package io.cuecast.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.security.SecureRandom;
import java.util.List;
import java.util.Random;

/**
 * The client side of the simple handshake (Adobe RTMP 1.0 §5.2): C0 and C1 when the connection
 * opens, S0, S1 and S2 back, then C2 echoing S1. Fires {@link HandshakeHandler.HandshakeCompleted}
 * and removes itself, so the bytes after S2 reach the chunk decoder.
 */
public final class ClientHandshakeHandler extends ByteToMessageDecoder {
    private final Random random;
    private boolean done;

    /** Uses a secure random filler. */
    public ClientHandshakeHandler() {
        this(new SecureRandom());
    }

    /** Uses the given random filler (tests pass a seeded one). */
    public ClientHandshakeHandler(Random random) {
        this.random = random;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        // §5.2.3: C1 is time (4 bytes), zero (4 bytes), then 1528 random bytes.
        byte[] c0c1 = new byte[1 + Handshake.PACKET_SIZE];
        c0c1[0] = Handshake.VERSION;
        byte[] filler = new byte[Handshake.PACKET_SIZE - 8];
        random.nextBytes(filler);
        System.arraycopy(filler, 0, c0c1, 9, filler.length);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(c0c1));
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (done || in.readableBytes() < 1 + 2 * Handshake.PACKET_SIZE) {
            return;
        }
        int version = in.readUnsignedByte();
        if (version != Handshake.VERSION) {
            in.skipBytes(in.readableBytes());
            throw new RtmpProtocolException("handshake: S0 version " + version + " is not " + Handshake.VERSION);
        }
        byte[] s1 = new byte[Handshake.PACKET_SIZE];
        in.readBytes(s1);
        in.skipBytes(Handshake.PACKET_SIZE); // S2 echoes our C1; servers fill it differently, nothing depends on it
        ctx.writeAndFlush(Unpooled.wrappedBuffer(s1)); // C2 echoes S1 (§5.2.4)
        done = true;
        ctx.fireUserEventTriggered(HandshakeHandler.HandshakeCompleted.INSTANCE);
        ctx.pipeline().remove(this);
    }
}
