package io.cuecast.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.util.HashMap;
import java.util.Map;

/**
 * Splits RTMP messages into chunks (Adobe RTMP 1.0 §5.3), choosing the smallest header the previous
 * chunk on the same chunk stream allows: type 0 for a new stream id or a timestamp going back, type 1
 * when length or type changes, type 2 when only the delta changes, type 3 when nothing does.
 */
public final class ChunkEncoder extends MessageToByteEncoder<RtmpMessage> {
    private static final long EXTENDED = 0xFFFFFF;

    private record Previous(long timestamp, long delta, int length, int typeId, int streamId) {}

    private final Map<Integer, Previous> previous = new HashMap<>();
    private int chunkSize = RtmpLimits.DEFAULT_CHUNK_SIZE;

    /** Sets the size used for messages encoded from now on; announce it first with Set Chunk Size. */
    public void chunkSize(int size) {
        if (size < 1 || size > RtmpLimits.MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunk size " + size);
        }
        chunkSize = size;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, RtmpMessage m, ByteBuf out) {
        encode(m, out);
        if (m.typeId() == RtmpMessage.SET_CHUNK_SIZE) {
            chunkSize((int) ChunkDecoder.readU32(m.payload().unsafeArray(), 0));
        }
    }

    /** Encodes one message; visible for byte-exact tests. */
    public void encode(RtmpMessage m, ByteBuf out) {
        int csid = m.chunkStreamId();
        if (csid < 2 || csid > 65599) {
            throw new IllegalArgumentException("chunk stream id " + csid + " out of range 2..65599");
        }
        int length = m.payload().length();
        Previous p = previous.get(csid);
        int fmt;
        long field;
        if (p == null || p.streamId != m.messageStreamId() || m.timestamp() < p.timestamp) {
            fmt = 0;
            field = m.timestamp();
        } else {
            long delta = m.timestamp() - p.timestamp;
            field = delta;
            if (p.length != length || p.typeId != m.typeId()) {
                fmt = 1;
            } else if (p.delta != delta) {
                fmt = 2;
            } else {
                fmt = 3;
            }
        }
        previous.put(csid, new Previous(m.timestamp(), field, length, m.typeId(), m.messageStreamId()));
        boolean extended = field >= EXTENDED;
        writeBasicHeader(out, fmt, csid);
        if (fmt <= 2) {
            out.writeMedium((int) (extended ? EXTENDED : field));
        }
        if (fmt <= 1) {
            out.writeMedium(length);
            out.writeByte(m.typeId());
        }
        if (fmt == 0) {
            out.writeIntLE(m.messageStreamId());
        }
        if (extended) {
            out.writeInt((int) field);
        }
        byte[] payload = m.payload().unsafeArray();
        int pos = 0;
        do {
            int n = Math.min(chunkSize, length - pos);
            out.writeBytes(payload, pos, n);
            pos += n;
            if (pos < length) {
                writeBasicHeader(out, 3, csid);
                if (extended) { // repeated on continuation chunks, as ffmpeg and librtmp expect
                    out.writeInt((int) field);
                }
            }
        } while (pos < length);
    }

    private static void writeBasicHeader(ByteBuf out, int fmt, int csid) {
        if (csid < 64) {
            out.writeByte((fmt << 6) | csid);
        } else if (csid < 320) {
            out.writeByte(fmt << 6);
            out.writeByte(csid - 64);
        } else {
            out.writeByte((fmt << 6) | 1);
            out.writeByte((csid - 64) & 0xff);
            out.writeByte((csid - 64) >>> 8);
        }
    }
}
