package io.cuecast.hls;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * The responses streaming a part while it is written (RFC 8216bis §6.2.6): who waits for which
 * part, the fan-out of each CMAF chunk, and the end of each stream. Not thread-safe: its
 * {@link RenditionTimeline} calls it under its own lock.
 */
final class PartStreams {
    private record Stream(long msn, int part, PartSink sink) {}

    private final List<Stream> streams = new ArrayList<>();

    int size() {
        return streams.size();
    }

    /** Streams part {@code part} of segment {@code msn} to {@code sink} from its next chunk. */
    void add(long msn, int part, PartSink sink) {
        streams.add(new Stream(msn, part, sink));
    }

    /** Stops streaming to {@code sink} (its client went away). */
    void cancel(PartSink sink) {
        streams.removeIf(s -> s.sink() == sink);
    }

    /** Hands a chunk of part {@code part} of segment {@code msn} to every stream of that part. */
    void chunk(long msn, int part, ByteBuf data) {
        for (Stream s : streams) {
            if (s.msn() == msn && s.part() == part) {
                s.sink().chunk(data.retainedDuplicate());
            }
        }
    }

    /** Ends the streams of one part: complete, or never to be (the part was abandoned). */
    void end(long msn, int part, boolean complete) {
        endWhere(s -> s.msn() == msn && s.part() == part, complete);
    }

    /** Ends every stream incomplete (the rendition ended or closed). */
    void endAll() {
        endWhere(s -> true, false);
    }

    private void endWhere(java.util.function.Predicate<Stream> which, boolean complete) {
        if (streams.isEmpty()) {
            return;
        }
        // One linear pass: removeAll(list) would cost streams × done under the timeline lock.
        List<Stream> done = new ArrayList<>();
        List<Stream> kept = new ArrayList<>();
        for (Stream s : streams) {
            (which.test(s) ? done : kept).add(s);
        }
        streams.clear();
        streams.addAll(kept);
        for (Stream s : done) {
            s.sink().done(complete);
        }
    }
}
