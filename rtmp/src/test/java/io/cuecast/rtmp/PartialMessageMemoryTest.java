package io.cuecast.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The attack of the security review (2026-12-01, critical): a peer declares 64 messages of 8 MiB and
 * sends 128 bytes of each. A message buffer must grow as its bytes arrive, never by the declared
 * length, and the bytes held in partial messages are capped per connection.
 */
class PartialMessageMemoryTest {
    /** The production limit (rtmp.maxMessageBytes default), not a test-sized one. */
    private static final int MAX_MESSAGE = 8 * 1024 * 1024;

    /** A type 0 chunk header on {@code csid} declaring a video message of {@code length} bytes. */
    private static void header(ByteBuf b, int csid, int length) {
        if (csid < 64) {
            b.writeByte(csid);
        } else {
            b.writeByte(0).writeByte(csid - 64);
        }
        b.writeMedium(0).writeMedium(length).writeByte(9).writeIntLE(1);
    }

    private static long allocatedByThisThread() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void sixtyFourDeclared8MiBMessagesCostTheirBytesNotTheirDeclaredLength() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(MAX_MESSAGE));
        ByteBuf attack = Unpooled.buffer();
        for (int csid = 3; csid < 3 + RtmpLimits.MAX_CHUNK_STREAMS; csid++) {
            header(attack, csid, MAX_MESSAGE);
            attack.writeZero(RtmpLimits.DEFAULT_CHUNK_SIZE);
        }
        long before = allocatedByThisThread();
        ch.writeInbound(attack);
        long allocated = allocatedByThisThread() - before;
        // 64 × 128 bytes of messages, plus the decoder's own bookkeeping; 512 MiB before the fix.
        assertThat(allocated).as("bytes allocated for 8 KiB of input").isLessThan(2L * 1024 * 1024);
        assertThat(ch.isOpen()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void beforePublishPartialMessagesAreCappedSmall() {
        ChunkDecoder decoder = new ChunkDecoder(MAX_MESSAGE);
        decoder.heldLimit(RtmpLimits.HELD_BEFORE_PUBLISH); // as RtmpServer sets up every connection
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ByteBuf input = Unpooled.buffer();
        header(input, 3, MAX_MESSAGE);
        input.writeZero(RtmpLimits.DEFAULT_CHUNK_SIZE);
        for (int i = 0; i < (int) (RtmpLimits.HELD_BEFORE_PUBLISH / RtmpLimits.DEFAULT_CHUNK_SIZE) + 1; i++) {
            input.writeByte(0xC3).writeZero(RtmpLimits.DEFAULT_CHUNK_SIZE); // type 3 continuations
        }
        assertThatThrownBy(() -> ch.writeInbound(input)).isInstanceOf(DecoderException.class)
                .hasMessageContaining("partial messages would hold more than " + RtmpLimits.HELD_BEFORE_PUBLISH);
    }

    @Test
    void afterPublishAWholeMaximumMessageStillArrives() {
        ChunkDecoder decoder = new ChunkDecoder(MAX_MESSAGE);
        decoder.heldLimit(MAX_MESSAGE);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ByteBuf input = Unpooled.buffer();
        header(input, 4, MAX_MESSAGE);
        input.writeZero(RtmpLimits.DEFAULT_CHUNK_SIZE);
        for (int sent = RtmpLimits.DEFAULT_CHUNK_SIZE; sent < MAX_MESSAGE; sent += RtmpLimits.DEFAULT_CHUNK_SIZE) {
            input.writeByte(0xC4).writeZero(RtmpLimits.DEFAULT_CHUNK_SIZE);
        }
        ch.writeInbound(input);
        RtmpMessage m = ch.readInbound();
        assertThat(m.payload().length()).isEqualTo(MAX_MESSAGE);
        assertThat(decoder.heldBytes()).isZero();
        ch.finishAndReleaseAll();
    }
}
