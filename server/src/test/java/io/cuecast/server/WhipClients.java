package io.cuecast.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Loader;

/**
 * WHIP publishers for tests. Debian's FFmpeg has no WHIP muxer; the FFmpeg 8.1 program inside the
 * {@code org.bytedeco:ffmpeg} jar (already a dependency of the transcoder) has, with libx264 and libopus.
 */
final class WhipClients {
    private WhipClients() {
    }

    /** The path of FFmpeg 8.1 from the Bytedeco jar, extracted by JavaCPP's loader. */
    static synchronized String ffmpeg8() {
        return Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
    }

    /** lavfi inputs of a source that flashes white and beeps together for 100 ms every 2 s. */
    static final List<String> FLASH_AND_BEEP = List.of(
            "-f", "lavfi", "-i", "color=c=black:s=640x360:r=30,drawbox=c=white:t=fill:enable='lt(mod(t\\,2)\\,0.1)'",
            "-f", "lavfi", "-i", "aevalsrc='if(lt(mod(t\\,2)\\,0.1)\\,0.5*sin(2*PI*1000*t)\\,0)':s=48000");

    /** FFmpeg publishing {@code seconds} of {@link #FLASH_AND_BEEP} over WHIP. */
    static Process ffmpegWhipFlashAndBeep(String url, String key, int seconds, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ffmpeg8(), "-hide_banner", "-loglevel", "info", "-re"));
        cmd.addAll(FLASH_AND_BEEP);
        cmd.addAll(List.of("-t", String.valueOf(seconds), "-c:v", "libx264", "-profile:v", "baseline",
                "-preset", "veryfast", "-tune", "zerolatency", "-pix_fmt", "yuv420p", "-g", "30", "-bf", "0",
                "-b:v", "800k", "-c:a", "libopus", "-ar", "48000", "-ac", "2", "-b:a", "64k",
                "-f", "whip", "-authorization", key, url));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /**
     * Starts FFmpeg publishing {@code seconds} of a 640x360 test pattern (keyframe every second) and
     * a 440 Hz tone over WHIP to {@code url} with {@code key} as Bearer token.
     */
    static Process ffmpegWhip(String url, String key, int seconds, boolean audio, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ffmpeg8(), "-hide_banner", "-loglevel", "info", "-re",
                "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30"));
        if (audio) {
            cmd.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"));
        }
        cmd.addAll(List.of("-t", String.valueOf(seconds), "-c:v", "libx264", "-profile:v", "baseline",
                "-preset", "veryfast", "-tune", "zerolatency", "-pix_fmt", "yuv420p", "-g", "30", "-bf", "0",
                "-b:v", "800k"));
        if (audio) {
            cmd.addAll(List.of("-c:a", "libopus", "-ar", "48000", "-ac", "2", "-b:a", "64k"));
        }
        cmd.addAll(List.of("-f", "whip", "-authorization", key, url));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /**
     * Starts the tests' WHIP client on GStreamer's webrtcbin ({@code whip/gst_whip_client.py}; DTLS
     * {@code actpass}, so we are the DTLS server): a 640x360 pattern with a keyframe every second, and
     * Opus when {@code audio}, for {@code seconds}; then it DELETEs its session and exits.
     */
    static Process gstreamerWhip(String url, String key, int seconds, boolean audio, Path log) throws IOException {
        Path script = Path.of("src", "test", "resources", "whip", "gst_whip_client.py").toAbsolutePath();
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script.toString(), url, key,
                String.valueOf(seconds)));
        if (audio) {
            cmd.add("--audio");
        }
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
