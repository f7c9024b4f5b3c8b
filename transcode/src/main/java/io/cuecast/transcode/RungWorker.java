package io.cuecast.transcode;

import static org.bytedeco.ffmpeg.global.avutil.av_frame_clone;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

import io.cuecast.core.hub.StreamHub;
import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.Packet;
import io.cuecast.core.media.Track;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rung on a thread of its own: scales and encodes the frames the transcoder decoded (shared by
 * reference, not copied) and is the one publisher of the rung's hub, so video, audio and cues reach
 * it in one order. The rungs of a stream encode in parallel while the transcoder decodes the next
 * frame, as FFmpeg's command line runs its encoders; a bounded queue makes a slow rung hold the
 * decoder back instead of piling frames up.
 */
final class RungWorker {
    private static final Logger log = LoggerFactory.getLogger(RungWorker.class);
    /** Tasks waiting per rung: a few frames and the audio between them. */
    static final int QUEUE = 16;
    /** Cues held until the rung's video reaches them. */
    private static final int MAX_PENDING_CUES = 256;
    /** Longest wait for the thread to finish what is queued when the rung stops. */
    private static final long STOP_TIMEOUT_MS = 30_000;

    private record Task(Runnable run, Runnable discard) {}

    private static final Task STOP = new Task(() -> { }, () -> { });

    private final RungEncoder encoder;
    private final StreamHub hub;
    private final int videoTrackId;
    private final int videoTimescale;
    private final BlockingQueue<Task> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread thread;
    private volatile Throwable failure;
    private volatile boolean aborting;
    private boolean closed;
    // Owned by the worker thread.
    private final ArrayDeque<Packet> cues = new ArrayDeque<>();
    private long lastOutputMs = Long.MIN_VALUE;
    /** Timescale of the data track's timestamps, from the last cue queued. */
    private int cueTimescale = 1000;

    RungWorker(String streamId, RungEncoder encoder, StreamHub hub, Track video) {
        this.encoder = encoder;
        this.hub = hub;
        this.videoTrackId = video.id();
        this.videoTimescale = video.timescale();
        this.thread = new Thread(this::loop, "ladder-" + streamId + "-" + encoder.plan().name());
        thread.setDaemon(true);
        thread.start();
    }

    RungEncoder encoder() {
        return encoder;
    }

    StreamHub hub() {
        return hub;
    }

    /** The error that stopped this rung, or null. */
    Throwable failure() {
        return failure;
    }

    /** Queues a decoded frame: a new reference to its buffers, freed once encoded or discarded. */
    void frame(AVFrame decoded, long pts, boolean idr) throws InterruptedException {
        AVFrame ref = av_frame_clone(decoded);
        if (ref == null) {
            throw new FfmpegException("out of native memory for a frame reference");
        }
        submit(new Task(() -> {
            try {
                encoder.encode(ref, pts, idr, this::emit);
            } finally {
                av_frame_free(ref);
            }
        }, () -> av_frame_free(ref)));
    }

    /** Queues an audio packet for the rung's hub. */
    void audio(Packet p) throws InterruptedException {
        submit(new Task(() -> hub.publish(p), () -> { }));
    }

    /** Queues a cue: it is published once the rung's video reaches its time. */
    void cue(Packet p, int timescale) throws InterruptedException {
        submit(new Task(() -> {
            if (cues.size() >= MAX_PENDING_CUES) {
                hub.publish(cues.poll()); // never hold more than a bound; early beats lost
            }
            cues.add(p);
            releaseCues(timescale);
        }, () -> { }));
    }

    /** Queues new tracks for the rung's hub (the source's audio changed). */
    void tracks(List<Track> tracks) throws InterruptedException {
        submit(new Task(() -> hub.update(tracks), () -> { }));
    }

    /** Queues the end: the encoder's last frames and every held cue. */
    void finish() throws InterruptedException {
        submit(new Task(() -> {
            encoder.finish(this::emit);
            while (!cues.isEmpty()) {
                hub.publish(cues.poll());
            }
        }, () -> { }));
    }

    private void submit(Task task) throws InterruptedException {
        if (failure != null || aborting) {
            task.discard().run();
            return;
        }
        try {
            queue.put(task);
        } catch (InterruptedException e) {
            task.discard().run(); // the frame reference it holds would leak (review L3)
            throw e;
        }
    }

    private void emit(EncodedFrame f) {
        hub.publish(new Packet(videoTrackId, f.pts(), f.dts(), f.keyframe(), Bytes.wrap(f.data())));
        lastOutputMs = Math.max(lastOutputMs, f.pts() * 1000 / videoTimescale);
        releaseCues(cueTimescale);
    }

    private void releaseCues(int timescale) {
        cueTimescale = timescale;
        while (!cues.isEmpty() && cues.peek().pts() * 1000 / timescale <= lastOutputMs) {
            hub.publish(cues.poll());
        }
    }

    private void loop() {
        while (true) {
            Task t;
            try {
                t = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (t == STOP) {
                return;
            }
            if (failure != null || aborting) {
                t.discard().run();
                continue;
            }
            try {
                t.run().run();
            } catch (Throwable e) {
                // Any Error too: escaping, it would end this thread and leave the ladder blocked on a
                // full queue forever, its natives and threads leaked (review L3).
                failure = e;
            }
        }
    }

    /**
     * Stops the thread after what is queued ({@code abort}: dropping it), then frees the encoder
     * and ends the rung's hub. Natives are freed only once the thread is gone, never under it.
     */
    void close(boolean abort) {
        if (closed) {
            return;
        }
        closed = true;
        aborting = abort;
        try {
            if (!queue.offer(STOP, STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                thread.interrupt();
            }
            thread.join(STOP_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            // Freeing the encoder under a running thread would crash the JVM: leak it instead.
            log.error("rung {} did not stop within {} ms; its encoder is left allocated", encoder.plan().name(),
                    STOP_TIMEOUT_MS);
        } else {
            Task left;
            while ((left = queue.poll()) != null) {
                left.discard().run();
            }
            encoder.close();
        }
        hub.end();
    }
}
