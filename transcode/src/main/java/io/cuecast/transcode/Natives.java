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

    /** Frees a codec context with its packet and frame; each may be null (a half-built owner). */
    static void free(org.bytedeco.ffmpeg.avcodec.AVCodecContext ctx, org.bytedeco.ffmpeg.avcodec.AVPacket packet,
                     org.bytedeco.ffmpeg.avutil.AVFrame frame) {
        if (ctx != null) {
            avcodec.avcodec_free_context(ctx);
        }
        if (packet != null) {
            avcodec.av_packet_free(packet);
        }
        if (frame != null) {
            avutil.av_frame_free(frame);
        }
    }

    /** Runs the static initializer; cheap after the first call. */
    static void load() {
        // the work is in the static initializer
    }
}
