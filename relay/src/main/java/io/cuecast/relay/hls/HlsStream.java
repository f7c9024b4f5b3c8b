package io.cuecast.relay.hls;

import io.cuecast.core.hub.SerialExecutor;
import io.cuecast.core.hub.StreamHub;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The HLS output of one stream id across publish sessions: a reconnecting publisher continues the
 * same playlist after an EXT-X-DISCONTINUITY; a publisher gone longer than the grace period ends it
 * with EXT-X-ENDLIST.
 */
public final class HlsStream {
    /** Queue bound of the packager's hub reader: about ten seconds of 30 fps video plus audio. */
    static final int READER_CAPACITY = 1024;

    private final String streamId;
    private final HlsSettings settings;
    private final RenditionTimeline source;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final LongConsumer onSegment;
    private final Runnable onExpired;
    private ScheduledFuture<?> endTimer;
    private final AtomicLong timelineEnd = new AtomicLong();
    private final SerialExecutor serial;
    private volatile boolean live;
    private long session;

    HlsStream(String streamId, HlsSettings settings, Clock clock, Executor packagers,
              ScheduledExecutorService scheduler, LongConsumer onSegment, Runnable onExpired) {
        this.onExpired = onExpired;
        this.serial = new SerialExecutor(packagers);
        this.streamId = streamId;
        this.settings = settings;
        this.clock = clock;
        this.scheduler = scheduler;
        this.onSegment = onSegment;
        String tag = Long.toString(clock.millis(), 36);
        this.source = new RenditionTimeline(tag, settings.windowSegments(),
                (int) Math.ceil(settings.segmentDurationMs() / 1000.0));
        source.partTarget(settings.partDurationMs() / 1000.0);
    }

    /** The stream id. */
    public String streamId() {
        return streamId;
    }

    /** True while a publisher is attached. */
    public boolean live() {
        return live;
    }

    /** The renditions, highest first. */
    public List<RenditionTimeline> renditions() {
        return List.of(source);
    }

    /** A rendition by its path name, or null. */
    public RenditionTimeline rendition(String name) {
        return "source".equals(name) ? source : null;
    }

    /** Attaches a packager to a new publish session's hub. */
    synchronized void startSession(StreamHub hub) {
        if (endTimer != null) {
            endTimer.cancel(false);
            endTimer = null;
        }
        live = true;
        long current = ++session;
        HlsPackager p = new HlsPackager(streamId, source, settings.segmentDurationMs(), settings.partDurationMs(),
                clock, timelineEnd,
                onSegment, () -> sessionEnded(current));
        hub.attach("hls/" + streamId + "/source", p, serial, READER_CAPACITY);
    }

    private synchronized void sessionEnded(long ended) {
        if (ended != session) {
            return; // a newer session already took over
        }
        live = false;
        endTimer = scheduler.schedule(() -> {
            synchronized (HlsStream.this) {
                if (live) {
                    return;
                }
                source.end();
                // An ended stream would otherwise hold its window forever: free it after a while.
                endTimer = scheduler.schedule(() -> {
                    synchronized (HlsStream.this) {
                        if (live) {
                            return;
                        }
                    }
                    onExpired.run();
                }, settings.retainEndedMs(), TimeUnit.MILLISECONDS);
            }
        }, settings.endGraceMs(), TimeUnit.MILLISECONDS);
    }

    /** Stops packaging at once (the stream was deleted). */
    synchronized void close() {
        if (endTimer != null) {
            endTimer.cancel(false);
        }
        // The packager is not detached here: the deleted stream's hub ends, and its onEnd frees the
        // segment in progress. Segments it still writes go to a closed timeline, which frees them.
        source.close();
        live = false;
    }

    /** The multivariant playlist, or null before the first segment. */
    public String multivariant() {
        RenditionTimeline.Snapshot s = source.snapshot();
        if (s == null || s.segments().isEmpty() || s.info() == null) {
            return null;
        }
        long peak = 0, total = 0;
        double seconds = 0;
        int frames = 0;
        for (MediaSegment seg : s.segments()) {
            peak = Math.max(peak, seg.bitrate());
            total += seg.size();
            seconds += seg.durationSeconds();
            frames += seg.videoFrames();
        }
        long average = seconds > 0 ? (long) (total * 8 / seconds) : 0;
        double fps = s.info().frameRate() > 0 ? s.info().frameRate()
                : FrameRates.snap(seconds > 0 ? frames / seconds : 0);
        return PlaylistWriter.multivariant(List.of(new PlaylistWriter.Variant(s.info(), peak, average, fps)));
    }
}
