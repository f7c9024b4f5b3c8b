package io.cuecast.transcode;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacpp.Loader;

/** Loads FFmpeg's libraries once and quiets its own logging. */
final class Natives {
    static {
        Loader.load(avcodec.class);
        Loader.load(swscale.class);
        // FFmpeg writes to stderr on its own: x264 announces every encoder, the H.264 decoder prints
        // a line per damaged macroblock of a corrupt source. Our log lines and the ladder status
        // (decodeErrors, state, detail with av_strerror's text) say what matters.
        avutil.av_log_set_level(avutil.AV_LOG_FATAL);
    }

    private Natives() {
    }

    /** Runs the static initializer; cheap after the first call. */
    static void load() {
        // the work is in the static initializer
    }
}
