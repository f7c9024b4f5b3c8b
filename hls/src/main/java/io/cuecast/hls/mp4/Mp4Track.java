package io.cuecast.hls.mp4;

import io.cuecast.core.media.CodecConfig;
import io.cuecast.core.media.MediaKind;

/**
 * A track as it appears in the MP4 output; its timescale may differ from the hub track's
 * (90 kHz for video, the sample rate for AAC) so durations are exact.
 *
 * @param id MP4 track_ID
 * @param kind video or audio
 * @param timescale ticks per second in the MP4 output
 * @param config decoder configuration
 */
public record Mp4Track(int id, MediaKind kind, int timescale, CodecConfig config) {}
