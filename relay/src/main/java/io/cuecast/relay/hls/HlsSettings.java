package io.cuecast.relay.hls;

/**
 * HLS packaging settings.
 *
 * @param segmentDurationMs target segment duration
 * @param windowSegments segments listed in the live playlist
 * @param endGraceMs wait for a reconnect this long before ending the playlist
 * @param corsOrigin Access-Control-Allow-Origin value
 */
public record HlsSettings(int segmentDurationMs, int windowSegments, int endGraceMs, String corsOrigin) {}
