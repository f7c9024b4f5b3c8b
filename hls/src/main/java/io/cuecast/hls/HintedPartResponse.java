package io.cuecast.hls;

import io.cuecast.http.BodySink;
import io.cuecast.http.Response;
import io.cuecast.http.StreamingBody;
import io.netty.buffer.ByteBuf;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Answers a preload-hinted part while the packager writes it (RFC 8216bis §6.2.6): the status line
 * and headers with the first chunk, each CMAF chunk as an HTTP chunk (a DATA frame over h2), the
 * end when the part is complete. Nothing produced in time: the whole part if it completed without
 * us, else 404; the stream ending mid-part: the connection is closed so no cache keeps a truncated
 * part. Runs on the connection's thread; the packager only hands it chunks.
 */
final class HintedPartResponse implements StreamingBody {
    private enum State { WAITING, STREAMING, FINISHED }

    private final RenditionTimeline rendition;
    private final long msn;
    private final int part;
    private final long waitMs;
    private final Supplier<Response> whole;
    private final LongConsumer onStreamed;
    private State state = State.WAITING;
    private long sent;

    /**
     * @param whole the part as listed, or a 404, for when it completed before streaming began
     * @param onStreamed told the bytes of a part streamed to its end
     */
    HintedPartResponse(RenditionTimeline rendition, long msn, int part, long waitMs,
                       Supplier<Response> whole, LongConsumer onStreamed) {
        this.rendition = rendition;
        this.msn = msn;
        this.part = part;
        this.waitMs = waitMs;
        this.whole = whole;
        this.onStreamed = onStreamed;
    }

    @Override
    public void start(BodySink sink) {
        PartSink fromPackager = new PartSink() {
            @Override
            public void chunk(ByteBuf data) {
                sink.executor().execute(() -> onChunk(sink, data));
            }

            @Override
            public void done(boolean complete) {
                sink.executor().execute(() -> finish(sink, complete));
            }
        };
        if (!rendition.streamPart(msn, part, fromPackager)) {
            state = State.FINISHED;
            sink.respond(whole.get()); // completed in the meantime, or no longer hinted
            return;
        }
        sink.onClose(() -> rendition.cancelStream(fromPackager));
        sink.schedule(() -> {
            if (state != State.FINISHED) {
                rendition.cancelStream(fromPackager);
                finish(sink, false);
            }
        }, waitMs);
    }

    private void onChunk(BodySink sink, ByteBuf data) {
        if (state == State.FINISHED || !sink.isOpen()) {
            data.release();
            return;
        }
        if (state == State.WAITING) {
            state = State.STREAMING;
            sink.begin();
        }
        sent += data.readableBytes();
        sink.chunk(data);
    }

    private void finish(BodySink sink, boolean complete) {
        State was = state;
        if (was == State.FINISHED) {
            return;
        }
        state = State.FINISHED;
        if (was == State.STREAMING && complete) {
            onStreamed.accept(sent);
            sink.end();
        } else if (was == State.STREAMING) {
            sink.abort();
        } else {
            // Nothing was sent: the part as listed if it completed, else a 404 from the same place.
            sink.respond(whole.get());
        }
    }
}
