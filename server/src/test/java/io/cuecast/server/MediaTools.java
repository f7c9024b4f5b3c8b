package io.cuecast.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real clients and probes: ffmpeg, ffprobe, GStreamer. Every call is bounded in time. */
final class MediaTools {
    private static final Path FIXTURES = Path.of("target", "fixtures");

    private MediaTools() {
    }

    /** Result of a finished process. */
    record Result(int exit, String output) {}

    static Result run(long timeoutSeconds, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[][] out = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = new byte[0];
            }
        });
        reader.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            reader.join(5000);
            throw new AssertionError("timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
        }
        reader.join(5000);
        return new Result(p.exitValue(), out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8));
    }

    /**
     * A synthetic H.264 High + AAC LC FLV file with a keyframe every 2 s, made once per build.
     */
    static synchronized Path fixture(int seconds, int width, int height) throws Exception {
        Files.createDirectories(FIXTURES);
        Path f = FIXTURES.resolve("src-" + seconds + "s-" + width + "x" + height + ".flv").toAbsolutePath();
        if (Files.exists(f)) {
            return f;
        }
        Path tmp = FIXTURES.resolve("tmp-" + System.nanoTime() + ".flv").toAbsolutePath();
        Result r = run(120, List.of("ffmpeg", "-hide_banner", "-v", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=" + width + "x" + height + ":rate=30",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-t", String.valueOf(seconds), "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-b:v", "800k",
                "-c:a", "aac", "-b:a", "96k", "-f", "flv", tmp.toString()));
        if (r.exit() != 0) {
            throw new AssertionError("fixture generation failed: " + r.output());
        }
        Files.move(tmp, f);
        return f;
    }

    /** Starts {@code ffmpeg -re -i FILE -c copy -f flv URL}, the way OBS-like encoders publish. */
    static Process publish(Path file, String url) throws IOException {
        return new ProcessBuilder("ffmpeg", "-hide_banner", "-v", "error", "-re", "-i", file.toString(),
                "-c", "copy", "-f", "flv", url).redirectErrorStream(true).start();
    }

    /** Publishes {@code seconds} of test pattern with GStreamer's rtmp2sink, an independent RTMP client. */
    static Result publishGstreamer(String url, int seconds) throws Exception {
        int frames = seconds * 30;
        int audioBuffers = seconds * 48000 / 1024;
        return run(seconds + 60L, List.of("gst-launch-1.0", "-q",
                "videotestsrc", "is-live=true", "num-buffers=" + frames, "!",
                "video/x-raw,format=I420,width=640,height=360,framerate=30/1", "!",
                "x264enc", "key-int-max=60", "tune=zerolatency", "speed-preset=veryfast", "bitrate=800", "!",
                "h264parse", "!", "flvmux", "name=mux", "streamable=true", "!", "rtmp2sink", "location=" + url,
                "audiotestsrc", "is-live=true", "num-buffers=" + audioBuffers, "samplesperbuffer=1024", "!",
                "audio/x-raw,rate=48000,channels=2", "!", "audioconvert", "!", "avenc_aac", "!", "aacparse", "!",
                "mux."));
    }

    /** ffprobe's view of a URL or file: one "codec_type codec_name width height" line per stream. */
    static List<String> probeStreams(String input) throws Exception {
        Result r = run(60, List.of("ffprobe", "-v", "error", "-show_entries",
                "stream=codec_type,codec_name,width,height", "-of", "csv=p=0", input));
        if (r.exit() != 0) {
            throw new AssertionError("ffprobe failed on " + input + ": " + r.output());
        }
        List<String> lines = new ArrayList<>();
        r.output().lines().filter(l -> !l.isBlank()).forEach(lines::add);
        return lines;
    }

    /** Decodes a file completely; returns ffmpeg's error output (empty when it decoded cleanly). */
    static Result decode(Path file) throws Exception {
        // Frames keep their own times, in the file's time base. WebRTC video has a variable frame rate
        // (a browser tab in the background captures in bursts); a 1/fps encoder time base would round
        // two frames 38 ms apart at 20 fps onto one tick and report "non monotonically increasing dts".
        return run(60, List.of("ffmpeg", "-hide_banner", "-v", "error", "-i", file.toString(), "-fps_mode", "passthrough",
                "-enc_time_base", "-1", "-f", "null", "-"));
    }

    /**
     * A/V offsets of a file made from {@link WhipClients#FLASH_AND_BEEP}: for each beep after the first
     * silence, audio start − the nearest flash start, in ms (positive: audio late).
     */
    static List<Long> avOffsetsMs(Path file) throws Exception {
        Result r = run(120, List.of("ffmpeg", "-hide_banner", "-i", file.toString(),
                "-vf", "signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=-",
                "-af", "silencedetect=n=-30dB:d=0.05", "-f", "null", "-"));
        List<Double> flashes = new ArrayList<>();
        List<Double> beeps = new ArrayList<>();
        double time = -1;
        double previousY = 0;
        for (String line : r.output().lines().toList()) {
            int at = line.indexOf("pts_time:");
            if (at >= 0) {
                time = Double.parseDouble(line.substring(at + 9).trim());
            } else if (line.startsWith("lavfi.signalstats.YAVG=")) {
                double y = Double.parseDouble(line.substring(line.indexOf('=') + 1));
                if (y > 128 && previousY <= 128) {
                    flashes.add(time);
                }
                previousY = y;
            } else if (line.contains("silence_end:")) {
                String v = line.substring(line.indexOf("silence_end:") + 12).trim();
                beeps.add(Double.parseDouble(v.substring(0, v.indexOf(' '))));
            }
        }
        List<Long> offsets = new ArrayList<>();
        double end = time;
        for (double beep : beeps) {
            if (beep > end - 0.2) {
                continue; // silencedetect closes the last silence at the end of the file: not a beep
            }
            double nearest = Double.NaN;
            for (double f : flashes) {
                if (Double.isNaN(nearest) || Math.abs(f - beep) < Math.abs(nearest - beep)) {
                    nearest = f;
                }
            }
            if (!Double.isNaN(nearest) && Math.abs(nearest - beep) < 1.0) {
                offsets.add(Math.round((beep - nearest) * 1000));
            }
        }
        return offsets;
    }
}
