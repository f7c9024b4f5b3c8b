package io.cuecast.transcode;

/**
 * One access unit out of a rung's encoder.
 *
 * @param pts presentation time in the source track's timescale
 * @param dts decode time in the same timescale
 * @param keyframe an IDR
 * @param data length-prefixed NAL units
 */
record EncodedFrame(long pts, long dts, boolean keyframe, byte[] data) {}
