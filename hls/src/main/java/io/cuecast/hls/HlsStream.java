package io.cuecast.hls;

import io.cuecast.config.CuecastConfig;
import io.cuecast.core.hub.OfferedRenditions;
import io.cuecast.core.hub.SerialExecutor;
import io.cuecast.core.hub.StreamHub;
import io.cuecast.core.time.Scheduler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The HLS output of one stream id across publish sessions: the source rendition and the ladder's
 * renditions. A reconnecting publisher continues the same playlists after an EXT-X-DISCONTINUITY;
 * a publisher gone longer than the grace period ends them with EXT-X-ENDLIST.
 *
 * <p>Every rendition of a stream is packaged on one serial executor with one {@link SessionClock}
 * per session, so their segments share timestamps and program date-times.
 */
public final class HlsStream implements HlsOutput {
    /** Queue bound of the packager's hub reader: about ten seconds of 30 fps video plus audio. */
    static final int READER_CAPACITY = 1024;
    /** The name of the stream's own (passthrough) rendition. */
    public static final String SOURCE = OfferedRenditions.SOURCE;

    private final String streamId;
    private final CuecastConfig.Hls settings;
    private final Supplier<OfferedRenditions> offered;
    private final CueParseCache cueParser = new CueParseCache();
    private final RenditionTimeline source;
    private final Map<String, RenditionTimeline> ladder = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Scheduler scheduler;
    private final Function<String, LongConsumer> onSegment;
    private final Runnable onExpired;
    private final String tag;
    private Scheduler.Cancellable endTimer;
    private final AtomicLong timelineEnd = new AtomicLong();
    private final SerialExecutor serial;
    private volatile boolean live;
    private volatile StreamHub hub;
    private SessionClock sessionClock;
    /** Ladder renditions of the current (or last) session still producing, in announcement order. */
    private final Set<String> activeRungs = Collections.synchronizedSet(new LinkedHashSet<>());
    private long session;

    /**
     * @param onSegment per rendition name, called with each finished segment's size
     */
    HlsStream(String streamId, CuecastConfig.Hls settings, Supplier<OfferedRenditions> offered, Clock clock,
              Executor packagers, Scheduler scheduler, Function<String, LongConsumer> onSegment,
              Runnable onExpired) {
        this.offered = offered;
        this.onExpired = onExpired;
        this.serial = new SerialExecutor(packagers);
        this.streamId = streamId;
        this.settings = settings;
        this.clock = clock;
        this.scheduler = scheduler;
        this.onSegment = onSegment;
        this.tag = Long.toString(clock.millis(), 36);
        this.source = newTimeline();
    }

    private RenditionTimeline newTimeline() {
        RenditionTimeline t = new RenditionTimeline(tag, settings.windowSegments(),
                (int) Math.ceil(settings.segmentDurationMs() / 1000.0));
        t.partTarget(settings.partDurationMs() / 1000.0);
        return t;
    }

    /** The stream id. */
    public String streamId() {
        return streamId;
    }

    /** True while a publisher is attached. */
    @Override
    public boolean live() {
        return live;
    }

    /** Every rendition with a timeline, the source first, then the ladder's largest first. */
    @Override
    public List<RenditionTimeline> renditions() {
        List<RenditionTimeline> out = new ArrayList<>();
        out.add(source);
        out.addAll(sortedLadder(ladder.keySet()));
        return out;
    }

    private List<RenditionTimeline> sortedLadder(Collection<String> names) {
        return names.stream().map(ladder::get).filter(Objects::nonNull)
                .sorted(Comparator.comparingLong(HlsStream::area).reversed()).toList();
    }

    private static long area(RenditionTimeline t) {
        RenditionTimeline.Snapshot s = t.snapshot();
        return s == null || s.info() == null ? 0 : (long) s.info().width() * s.info().height();
    }

    /** Every rendition's path name, the source first. */
    public List<String> renditionNames() {
        List<String> out = new ArrayList<>();
        out.add(SOURCE);
        out.addAll(ladder.keySet());
        return out;
    }

    /** A rendition by its path name, or null. */
    @Override
    public RenditionTimeline rendition(String name) {
        return SOURCE.equals(name) ? source : ladder.get(name);
    }

    /** Attaches a packager to a new publish session's hub. */
    synchronized void startSession(StreamHub newHub) {
        if (endTimer != null) {
            endTimer.cancel();
            endTimer = null;
        }
        live = true;
        hub = newHub;
        long current = ++session;
        sessionClock = new SessionClock(clock, timelineEnd, newHub);
        activeRungs.clear();
        HlsPackager p = new HlsPackager(streamId, SOURCE, source, settings.segmentDurationMs(),
                settings.partDurationMs(), sessionClock, onSegment.apply(SOURCE), () -> sessionEnded(current), cueParser);
        newHub.attach("hls/" + streamId + "/" + SOURCE, p, serial, READER_CAPACITY);
    }

    /** Attaches a packager to a ladder rendition of the current session. */
    synchronized void startRendition(StreamHub sourceHub, String name, StreamHub rendition) {
        if (sourceHub != hub || SOURCE.equals(name)) {
            return; // a rendition of a session that is already over
        }
        long current = session;
        RenditionTimeline timeline = ladder.computeIfAbsent(name, n -> newTimeline());
        activeRungs.add(name);
        HlsPackager p = new HlsPackager(streamId, name, timeline, settings.segmentDurationMs(),
                settings.partDurationMs(), sessionClock, onSegment.apply(name), () -> renditionEnded(current, name),
                cueParser);
        rendition.attach("hls/" + streamId + "/" + name, p, serial, READER_CAPACITY);
    }

    private synchronized void renditionEnded(long ended, String name) {
        if (ended == session && live) {
            // The ladder stopped while the source goes on (a transcoder failure): players must
            // leave this rendition, so it leaves the multivariant playlist and its playlist ends.
            activeRungs.remove(name);
            RenditionTimeline t = ladder.get(name);
            if (t != null) {
                t.end();
            }
        }
    }

    private synchronized void sessionEnded(long ended) {
        if (ended != session) {
            return; // a newer session already took over
        }
        live = false;
        // The timers only hand over: the scheduler thread also drives every packager, and ending a
        // rendition answers its blocked requests. The stream's serial executor does the work.
        endTimer = scheduler.schedule(() -> serial.execute(this::endAfterGrace), settings.endGraceMs());
    }

    private synchronized void endAfterGrace() {
        if (live) {
            return;
        }
        source.end();
        ladder.values().forEach(RenditionTimeline::end);
        // An ended stream would otherwise hold its window forever: free it after a while.
        endTimer = scheduler.schedule(() -> serial.execute(() -> {
            synchronized (HlsStream.this) {
                if (live) {
                    return;
                }
            }
            onExpired.run();
        }), settings.retainEndedMs());
    }

    /** Stops packaging at once (the stream was deleted). */
    synchronized void close() {
        if (endTimer != null) {
            endTimer.cancel();
        }
        // The packagers are not detached here: the deleted stream's hub ends, and its onEnd frees the
        // segment in progress. Segments they still write go to closed timelines, which free them.
        source.close();
        ladder.values().forEach(RenditionTimeline::close);
        live = false;
    }

    /** Bytes of media held by every rendition. */
    public long bytesHeld() {
        long sum = 0;
        for (RenditionTimeline t : renditions()) {
            sum += t.bytesHeld();
        }
        return sum;
    }

    /**
     * The multivariant playlist: the source (unless a ladder without passthrough replaces it) and
     * the current session's ladder renditions that have a segment, or null before the first one.
     */
    @Override
    public String multivariant() {
        List<PlaylistWriter.Variant> variants = new ArrayList<>();
        OfferedRenditions offer = offered.get();
        boolean offerSource = offer.offers(SOURCE);
        if (offerSource) {
            PlaylistWriter.Variant v = variant(source);
            if (v != null) {
                variants.add(v);
            }
        }
        for (RenditionTimeline t : sortedLadder(offeredRungs(offer))) {
            PlaylistWriter.Variant v = variant(t);
            if (v != null) {
                variants.add(v);
            }
        }
        if (variants.isEmpty() && !offerSource) {
            PlaylistWriter.Variant v = variant(source);
            if (v != null) {
                variants.add(v);
            }
        }
        return variants.isEmpty() ? null : PlaylistWriter.multivariant(variants);
    }

    /**
     * EXT-X-RENDITION-REPORT lines (RFC 8216bis §4.4.5.4) for the renditions players are offered
     * besides {@code self}: their last media sequence number and part, so a low-latency player can
     * switch to one with a blocking request for exactly the next part.
     */
    @Override
    public String renditionReports(RenditionTimeline self) {
        List<String> names = new ArrayList<>();
        OfferedRenditions offer = offered.get();
        if (offer.offers(SOURCE)) {
            names.add(SOURCE);
        }
        names.addAll(offeredRungs(offer));
        List<PlaylistWriter.RenditionReport> reports = new ArrayList<>();
        for (String name : names) {
            RenditionTimeline t = rendition(name);
            if (t == null || t == self) {
                continue;
            }
            RenditionTimeline.Snapshot s = t.snapshot();
            if (s == null || s.segments().isEmpty() || s.ended()) {
                continue;
            }
            if (!s.openParts().isEmpty()) {
                reports.add(new PlaylistWriter.RenditionReport(name, s.nextSequence(), s.openParts().size() - 1));
            } else {
                MediaSegment last = s.segments().get(s.segments().size() - 1);
                reports.add(new PlaylistWriter.RenditionReport(name, last.sequence(), last.parts().size() - 1));
            }
        }
        return PlaylistWriter.renditionReports(reports);
    }

    /** Ladder renditions that are offered and still producing, in the order they started. */
    private List<String> offeredRungs(OfferedRenditions offer) {
        synchronized (activeRungs) {
            return activeRungs.stream().filter(offer::offers).toList();
        }
    }

    private static PlaylistWriter.Variant variant(RenditionTimeline t) {
        RenditionTimeline.Snapshot s = t.snapshot();
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
        return new PlaylistWriter.Variant(s.info(), peak, average, fps);
    }
}
