package io.cuecast.rtmp;

import io.cuecast.core.media.Bytes;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reassembles RTMP messages from chunks (Adobe RTMP 1.0 §5.3).
 *
 * <p>A chunk is parsed only once all of its bytes are here; until then the reader index is reset and
 * no state changes, so input split at any offset decodes the same. Set Chunk Size (§5.4.1) and Abort
 * (§5.4.2) act on the decoder itself and are also passed on.
 */
public final class ChunkDecoder extends ByteToMessageDecoder {
    /** Timestamp field value that announces an extended timestamp, §5.3.1.3. */
    private static final int EXTENDED = 0xFFFFFF;

    /** What the previous chunk on one chunk stream said, plus its message in flight. */
    private static final class ChunkStream {
        long timestamp;
        long delta;
        int length;
        int typeId;
        int streamId;
        boolean extended;
        long extendedValue;
        byte[] partial;
        int filled;
    }

    private final int maxMessageBytes;
    private final Map<Integer, ChunkStream> streams = new HashMap<>();
    private int chunkSize = RtmpLimits.DEFAULT_CHUNK_SIZE;
    private long bytesRead;
    private boolean failed;
    /** Bytes held by partial messages (their buffers' sizes), and the most they may hold. */
    private long held;
    private long heldLimit;

    /** @param maxMessageBytes largest message we reassemble; bigger ones are a violation */
    public ChunkDecoder(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
        this.heldLimit = maxMessageBytes; // on its own it reassembles one maximum message at a time
    }

    /** Total bytes consumed, for acknowledgements (§5.4.3). */
    public long bytesRead() {
        return bytesRead;
    }

    /**
     * Sets the most bytes all partial messages may hold at once; a peer that would hold more is a
     * violation. The RTMP server starts connections at {@link RtmpLimits#HELD_BEFORE_PUBLISH} and
     * raises the limit to {@code rtmp.maxMessageBytes} at publish.
     */
    public void heldLimit(long bytes) {
        this.heldLimit = bytes;
    }

    /** Bytes held by partial messages now. */
    public long heldBytes() {
        return held;
    }

    /** The peer's current chunk size. */
    public int chunkSize() {
        return chunkSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.isReadable()) {
            int start = in.readerIndex();
            RtmpMessage message;
            try {
                message = readChunk(in);
            } catch (NeedMore e) {
                in.readerIndex(start);
                return;
            } catch (RtmpProtocolException e) {
                failed = true;
                in.skipBytes(in.readableBytes()); // the stream cannot be resynchronised
                throw e;
            }
            bytesRead += in.readerIndex() - start;
            if (message != null) {
                out.add(message);
            }
        }
    }

    /** Drops a stream's partial message and stops counting its buffer. */
    private void release(ChunkStream s) {
        if (s.partial != null) {
            held -= s.partial.length;
        }
        s.partial = null;
        s.filled = 0;
    }

    /** Thrown internally when the chunk is incomplete; carries no stack trace. */
    private static final class NeedMore extends RuntimeException {
        static final NeedMore INSTANCE = new NeedMore();

        private NeedMore() {
            super(null, null, false, false);
        }
    }

    private static void need(ByteBuf in, int n) {
        if (in.readableBytes() < n) {
            throw NeedMore.INSTANCE;
        }
    }

    private RtmpMessage readChunk(ByteBuf in) {
        need(in, 1);
        int b0 = in.readUnsignedByte();
        int fmt = b0 >>> 6;
        int csid = b0 & 0x3f;
        if (csid == 0) { // §5.3.1.1: two-byte form
            need(in, 1);
            csid = 64 + in.readUnsignedByte();
        } else if (csid == 1) { // three-byte form
            need(in, 2);
            csid = 64 + in.readUnsignedByte() + in.readUnsignedByte() * 256;
        }
        ChunkStream prev = streams.get(csid);
        if (fmt != 0 && prev == null) {
            throw new RtmpProtocolException("chunk stream " + csid + ": type " + fmt
                    + " chunk without a preceding type 0 chunk");
        }
        long timestampField;
        int length;
        int typeId;
        int streamId;
        boolean extended;
        boolean continuation = fmt == 3 && prev.partial != null;
        switch (fmt) {
            case 0 -> { // §5.3.1.2.1: 11 bytes
                need(in, 11);
                timestampField = in.readUnsignedMedium();
                length = in.readUnsignedMedium();
                typeId = in.readUnsignedByte();
                streamId = in.readIntLE();
            }
            case 1 -> { // §5.3.1.2.2: 7 bytes
                need(in, 7);
                timestampField = in.readUnsignedMedium();
                length = in.readUnsignedMedium();
                typeId = in.readUnsignedByte();
                streamId = prev.streamId;
            }
            case 2 -> { // §5.3.1.2.3: 3 bytes
                need(in, 3);
                timestampField = in.readUnsignedMedium();
                length = prev.length;
                typeId = prev.typeId;
                streamId = prev.streamId;
            }
            default -> { // §5.3.1.2.4: no header
                timestampField = prev.extended ? EXTENDED : prev.delta;
                length = prev.length;
                typeId = prev.typeId;
                streamId = prev.streamId;
            }
        }
        extended = fmt == 3 ? prev.extended : timestampField == EXTENDED;
        long timestampValue = timestampField;
        if (extended) {
            need(in, 4);
            long ext = in.getUnsignedInt(in.readerIndex());
            if (fmt == 3 && continuation && ext != prev.extendedValue) {
                // Some encoders omit the extended timestamp on continuation chunks: these four bytes
                // are payload, not a timestamp.
                timestampValue = prev.extendedValue;
            } else {
                in.skipBytes(4);
                timestampValue = ext;
            }
        }
        if (length > maxMessageBytes) {
            throw new RtmpProtocolException("chunk stream " + csid + ": message length " + length
                    + " exceeds the limit of " + maxMessageBytes + " bytes");
        }
        int already = continuation ? prev.filled : 0;
        int take = Math.min(length - already, chunkSize);
        need(in, take);

        // Everything is here: commit.
        ChunkStream s = prev;
        if (s == null) {
            if (streams.size() >= RtmpLimits.MAX_CHUNK_STREAMS) {
                throw new RtmpProtocolException("more than " + RtmpLimits.MAX_CHUNK_STREAMS + " chunk streams in use");
            }
            s = new ChunkStream();
            streams.put(csid, s);
        }
        if (!continuation) {
            switch (fmt) {
                case 0 -> {
                    s.timestamp = timestampValue;
                    s.delta = timestampValue;
                }
                case 1, 2, 3 -> {
                    s.delta = timestampValue;
                    s.timestamp = (s.timestamp + timestampValue) & 0xFFFFFFFFL;
                }
                default -> throw new IllegalStateException();
            }
            s.length = length;
            s.typeId = typeId;
            s.streamId = streamId;
            s.extended = extended;
            s.extendedValue = extended ? timestampValue : 0;
            if (fmt != 3) {
                s.extended = extended;
            }
            // A message replaced before it completed frees its buffer (§5.3.1.2: a new type 0 header).
            release(s);
        }
        // The buffer grows as bytes arrive (doubling, capped at the declared length), never by the
        // declared length alone: a peer that declares 8 MiB and sends 128 bytes costs 128 bytes.
        int needed = s.filled + take;
        int capacity = s.partial == null ? 0 : s.partial.length;
        if (needed > capacity) {
            int grown = (int) Math.min(length, Math.max(needed, 2L * capacity));
            if (held - capacity + grown > heldLimit) {
                throw new RtmpProtocolException("partial messages would hold more than " + heldLimit + " bytes");
            }
            held += grown - capacity;
            s.partial = capacity == 0 ? new byte[grown] : Arrays.copyOf(s.partial, grown);
        }
        if (take > 0) { // a zero-length message has no buffer to read into
            in.readBytes(s.partial, s.filled, take);
            s.filled += take;
        }
        if (s.filled < s.length) {
            return null;
        }
        byte[] payload = s.partial == null ? new byte[0] // a zero-length message
                : s.partial.length == s.length ? s.partial : Arrays.copyOf(s.partial, s.length);
        release(s);
        RtmpMessage message = new RtmpMessage(csid, s.timestamp, s.typeId, s.streamId, Bytes.wrap(payload));
        applyControl(message);
        return message;
    }

    private void applyControl(RtmpMessage m) {
        if (m.typeId() == RtmpMessage.SET_CHUNK_SIZE) {
            if (m.payload().length() < 4) {
                throw new RtmpProtocolException("Set Chunk Size message of " + m.payload().length() + " bytes");
            }
            long size = readU32(m.payload().unsafeArray(), 0) & 0x7FFFFFFFL; // §5.4.1: first bit is 0
            if (size < 1 || size > RtmpLimits.MAX_CHUNK_SIZE) {
                throw new RtmpProtocolException("Set Chunk Size " + size + " out of range 1.." + RtmpLimits.MAX_CHUNK_SIZE);
            }
            chunkSize = (int) size;
        } else if (m.typeId() == RtmpMessage.ABORT && m.payload().length() >= 4) {
            ChunkStream s = streams.get((int) readU32(m.payload().unsafeArray(), 0));
            if (s != null) {
                release(s);
            }
        }
    }

    static long readU32(byte[] b, int at) {
        return ((long) (b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
