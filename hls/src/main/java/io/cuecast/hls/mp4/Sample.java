package io.cuecast.hls.mp4;

/**
 * One sample in a fragment, times in the MP4 track's timescale. Its bytes travel separately (see
 * {@link FragmentWriter}), so segments in progress can keep them off the Java heap.
 *
 * @param dts decode time
 * @param duration time to the next sample
 * @param compositionOffset pts − dts
 * @param keyframe sync sample
 * @param size bytes of the sample
 */
public record Sample(long dts, long duration, int compositionOffset, boolean keyframe, int size) {}
