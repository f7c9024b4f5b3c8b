package io.cuecast.core.archfixture;

/** Breaks "only transcode uses FFmpeg", so ArchitectureTest can show that rule fails. Test code only. */
public final class FfmpegOutsideTranscode {
    public Class<?> codec() {
        return org.bytedeco.ffmpeg.avcodec.AVCodecContext.class;
    }
}
