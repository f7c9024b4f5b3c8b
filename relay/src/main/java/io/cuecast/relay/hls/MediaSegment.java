package io.cuecast.relay.hls;

import java.time.Instant;

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
 * @param data the fragment bytes (one or more moof+mdat; LL-HLS parts will be slices of it)
 */
public record MediaSegment(long sequence, String name, double durationSeconds, Instant programDateTime,
                           boolean discontinuity, String initName, int videoFrames, byte[] data) {
    /** Bits per second of this segment. */
    public long bitrate() {
        return durationSeconds <= 0 ? 0 : (long) (data.length * 8L / durationSeconds);
    }
}
