package io.cuecast.hls;

import io.netty.buffer.ByteBuf;
import java.time.Instant;
import java.util.List;

/**
 * One finished media segment of a rendition, immutable once published.
 *
 * @param sequence media sequence number
 * @param name URI relative to the media playlist
 * @param durationSeconds exact duration (EXTINF)
 * @param programDateTime wall-clock time of its first sample (EXT-X-PROGRAM-DATE-TIME)
 * @param discontinuity true when it follows a publisher reconnect (EXT-X-DISCONTINUITY)
 * @param initName URI of the init segment it needs (EXT-X-MAP)
 * @param videoFrames number of video samples, for the measured frame rate
 * @param data the fragment bytes (one or more moof+mdat; LL-HLS parts will be slices of it), in a
 *     direct buffer owned by the {@link RenditionTimeline}, which releases it when the segment expires
 * @param parts its LL-HLS parts (slices of {@code data}), empty when written whole
 */
public record MediaSegment(long sequence, String name, double durationSeconds, Instant programDateTime,
                           boolean discontinuity, String initName, int videoFrames, ByteBuf data,
                           List<Part> parts) {
    /** A segment written whole, without parts. */
    public MediaSegment(long sequence, String name, double durationSeconds, Instant programDateTime,
                        boolean discontinuity, String initName, int videoFrames, ByteBuf data) {
        this(sequence, name, durationSeconds, programDateTime, discontinuity, initName, videoFrames, data,
                List.of());
    }

    /** Size in bytes. */
    public int size() {
        return data.readableBytes();
    }

    /** Bits per second of this segment. */
    public long bitrate() {
        return durationSeconds <= 0 ? 0 : (long) (size() * 8L / durationSeconds);
    }

    /** The same segment flagged as following a discontinuity. */
    MediaSegment withDiscontinuity() {
        return new MediaSegment(sequence, name, durationSeconds, programDateTime, true, initName, videoFrames, data,
                parts);
    }
}
