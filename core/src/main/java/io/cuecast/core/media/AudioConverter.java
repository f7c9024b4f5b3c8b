package io.cuecast.core.media;

import java.util.List;

/**
 * Turns one ingest protocol's audio into AAC, the one audio codec every HLS player decodes (Safari
 * plays no Opus in HLS). WebRTC publishers send Opus; the transcode module implements this with
 * FFmpeg, and ingest only sees this interface. Not thread-safe: one caller at a time.
 */
public interface AudioConverter extends AutoCloseable {
    /** The AAC config of what {@link #convert} returns. */
    AacConfig config();

    /**
     * One input packet at media time {@code ms} (milliseconds); returns the AAC access units it
     * completed (often none, sometimes two), each with its own time in ms, as
     * {@link Packet}s on track {@code trackId}.
     */
    List<Packet> convert(byte[] data, int offset, int length, long ms, int trackId);

    /** Frees the native codec state; idempotent. */
    @Override
    void close();
}
