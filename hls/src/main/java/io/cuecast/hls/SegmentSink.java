package io.cuecast.hls;

import io.cuecast.hls.cue.DateRange;
import io.netty.buffer.ByteBuf;
import java.time.Instant;

/**
 * What a packager writes a rendition into, call by call: the in-memory LL-HLS window
 * ({@link RenditionTimeline}) today; a recorder or an edge's mirror can take the same calls.
 * Buffers handed over belong to the sink.
 */
public interface SegmentSink {
    /** A new publish session starts: the next segment follows an EXT-X-DISCONTINUITY. */
    void beginSession();

    /**
     * An init segment (ftyp + moov) for the segments that follow.
     *
     * @return its URI name
     */
    String addInit(byte[] init, RenditionInfo info);

    /** A CMAF chunk (moof + mdat) of the part being written. */
    void appendChunk(ByteBuf data);

    /** The part being written is complete. */
    void completePart(double durationSeconds, boolean independent);

    /** True while the segment in progress has parts. */
    boolean hasOpenParts();

    /**
     * The segment in progress is complete: its parts make it.
     *
     * @return its size in bytes, 0 when there was nothing to complete
     */
    int completeSegment(double durationSeconds, Instant programDateTime, String initName, int videoFrames);

    /** A cue's EXT-X-DATERANGE, for the playlist. */
    void addDateRange(DateRange range);
}
