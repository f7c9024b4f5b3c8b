package io.cuecast.relay.hls;

/**
 * HLS packaging settings.
 *
 * @param segmentDurationMs target segment duration
 * @param windowSegments segments listed in the live playlist
 * @param endGraceMs wait for a reconnect this long before ending the playlist
 * @param corsOrigin Access-Control-Allow-Origin value
 * @param retainEndedMs how long an ended playlist stays available before its memory is freed
 * @param partDurationMs LL-HLS part target; parts never exceed it
 */
public record HlsSettings(int segmentDurationMs, int windowSegments, int endGraceMs, String corsOrigin,
                          int retainEndedMs, int partDurationMs) {
    /** With the default retention of five minutes and 200 ms parts. */
    public HlsSettings(int segmentDurationMs, int windowSegments, int endGraceMs, String corsOrigin) {
        this(segmentDurationMs, windowSegments, endGraceMs, corsOrigin, 300_000, 200);
    }

    /** With 200 ms parts. */
    public HlsSettings(int segmentDurationMs, int windowSegments, int endGraceMs, String corsOrigin,
                       int retainEndedMs) {
        this(segmentDurationMs, windowSegments, endGraceMs, corsOrigin, retainEndedMs, 200);
    }
}
