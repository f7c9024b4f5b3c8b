package io.cuecast.relay.mp4;

import io.cuecast.core.media.Bytes;

/**
 * One sample in a fragment, times in the MP4 track's timescale.
 *
 * @param dts decode time
 * @param duration time to the next sample
 * @param compositionOffset pts − dts
 * @param keyframe sync sample
 * @param data the sample bytes
 */
public record Sample(long dts, long duration, int compositionOffset, boolean keyframe, Bytes data) {}
