package io.cuecast.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuecast.http.BodySink;
import io.cuecast.http.Response;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** The hinted-part state machine against a recording sink: no socket, no clock. */
class HintedPartResponseTest {
    /** Records what the response does to the connection; tasks run at once, timers when fired. */
    static final class RecordingSink implements BodySink {
        final List<String> events = new ArrayList<>();
        final List<Runnable> timers = new ArrayList<>();
        final List<Runnable> onClose = new ArrayList<>();
        boolean open = true;

        @Override
        public Executor executor() {
            return Runnable::run;
        }

        @Override
        public void schedule(Runnable task, long delayMs) {
            events.add("timer " + delayMs);
            timers.add(task);
        }

        @Override
        public void onClose(Runnable task) {
            onClose.add(task);
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void begin() {
            events.add("begin");
        }

        @Override
        public void chunk(ByteBuf data) {
            events.add("chunk " + data.readableBytes());
            data.release();
        }

        @Override
        public void end() {
            events.add("end");
        }

        @Override
        public void abort() {
            events.add("abort");
        }

        @Override
        public void respond(Response response) {
            events.add("respond " + response.status().code());
            response.discard();
        }
    }

    private static RenditionTimeline timelineWritingSegmentZero() {
        RenditionTimeline t = new RenditionTimeline("x", 3, 2);
        t.partTarget(0.2);
        t.addInit(new byte[] {1}, null);
        return t;
    }

    private static HintedPartResponse response(RenditionTimeline t, long msn, int part, List<Long> streamed) {
        return new HintedPartResponse(t, msn, part, 6000, () -> {
            ByteBuf whole = t.resource("x-" + msn + "." + part + ".m4s");
            return whole == null ? Response.text(HttpResponseStatus.NOT_FOUND, "part not produced in time\n")
                    : Response.of(HttpResponseStatus.OK, "video/iso.segment", whole);
        }, streamed::add);
    }

    @Test
    void chunksAreSentAsTheyAreWrittenThenTheBodyEnds() {
        RenditionTimeline t = timelineWritingSegmentZero();
        List<Long> streamed = new ArrayList<>();
        RecordingSink sink = new RecordingSink();
        response(t, 0, 0, streamed).start(sink);
        t.appendChunk(Unpooled.directBuffer().writeZero(100));
        t.appendChunk(Unpooled.directBuffer().writeZero(50));
        t.completePart(0.2, true);
        assertThat(sink.events).containsExactly("timer 6000", "begin", "chunk 100", "chunk 50", "end");
        assertThat(streamed).containsExactly(150L);
        sink.timers.forEach(Runnable::run); // the timeout after the end changes nothing
        assertThat(sink.events).hasSize(5);
        t.close();
    }

    @Test
    void aPartAbandonedMidwayClosesTheConnection() {
        RenditionTimeline t = timelineWritingSegmentZero();
        RecordingSink sink = new RecordingSink();
        List<Long> streamed = new ArrayList<>();
        response(t, 0, 0, streamed).start(sink);
        t.appendChunk(Unpooled.directBuffer().writeZero(100));
        t.abandonPart();
        assertThat(sink.events).containsExactly("timer 6000", "begin", "chunk 100", "abort");
        assertThat(streamed).isEmpty();
        t.close();
    }

    @Test
    void nothingProducedInTimeIs404AndAPartNoLongerHintedIsAnsweredWhole() {
        RenditionTimeline t = timelineWritingSegmentZero();
        RecordingSink late = new RecordingSink();
        response(t, 0, 0, new ArrayList<>()).start(late);
        late.timers.forEach(Runnable::run);
        assertThat(late.events).containsExactly("timer 6000", "respond 404");
        t.appendChunk(Unpooled.directBuffer().writeZero(80));
        assertThat(late.events).as("a cancelled stream gets no more chunks").hasSize(2);

        t.completePart(0.2, true);
        RecordingSink whole = new RecordingSink();
        response(t, 0, 0, new ArrayList<>()).start(whole);
        assertThat(whole.events).containsExactly("respond 200");
        RecordingSink tooFar = new RecordingSink();
        response(t, 5, 0, new ArrayList<>()).start(tooFar);
        assertThat(tooFar.events).containsExactly("respond 404");
        t.close();
    }
}
