package io.cuecast.rtmp;

import io.cuecast.core.media.Bytes;

/**
 * One complete RTMP message (Adobe RTMP 1.0 §6.1), reassembled from its chunks.
 *
 * @param chunkStreamId the chunk stream it arrived on or is sent on
 * @param timestamp absolute timestamp in milliseconds (32 bits, wraps)
 * @param typeId message type id (§5.4, §7.1)
 * @param messageStreamId message stream id
 * @param payload the message body
 */
public record RtmpMessage(int chunkStreamId, long timestamp, int typeId, int messageStreamId, Bytes payload) {
    /** Set Chunk Size, §5.4.1. */
    public static final int SET_CHUNK_SIZE = 1;
    /** Abort Message, §5.4.2. */
    public static final int ABORT = 2;
    /** Acknowledgement, §5.4.3. */
    public static final int ACKNOWLEDGEMENT = 3;
    /** User Control Message, §6.2 / §7.1.7. */
    public static final int USER_CONTROL = 4;
    /** Window Acknowledgement Size, §5.4.4. */
    public static final int WINDOW_ACK_SIZE = 5;
    /** Set Peer Bandwidth, §5.4.5. */
    public static final int SET_PEER_BANDWIDTH = 6;
    /** Audio, §7.1.4. */
    public static final int AUDIO = 8;
    /** Video, §7.1.5. */
    public static final int VIDEO = 9;
    /** Data message in AMF3, §7.1.2. */
    public static final int DATA_AMF3 = 15;
    /** Command message in AMF3, §7.1.1. */
    public static final int COMMAND_AMF3 = 17;
    /** Data message in AMF0, §7.1.2. */
    public static final int DATA_AMF0 = 18;
    /** Command message in AMF0, §7.1.1. */
    public static final int COMMAND_AMF0 = 20;

    /** A 32-bit big-endian value, as protocol control messages carry it (§5.4). */
    public static byte[] u32Bytes(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** The 32-bit big-endian value at {@code at}. */
    public static long u32(Bytes b, int at) {
        return ((long) b.getUnsigned(at) << 24) | (b.getUnsigned(at + 1) << 16) | (b.getUnsigned(at + 2) << 8)
                | b.getUnsigned(at + 3);
    }
}
