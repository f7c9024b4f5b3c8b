package io.cuecast.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.security.SecureRandom;
import java.util.List;
import java.util.Random;

/**
 * Runs the server handshake (§5.2.5 state diagram: uninitialized → version sent → ack sent → done)
 * and then removes itself, handing every byte after C2 to the chunk decoder.
 */
public final class HandshakeHandler extends ByteToMessageDecoder {
    private enum State { WAIT_C0C1, WAIT_C2, DONE }

    private final Random random;
    private final long startNanos = System.nanoTime();
    private State state = State.WAIT_C0C1;

    /** Uses a secure random filler. */
    public HandshakeHandler() {
        this(new SecureRandom());
    }

    /** Uses the given random filler (tests pass a seeded one). */
    public HandshakeHandler(Random random) {
        this.random = random;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == State.WAIT_C0C1) {
            if (in.readableBytes() < 1) {
                return;
            }
            int version = in.getUnsignedByte(in.readerIndex());
            // §5.2.2: 3 is plain RTMP; 6 would be RTMPE, which we do not offer.
            if (version != Handshake.VERSION) {
                in.skipBytes(in.readableBytes()); // nothing more of this connection is worth reading
                throw new RtmpProtocolException("handshake: C0 version " + version + " is not " + Handshake.VERSION
                        + " (RTMPE/RTMPT are not supported)");
            }
            if (in.readableBytes() < 1 + Handshake.PACKET_SIZE) {
                return;
            }
            in.skipBytes(1);
            byte[] c1 = new byte[Handshake.PACKET_SIZE];
            in.readBytes(c1);
            int uptime = (int) ((System.nanoTime() - startNanos) / 1_000_000);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(Handshake.respond(c1, uptime, random)));
            state = State.WAIT_C2;
        }
        if (state == State.WAIT_C2) {
            if (in.readableBytes() < Handshake.PACKET_SIZE) {
                return;
            }
            // C2 is not verified: ffmpeg, OBS and GStreamer fill it differently and nothing depends on it.
            in.skipBytes(Handshake.PACKET_SIZE);
            state = State.DONE;
            ctx.fireUserEventTriggered(HandshakeCompleted.INSTANCE);
            ctx.pipeline().remove(this); // remaining bytes go to the next handler
        }
    }

    /** Fired down the pipeline when the handshake is done. */
    public enum HandshakeCompleted {
        INSTANCE
    }
}
