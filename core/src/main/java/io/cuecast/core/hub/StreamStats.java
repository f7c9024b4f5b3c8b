package io.cuecast.core.hub;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live figures of one publish session, written by the publisher's thread and read by the admin API
 * and the metrics registry from anywhere.
 */
public final class StreamStats {
    private final Instant since;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong videoFrames = new AtomicLong();
    private final AtomicLong audioFrames = new AtomicLong();
    private volatile long keyframeIntervalMs;
    private volatile String videoCodec = "";
    private volatile String audioCodec = "";
    private volatile int width;
    private volatile int height;
    private volatile double frameRate;
    private volatile String encoder = "";
    // Bitrate over a sliding window of about two seconds, sampled by the publisher.
    private long windowStartNanos = System.nanoTime();
    private long windowStartBytes;
    private volatile long bitrate;

    /** Starts the figures of a session that began at {@code since}. */
    public StreamStats(Instant since) {
        this.since = since;
    }

    /** When the publisher started. */
    public Instant since() {
        return since;
    }

    /** Counts received bytes and refreshes the bitrate every two seconds. */
    public void addBytes(long n) {
        long total = bytes.addAndGet(n);
        long now = System.nanoTime();
        long elapsed = now - windowStartNanos;
        if (elapsed >= 2_000_000_000L) {
            bitrate = (total - windowStartBytes) * 8L * 1_000_000_000L / elapsed;
            windowStartNanos = now;
            windowStartBytes = total;
        }
    }

    public long bytes() {
        return bytes.get();
    }

    /** Ingest bitrate in bits per second over the last window. */
    public long bitrate() {
        return bitrate;
    }

    public void countVideoFrame() {
        videoFrames.incrementAndGet();
    }

    public void countAudioFrame() {
        audioFrames.incrementAndGet();
    }

    public long videoFrames() {
        return videoFrames.get();
    }

    public long audioFrames() {
        return audioFrames.get();
    }

    public long keyframeIntervalMs() {
        return keyframeIntervalMs;
    }

    public void keyframeIntervalMs(long ms) {
        keyframeIntervalMs = ms;
    }

    public String videoCodec() {
        return videoCodec;
    }

    public String audioCodec() {
        return audioCodec;
    }

    /** Sets what we know of the video track. */
    public void video(String codec, int width, int height, double frameRate) {
        this.videoCodec = codec;
        this.width = width;
        this.height = height;
        if (frameRate > 0) {
            this.frameRate = frameRate;
        }
    }

    public void audioCodec(String codec) {
        this.audioCodec = codec;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public double frameRate() {
        return frameRate;
    }

    /** Sets the frame rate when the encoder announced it (onMetaData) or we measured it. */
    public void frameRate(double fps) {
        if (fps > 0) {
            frameRate = fps;
        }
    }

    public String encoder() {
        return encoder;
    }

    public void encoder(String encoder) {
        this.encoder = encoder == null ? "" : encoder;
    }
}
