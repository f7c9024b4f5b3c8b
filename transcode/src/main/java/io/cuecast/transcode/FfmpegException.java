package io.cuecast.transcode;

import java.nio.charset.StandardCharsets;

import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

/** An FFmpeg call failed; the message names the call and FFmpeg's own text for the code. */
public final class FfmpegException extends RuntimeException {
    /** AVERROR(EAGAIN) on Linux: JavaCPP has no helper for it (docs/architecture.md, modules). */
    static final int EAGAIN = -11;

    private final int code;

    FfmpegException(String what, int code) {
        super(what + " failed: " + describe(code) + " (" + code + ")");
        this.code = code;
    }

    FfmpegException(String message) {
        super(message);
        this.code = 0;
    }

    /** The FFmpeg error code, 0 when the failure had none. */
    public int code() {
        return code;
    }

    /** Throws when {@code ret} is an FFmpeg error code, returns it otherwise. */
    static int check(int ret, String what) {
        if (ret < 0) {
            throw new FfmpegException(what, ret);
        }
        return ret;
    }

    static String describe(int code) {
        byte[] buf = new byte[256];
        if (av_strerror(code, buf, buf.length) < 0) {
            return "unknown error";
        }
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }
}
