package io.cuecast.core.media;

/**
 * One elementary stream of a live stream.
 *
 * @param id track id, unique within the stream, 1-based (it becomes the MP4 track_ID)
 * @param kind what it carries
 * @param timescale ticks per second of every pts/dts of this track
 * @param config decoder configuration
 */
public record Track(int id, MediaKind kind, int timescale, CodecConfig config) {
    public Track {
        if (id <= 0) {
            throw new IllegalArgumentException("track id must be positive: " + id);
        }
        if (timescale <= 0) {
            throw new IllegalArgumentException("timescale must be positive: " + timescale);
        }
    }
}
