package io.cuecast.ingest.rtmp.codec;

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

    @FuzzTest(maxDuration = "30s")
    void chunkDecoder(byte[] input) {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(1 << 16));
        try {
            int half = input.length / 2;
            ch.writeInbound(Unpooled.wrappedBuffer(input, 0, half));
            ch.writeInbound(Unpooled.wrappedBuffer(input, half, input.length - half));
        } catch (DecoderException e) {
            if (!(e.getCause() instanceof RtmpProtocolException)) {
                throw e;
            }
        } finally {
            ch.finishAndReleaseAll();
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
