package io.cuecast.hls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * Append-only bytes in 64 KiB direct chunks: the samples of a segment in progress. Off the Java heap
 * so that seconds of media per stream do not survive young collections and inflate the heap; the
 * chunk size bounds the slack. Owned by one packager thread.
 */
final class DirectChunks {
    static final int CHUNK = 64 * 1024;
    private final List<ByteBuf> chunks = new ArrayList<>();
    private int size;

    /** Appends {@code len} bytes of {@code b} from {@code off}. */
    void write(byte[] b, int off, int len) {
        while (len > 0) {
            ByteBuf last = chunks.isEmpty() ? null : chunks.get(chunks.size() - 1);
            if (last == null || !last.isWritable()) {
                last = Unpooled.directBuffer(CHUNK, CHUNK);
                chunks.add(last);
            }
            int n = Math.min(len, last.writableBytes());
            last.writeBytes(b, off, n);
            off += n;
            len -= n;
            size += n;
        }
    }

    /** Bytes held. */
    int size() {
        return size;
    }

    /** Copies bytes {@code [from, from + len)} into {@code out}. */
    void copyTo(ByteBuf out, int from, int len) {
        int skip = from;
        for (ByteBuf c : chunks) {
            if (len == 0) {
                return;
            }
            int readable = c.readableBytes();
            if (skip >= readable) {
                skip -= readable;
                continue;
            }
            int n = Math.min(len, readable - skip);
            out.writeBytes(c, c.readerIndex() + skip, n);
            skip = 0;
            len -= n;
        }
        if (len > 0) {
            throw new IndexOutOfBoundsException("copy past the end of " + size + " bytes");
        }
    }

    /** Keeps only the bytes from {@code from} on (audio that belongs to the next segment). */
    void keepFrom(int from) {
        if (from == 0) {
            return;
        }
        int keep = size - from;
        List<ByteBuf> old = new ArrayList<>(chunks);
        int oldSize = size;
        chunks.clear();
        size = 0;
        if (keep > 0) {
            ByteBuf tmp = Unpooled.buffer(keep);
            copyFrom(old, oldSize, tmp, from, keep);
            write(tmp.array(), tmp.arrayOffset(), keep);
        }
        old.forEach(ByteBuf::release);
    }

    private static void copyFrom(List<ByteBuf> list, int total, ByteBuf out, int from, int len) {
        DirectChunks view = new DirectChunks();
        view.chunks.addAll(list);
        view.size = total;
        view.copyTo(out, from, len);
    }

    /** Frees every chunk. */
    void clear() {
        chunks.forEach(ByteBuf::release);
        chunks.clear();
        size = 0;
    }
}
