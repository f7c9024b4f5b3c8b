package io.cuecast.hls;

import io.netty.buffer.ByteBuf;

/**
 * One LL-HLS partial segment (RFC 8216bis §4.4.4.9): a CMAF fragment of the segment in progress.
 *
 * @param name URI relative to the media playlist, {@code TAG-MSN.INDEX.m4s}
 * @param durationSeconds EXT-X-PART DURATION
 * @param independent true when it starts with a keyframe (INDEPENDENT=YES)
 * @param data the fragment; the segment it belongs to owns the buffer
 */
public record Part(String name, double durationSeconds, boolean independent, ByteBuf data) {}
