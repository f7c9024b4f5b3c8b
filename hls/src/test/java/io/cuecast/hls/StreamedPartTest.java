package io.cuecast.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A preload-hinted part streamed while the packager writes its chunks (RFC 8216bis §6.2.6). */
class StreamedPartTest {
    final RenditionTimeline t = new RenditionTimeline("x", 6, 2);

    StreamedPartTest() {
        t.addInit(new byte[] {1}, new RenditionInfo("source", "avc1.64001f", 640, 360));
        t.partTarget(0.2);
    }

    @AfterEach
    void free() {
        t.close();
    }

    /** Records what a response would send. */
    static final class Recorder implements PartSink {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final List<String> events = new ArrayList<>();

        @Override
        public void chunk(ByteBuf data) {
            events.add("chunk" + data.readableBytes());
            body.writeBytes(ByteBufUtil.getBytes(data));
            data.release();
        }

        @Override
        public void done(boolean complete) {
            events.add(complete ? "complete" : "aborted");
        }
    }

    static ByteBuf chunk(int size, int fill) {
        ByteBuf b = Unpooled.directBuffer(size);
        for (int i = 0; i < size; i++) {
            b.writeByte(fill);
        }
        return b;
    }

    @Test
    void aPartIsStreamedChunkByChunkAndEqualsTheListedPart() {
        t.appendChunk(chunk(3, 7));
        Recorder early = new Recorder();
        // Part 0 of segment 0 is being written: the chunk so far comes at once.
        assertThat(t.streamPart(0, 0, early)).isTrue();
        assertThat(early.events).containsExactly("chunk3");
        t.appendChunk(chunk(2, 8));
        assertThat(early.events).containsExactly("chunk3", "chunk2");
        t.completePart(0.2, true);
        assertThat(early.events).containsExactly("chunk3", "chunk2", "complete");
        assertThat(early.body.toByteArray()).isEqualTo(new byte[] {7, 7, 7, 8, 8});
        ByteBuf listed = t.resource("x-0.0.m4s");
        assertThat(ByteBufUtil.getBytes(listed)).isEqualTo(early.body.toByteArray());
        listed.release();
        assertThat(t.snapshot().openParts()).extracting(Part::independent).containsExactly(true);
        // Complete parts are not streamed: they are served whole.
        assertThat(t.streamPart(0, 0, new Recorder())).isFalse();
    }

    @Test
    void theNextSegmentsFirstPartCanBeAskedForBeforeItStarts() {
        t.addPart(chunk(4, 1), 0.2, true);
        Recorder ahead = new Recorder();
        assertThat(t.streamPart(1, 0, ahead)).isTrue();
        assertThat(t.streamPart(2, 0, new Recorder())).as("more than the next part: not hinted").isFalse();
        assertThat(t.streamPart(0, 2, new Recorder())).isFalse();
        t.completeSegment(0.2, Instant.EPOCH, t.currentInit(), 6);
        assertThat(ahead.events).isEmpty();
        t.appendChunk(chunk(5, 2));
        t.completePart(0.2, true);
        assertThat(ahead.events).containsExactly("chunk5", "complete");
    }

    @Test
    void endingTheStreamAbortsStreamsAndFreesChunks() {
        ByteBuf c = chunk(3, 9);
        t.appendChunk(c);
        Recorder r = new Recorder();
        t.streamPart(0, 0, r);
        Recorder cancelled = new Recorder();
        t.streamPart(0, 0, cancelled);
        t.cancelStream(cancelled);
        t.end();
        assertThat(r.events).containsExactly("chunk3", "aborted");
        assertThat(cancelled.events).containsExactly("chunk3");
        assertThat(c.refCnt()).isZero();
        assertThat(t.streamPart(0, 0, new Recorder())).as("an ended playlist streams nothing").isFalse();
    }
}
