package io.cuecast.rtmp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.Random;

/**
 * Fuzzes the parsers that face the network. Without JAZZER_FUZZ=1 these run once per committed seed
 * (src/test/resources/.../RtmpParsersFuzzTestInputs) as regression tests; with it, Jazzer explores.
 * The only acceptable failure is our own protocol exception.
 */
class RtmpParsersFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void amf0Reader(byte[] input) {
        try {
            new Amf0Reader(input).readAll();
        } catch (RtmpProtocolException expected) {
            // a clear refusal is the right answer to garbage
        }
    }

    /** The production limit (rtmp.maxMessageBytes default): a smaller one would hide allocation bugs. */
    private static final int MAX_MESSAGE = 8 * 1024 * 1024;

    @FuzzTest(maxDuration = "30s")
    void chunkDecoderBeforePublish(byte[] input) {
        decode(input, RtmpLimits.HELD_BEFORE_PUBLISH);
    }

    @FuzzTest(maxDuration = "30s")
    void chunkDecoderWhilePublishing(byte[] input) {
        decode(input, MAX_MESSAGE);
    }

    private static void decode(byte[] input, long heldLimit) {
        ChunkDecoder decoder = new ChunkDecoder(MAX_MESSAGE);
        decoder.heldLimit(heldLimit);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        try {
            int half = input.length / 2;
            ch.writeInbound(Unpooled.wrappedBuffer(input, 0, half));
            checkHeld(decoder, heldLimit);
            ch.writeInbound(Unpooled.wrappedBuffer(input, half, input.length - half));
            checkHeld(decoder, heldLimit);
        } catch (DecoderException e) {
            if (!(e.getCause() instanceof RtmpProtocolException)) {
                throw e;
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /** Whatever the input, partial messages never hold more than the limit. */
    private static void checkHeld(ChunkDecoder decoder, long limit) {
        if (decoder.heldBytes() > limit) {
            throw new AssertionError("partial messages hold " + decoder.heldBytes() + " bytes, limit " + limit);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void handshake(byte[] input) {
        EmbeddedChannel ch = new EmbeddedChannel(new HandshakeHandler(new Random(1)));
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(input));
        } catch (DecoderException e) {
            if (!(e.getCause() instanceof RtmpProtocolException)) {
                throw e;
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
