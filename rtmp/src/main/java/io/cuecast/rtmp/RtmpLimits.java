package io.cuecast.rtmp;

/** Hard bounds on what a peer can make us allocate or hold. */
public final class RtmpLimits {
    /**
     * Largest chunk size a peer may set. Adobe RTMP 1.0 §5.4.1 allows 31 bits, but the message length
     * field is 24 bits (§5.3.1.2.1), so a chunk larger than 0xFFFFFF bytes can never be filled.
     */
    public static final int MAX_CHUNK_SIZE = 0xFFFFFF;
    /** Chunk size every connection starts with, §5.4.1. */
    public static final int DEFAULT_CHUNK_SIZE = 128;
    /**
     * Chunk streams with a message in flight at once. Real encoders use three to six; each partial
     * message holds a buffer, so without this bound a peer could open 65 599 of them.
     */
    public static final int MAX_CHUNK_STREAMS = 64;
    /**
     * Bytes all partial messages of one connection may hold before it publishes: commands
     * (connect, createStream, publish) are a few hundred bytes; media comes only after publish, when
     * the connection raises its limit to {@code rtmp.maxMessageBytes} in total.
     */
    public static final long HELD_BEFORE_PUBLISH = 64 * 1024;
    /**
     * Largest command or data message (connect, publish, onMetaData): real ones are under 2 KiB, and
     * AMF0 parsing turns a few input bytes into an object, so a bigger one is a violation.
     */
    public static final int MAX_COMMAND_BYTES = 64 * 1024;
    /** AMF0 nesting depth: commands and onMetaData never go deeper than three. */
    public static final int MAX_AMF_DEPTH = 16;
    /** Entries in one AMF0 object, ECMA array or strict array. */
    public static final int MAX_AMF_ELEMENTS = 4096;

    private RtmpLimits() {
    }
}
