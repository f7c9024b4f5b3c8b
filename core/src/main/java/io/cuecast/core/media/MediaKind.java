package io.cuecast.core.media;

/** What a track carries. */
public enum MediaKind {
    VIDEO,
    AUDIO,
    /** Timed metadata such as product cues; travels with the media on the same clock. */
    DATA
}
