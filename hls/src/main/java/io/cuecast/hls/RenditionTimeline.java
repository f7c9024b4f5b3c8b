package io.cuecast.hls;

import io.cuecast.hls.cue.DateRange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The sliding window of one rendition's segments. One packager writes (under this object's lock);
 * HTTP handlers read an immutable {@link Snapshot} without locking, so a playlist request never
 * waits for the packager.
 */
public final class RenditionTimeline implements SegmentSink {
    /**
     * An immutable view of the window at one moment.
     *
     * @param info codecs and resolution of the current init segment
     * @param segments the live window, oldest first
     * @param firstSequence media sequence number of the first listed segment
     * @param discontinuitySequence EXT-X-DISCONTINUITY-SEQUENCE
     * @param targetDuration EXT-X-TARGETDURATION
     * @param ended true once EXT-X-ENDLIST is due
     * @param dateRanges EXT-X-DATERANGE tags: those starting inside the window, and every product
     *     still active, so a viewer who joins late still learns what is pinned
     * @param openDiscontinuity the segment in progress follows an EXT-X-DISCONTINUITY: it is written
     *     before its parts, not only once the segment is complete
     */
    public record Snapshot(RenditionInfo info, List<MediaSegment> segments, long firstSequence,
                           long discontinuitySequence, int targetDuration, boolean ended, List<DateRange> dateRanges,
                           List<Part> openParts, double partTarget, String nextPartName,
                           boolean openDiscontinuity) {
        /** Without a discontinuity before the open parts. */
        public Snapshot(RenditionInfo info, List<MediaSegment> segments, long firstSequence,
                        long discontinuitySequence, int targetDuration, boolean ended, List<DateRange> dateRanges,
                        List<Part> openParts, double partTarget, String nextPartName) {
            this(info, segments, firstSequence, discontinuitySequence, targetDuration, ended, dateRanges, openParts,
                    partTarget, nextPartName, false);
        }

        /** A snapshot without date ranges or parts. */
        public Snapshot(RenditionInfo info, List<MediaSegment> segments, long firstSequence,
                        long discontinuitySequence, int targetDuration, boolean ended) {
            this(info, segments, firstSequence, discontinuitySequence, targetDuration, ended, List.of());
        }

        /** A snapshot without parts. */
        public Snapshot(RenditionInfo info, List<MediaSegment> segments, long firstSequence,
                        long discontinuitySequence, int targetDuration, boolean ended, List<DateRange> dateRanges) {
            this(info, segments, firstSequence, discontinuitySequence, targetDuration, ended, dateRanges, List.of(), 0,
                    null);
        }

        /** Media sequence number of the segment in progress (the next one). */
        public long nextSequence() {
            return firstSequence + segments.size();
        }
    }

    /**
     * Blocked requests (reloads, part requests, streamed parts) one rendition holds at once. Each
     * costs about a kilobyte; past it a request is answered at once (see {@link HlsRoutes}).
     */
    public static final int MAX_WAITERS = 10_000;

    /** Changes when the numbering is taken over from another node, so no URI ever names two things. */
    private String tag;
    private int renumbered;
    private final int window;
    private final int configuredTarget;
    private final Map<String, byte[]> inits = new HashMap<>();
    private final List<MediaSegment> segments = new ArrayList<>();
    private final DateRangeWindow dateRanges = new DateRangeWindow();
    private final List<Part> openParts = new ArrayList<>();
    private final Waiters waiters = new Waiters();
    private final int maxWaiters;
    /** CMAF chunks of the part being written (the next entry of openParts once complete). */
    private final List<ByteBuf> partChunks = new ArrayList<>();
    /** Responses streaming a part that is being written or not started yet. */
    private final PartStreams streaming = new PartStreams();
    private double partTarget;
    /** Segments that just left the window stay fetchable this long (one), for players mid-download. */
    private MediaSegment retired;
    private long nextSequence;
    private long discontinuitySequence;
    private int targetDuration;
    private int initVersion;
    private String currentInit;
    private RenditionInfo info;
    private boolean pendingDiscontinuity;
    private boolean closed;
    private volatile Snapshot snapshot;
    /** The media playlist of one snapshot, rendered once; valid only while that snapshot is current. */
    private record Rendered(Snapshot snapshot, String text) {}

    private volatile Rendered rendered;
    private final CompletableFuture<Void> firstSegment = new CompletableFuture<>();
    /** Mirror mode (an edge copying another server's window): what the upstream's playlist said. */
    private Mirrored mirrored;
    /** True while a mirror applies a batch: one snapshot for the whole upstream update. */
    private boolean batching;

    /** The header state an edge copies from the upstream playlist instead of deriving it. */
    private record Mirrored(int window, int targetDuration, List<DateRange> dateRanges, String nextPartName,
                            boolean openDiscontinuity) {}

    /**
     * @param tag a short token unique to this timeline, put into every URI so a restarted server
     *     never serves different bytes under a URI a CDN has cached
     * @param window segments listed
     * @param targetSeconds configured target duration, rounded up
     */
    public RenditionTimeline(String tag, int window, int targetSeconds) {
        this(tag, window, targetSeconds, MAX_WAITERS);
    }

    /** @param maxWaiters blocked requests held at once (see {@link #MAX_WAITERS}) */
    RenditionTimeline(String tag, int window, int targetSeconds, int maxWaiters) {
        this.maxWaiters = maxWaiters;
        this.tag = tag;
        this.window = window;
        this.configuredTarget = targetSeconds;
        this.targetDuration = targetSeconds;
    }

    /** Registers a new init segment; following segments reference it. Returns its URI. */
    @Override
    public synchronized String addInit(byte[] init, RenditionInfo newInfo) {
        String name = "init-" + tag + "-" + initVersion++ + ".mp4";
        inits.put(name, init);
        currentInit = name;
        pruneInits();
        info = newInfo;
        publish(false);
        return name;
    }

    /** The next segment starts a new publish session (EXT-X-DISCONTINUITY) unless it is the first. */
    @Override
    public synchronized void beginSession() {
        pendingDiscontinuity = nextSequence > 0;
        if (snapshot != null && snapshot.ended()) {
            publish(false);
        }
    }

    /** Media sequence number the next segment will get. */
    public synchronized long nextSequence() {
        return nextSequence;
    }

    /** Name the next segment will get. */
    public synchronized String nextSegmentName() {
        return tag + "-" + nextSequence + ".m4s";
    }

    /** URI of the current init segment. */
    public synchronized String currentInit() {
        return currentInit;
    }

    /** A blocked request: complete when part {@code part} of segment {@code msn} exists (-1: the whole segment). */

    /** Sets the advertised PART-TARGET in seconds; 0 turns LL-HLS tags off. */
    public synchronized void partTarget(double seconds) {
        this.partTarget = seconds;
    }

    /** Appends an LL-HLS part, written whole, to the segment in progress; the timeline owns its buffer. */
    public synchronized void addPart(ByteBuf data, double durationSeconds, boolean independent) {
        appendChunk(data);
        completePart(durationSeconds, independent);
    }

    /**
     * Appends a CMAF chunk (moof + mdat) to the part being written: responses streaming that part
     * get it at once. The timeline owns the buffer.
     */
    @Override
    public synchronized void appendChunk(ByteBuf data) {
        if (closed) {
            data.release();
            return;
        }
        partChunks.add(data);
        streaming.chunk(nextSequence, openParts.size(), data);
    }

    /** The part being written is complete: it is listed from now on and its streams end. */
    @Override
    public synchronized void completePart(double durationSeconds, boolean independent) {
        completePart(tag + "-" + nextSequence + "." + openParts.size() + ".m4s", durationSeconds, independent);
    }

    private void completePart(String name, double durationSeconds, boolean independent) {
        if (closed || partChunks.isEmpty()) {
            return;
        }
        ByteBuf data;
        if (partChunks.size() == 1) {
            data = partChunks.get(0);
        } else {
            int total = 0;
            for (ByteBuf c : partChunks) {
                total += c.readableBytes();
            }
            data = Unpooled.directBuffer(total, total);
            for (ByteBuf c : partChunks) {
                data.writeBytes(c, c.readerIndex(), c.readableBytes());
                c.release();
            }
        }
        partChunks.clear();
        int index = openParts.size();
        openParts.add(new Part(name, durationSeconds, independent, data));
        streaming.end(nextSequence, index, true);
        publish(false);
    }

    /**
     * Streams part {@code part} of segment {@code msn} while it is written: the chunks so far at once,
     * the rest as they come, then {@link PartSink#done}. Only the part being written (or the first
     * part of the next segment) can be streamed.
     *
     * @return false when that part cannot be streamed (complete already, or too far ahead)
     */
    public synchronized boolean streamPart(long msn, int part, PartSink sink) {
        if (closed || snapshot == null || snapshot.ended() || waiters.size() + streaming.size() >= maxWaiters) {
            return false;
        }
        boolean current = msn == nextSequence && part == openParts.size();
        boolean next = msn == nextSequence + 1 && part == 0;
        if (!current && !next) {
            return false;
        }
        if (current) {
            for (ByteBuf c : partChunks) {
                sink.chunk(c.retainedDuplicate());
            }
        }
        streaming.add(msn, part, sink);
        return true;
    }

    /** Stops streaming to {@code sink} (its client went away). */
    public synchronized void cancelStream(PartSink sink) {
        streaming.cancel(sink);
    }

    /** Drops the chunks of a part that will not be completed (the publisher left mid-part). */
    public synchronized void abandonPart() {
        partChunks.forEach(ByteBuf::release);
        partChunks.clear();
        int index = openParts.size();
        streaming.end(nextSequence, index, false);
    }

    /** True while the segment in progress has parts. */
    @Override
    public synchronized boolean hasOpenParts() {
        return !openParts.isEmpty();
    }

    /**
     * Turns the open parts into the next segment.
     *
     * @return the segment's size in bytes
     */
    @Override
    public synchronized int completeSegment(double durationSeconds, Instant pdt, String initName,
                                            int videoFrames) {
        return completeSegment(tag + "-" + nextSequence + ".m4s", durationSeconds, pdt, initName, videoFrames, false);
    }

    private int completeSegment(String name, double durationSeconds, Instant pdt, String initName, int videoFrames,
                                boolean discontinuity) {
        if (closed || openParts.isEmpty()) {
            return 0;
        }
        // One exact-size buffer per segment, the parts becoming slices of it: ten small allocations
        // per segment fragment the allocator, one large one is mapped and unmapped whole.
        int total = 0;
        for (Part p : openParts) {
            total += p.data().readableBytes();
        }
        ByteBuf data = Unpooled.directBuffer(total, total);
        List<Part> parts = new ArrayList<>(openParts.size());
        for (Part p : openParts) {
            int offset = data.writerIndex();
            int n = p.data().readableBytes();
            data.writeBytes(p.data(), p.data().readerIndex(), n);
            parts.add(new Part(p.name(), p.durationSeconds(), p.independent(), data.slice(offset, n)));
            p.data().release(); // a response still sending it holds its own reference
        }
        openParts.clear();
        MediaSegment seg = new MediaSegment(nextSequence, name, durationSeconds, pdt,
                discontinuity, initName, videoFrames, data, parts);
        add(seg);
        return seg.size();
    }

    /**
     * Completes when part {@code part} of segment {@code msn} exists, or the whole segment when
     * {@code part} is -1 (RFC 8216bis §6.2.5.2 blocking playlist reload); completes at once when the
     * rendition has ended. Never blocks a thread. After {@code timeoutMs} the future fails with a
     * {@link java.util.concurrent.TimeoutException} and the wait is forgotten.
     *
     * @return the future, or null when the rendition already holds {@link #MAX_WAITERS} waits
     */
    public synchronized CompletableFuture<Void> await(long msn, int part, long timeoutMs) {
        if (closed || (snapshot != null && snapshot.ended()) || satisfied(msn, part)) {
            return CompletableFuture.completedFuture(null);
        }
        if (waiters.size() + streaming.size() >= maxWaiters) {
            return null;
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiters.add(msn, part, f);
        f.orTimeout(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
            if (e != null) {
                forget(msn, part, f);
            }
        });
        return f;
    }

    private synchronized void forget(long msn, int part, CompletableFuture<Void> f) {
        waiters.remove(msn, part, f);
    }

    /** Requests blocked now, for tests and metrics. */
    public synchronized int waiting() {
        return waiters.size() + streaming.size();
    }

    private boolean satisfied(long msn, int part) {
        if (msn < nextSequence) {
            return true;
        }
        return msn == nextSequence && part >= 0 && part < openParts.size();
    }

    private void wakeWaiters(boolean all) {
        List<CompletableFuture<Void>> due = all ? waiters.all() : waiters.due(nextSequence, openParts.size());
        for (CompletableFuture<Void> f : due) {
            f.complete(null);
        }
    }

    /** Appends a finished segment and slides the window; the timeline now owns its buffer. */
    public synchronized void add(MediaSegment s) {
        if (closed) {
            s.data().release();
            return;
        }
        boolean discontinuity = pendingDiscontinuity;
        pendingDiscontinuity = false;
        MediaSegment seg = discontinuity && !s.discontinuity() ? s.withDiscontinuity() : s;
        segments.add(seg);
        nextSequence = seg.sequence() + 1;
        targetDuration = Math.max(targetDuration, (int) Math.round(seg.durationSeconds()));
        // A mirror slides its window at the commit of each upstream update, to the upstream's length.
        if (!batching && mirrored == null) {
            slideTo(window);
        }
        pruneInits();
        publish(false);
        if (!batching) {
            firstSegment.complete(null); // a mirror batch completes it at its commit
        }
    }

    /** Drops the oldest segments beyond {@code length}; the last one dropped stays fetchable a while. */
    private void slideTo(int length) {
        while (segments.size() > length) {
            if (retired != null) {
                retired.data().release();
            }
            retired = segments.remove(0);
            if (retired.discontinuity()) {
                discontinuitySequence++; // its EXT-X-DISCONTINUITY left the playlist (§4.4.3.3)
            }
        }
    }

    /** Keeps only the init segments a listed or retired segment needs, plus the current one. */
    private void pruneInits() {
        inits.keySet().removeIf(n -> !n.equals(currentInit)
                && segments.stream().noneMatch(s -> s.initName().equals(n))
                && (retired == null || !retired.initName().equals(n)));
    }

    /**
     * Another node owned this stream and reached media sequence {@code next}: from the next segment
     * boundary (a keyframe) this rendition continues at {@code next} after an EXT-X-DISCONTINUITY,
     * with {@code discontinuityIndex} discontinuities before it, so an edge that mirrored the other
     * node appends without renumbering. The window is renumbered with it (renamed under a new tag),
     * even when the numbers happen to agree: the media is another node's, so the discontinuity stays.
     */
    public synchronized void continueFrom(long next, long discontinuityIndex) {
        if (closed) {
            return;
        }
        // Numbers may go down as well as up (this node's publisher may have started earlier): a new
        // tag keeps every URI naming one thing for caches that kept the old ones.
        tag = tag + "r" + ++renumbered;
        // Renumbered at once, names too (they carry the number, and a hinted part's request is checked
        // against it): the segment in progress becomes NEXT, the one to follow the other node's, so an
        // edge finds its parts at the number it waits for.
        long shift = next - nextSequence;
        List<MediaSegment> renamed = new ArrayList<>(segments.size());
        for (MediaSegment seg : segments) {
            long n = seg.sequence() + shift;
            List<Part> parts = new ArrayList<>(seg.parts().size());
            for (int i = 0; i < seg.parts().size(); i++) {
                Part p = seg.parts().get(i);
                parts.add(new Part(tag + "-" + n + "." + i + ".m4s", p.durationSeconds(), p.independent(), p.data()));
            }
            renamed.add(new MediaSegment(n, tag + "-" + n + ".m4s", seg.durationSeconds(), seg.programDateTime(),
                    false, seg.initName(), seg.videoFrames(), seg.data(), parts));
        }
        segments.clear();
        segments.addAll(renamed);
        List<Part> open = new ArrayList<>(openParts.size());
        for (int i = 0; i < openParts.size(); i++) {
            Part p = openParts.get(i);
            open.add(new Part(tag + "-" + next + "." + i + ".m4s", p.durationSeconds(), p.independent(), p.data()));
        }
        openParts.clear();
        openParts.addAll(open);
        if (retired != null) {
            retired.data().release();
            retired = null;
        }
        streaming.endAll(); // streams of the old numbers: their clients ask again
        nextSequence = next;
        discontinuitySequence = discontinuityIndex;
        pendingDiscontinuity = true;
        publish(false);
        wakeWaiters(true);
    }

    /** Discontinuities before the segment in progress: EXT-X-DISCONTINUITY-SEQUENCE plus those listed. */
    public synchronized long discontinuityIndex() {
        long n = discontinuitySequence;
        for (MediaSegment seg : segments) {
            if (seg.discontinuity()) {
                n++;
            }
        }
        return n;
    }

    /** Marks the playlist ended (EXT-X-ENDLIST). */
    public synchronized void end() {
        abandonPart();
        streaming.endAll();
        publish(true);
    }

    /** Adds an EXT-X-DATERANGE; it is listed from the next playlist on. */
    @Override
    public synchronized void addDateRange(DateRange range) {
        if (closed) {
            return;
        }
        dateRanges.add(range);
        publish(snapshot != null && snapshot.ended());
    }

    private void publish(boolean ended) {
        if (batching && !ended && !closed) {
            return;
        }
        long first = segments.isEmpty() ? nextSequence : segments.get(0).sequence();
        if (mirrored != null) {
            snapshot = new Snapshot(info, List.copyOf(segments), first, discontinuitySequence,
                    mirrored.targetDuration(), ended, mirrored.dateRanges(), List.copyOf(openParts), partTarget,
                    mirrored.nextPartName(), mirrored.openDiscontinuity() && !openParts.isEmpty());
            wakeWaiters(ended || closed);
            return;
        }
        pruneDateRanges();
        String nextPart = tag + "-" + nextSequence + "." + openParts.size() + ".m4s";
        snapshot = new Snapshot(info, List.copyOf(segments), first, discontinuitySequence,
                Math.max(configuredTarget, targetDuration), ended, dateRanges.list(), List.copyOf(openParts),
                partTarget, nextPart, pendingDiscontinuity && !openParts.isEmpty());
        wakeWaiters(ended || closed);
    }

    /** Drops ranges that started before the window unless their product is still on screen. */
    private void pruneDateRanges() {
        if (segments.isEmpty() || dateRanges.isEmpty()) {
            return;
        }
        MediaSegment last = segments.get(segments.size() - 1);
        dateRanges.prune(segments.get(0).programDateTime(),
                last.programDateTime().plusMillis((long) (last.durationSeconds() * 1000)));
    }

    /** The current window; null before the first init segment. */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** The media playlist text of the current snapshot, rendered once per change. */
    public String playlist() {
        Snapshot s = snapshot;
        if (s == null) {
            return null;
        }
        // Tied to its snapshot: a reader that rendered an older snapshot and stores its text after a
        // newer one was published must not make later readers serve the older playlist.
        Rendered r = rendered;
        if (r != null && r.snapshot() == s) {
            return r.text();
        }
        String text = PlaylistWriter.media(s);
        rendered = new Rendered(s, text);
        return text;
    }

    /** A Playlist Delta Update of the current snapshot (rendered per request: clients ask rarely). */
    public String deltaPlaylist() {
        Snapshot s = snapshot;
        return s == null ? null : PlaylistWriter.media(s, true);
    }

    /** Completes when the first segment exists. */
    public CompletableFuture<Void> firstSegment() {
        return firstSegment;
    }

    /**
     * A segment or init segment by URI, retained for the caller (who must release it), or null when
     * unknown or expired. Under the lock so a segment cannot be freed between lookup and retain.
     */
    public synchronized ByteBuf resource(String name) {
        if (closed) {
            return null;
        }
        if (name.startsWith("init-")) {
            byte[] init = inits.get(name);
            return init == null ? null : Unpooled.wrappedBuffer(init);
        }
        for (MediaSegment seg : segments) {
            if (seg.name().equals(name)) {
                return seg.data().retainedDuplicate();
            }
            for (Part p : seg.parts()) {
                if (p.name().equals(name)) {
                    return p.data().retainedDuplicate();
                }
            }
        }
        for (Part p : openParts) {
            if (p.name().equals(name)) {
                return p.data().retainedDuplicate();
            }
        }
        return retired != null && retired.name().equals(name) ? retired.data().retainedDuplicate() : null;
    }

    // ---- Mirror mode: an edge copies another server's window, names and numbers as given. ----

    /**
     * Starts a mirror batch: the calls up to {@link #mirrorCommit} change the window, and readers see
     * one new snapshot at the commit, never a half-applied upstream update.
     */
    public synchronized void mirrorBegin() {
        batching = true;
    }

    /**
     * Where an empty mirror starts: the upstream window's first media sequence number and its
     * EXT-X-DISCONTINUITY-SEQUENCE. Ignored once the mirror holds a segment or a part.
     */
    public synchronized void mirrorStart(long firstSequence, long discontinuitySequenceValue) {
        if (segments.isEmpty() && openParts.isEmpty() && partChunks.isEmpty()) {
            nextSequence = firstSequence;
            discontinuitySequence = discontinuitySequenceValue;
        }
    }

    /** An upstream init segment under its upstream name; segments added after reference it. */
    public synchronized void mirrorInit(String name, byte[] init, RenditionInfo newInfo) {
        inits.put(name, init);
        currentInit = name;
        if (newInfo != null) {
            info = newInfo;
        }
    }

    /** True when the init segment {@code name} is held. */
    public synchronized boolean hasInit(String name) {
        return inits.containsKey(name);
    }

    /** The chunks appended since the last part complete it, under the upstream's name. */
    public synchronized void mirrorPart(String name, double durationSeconds, boolean independent) {
        completePart(name, durationSeconds, independent);
    }

    /** The open parts make segment {@code nextSequence}, under the upstream's name and flags. */
    public synchronized void mirrorSegment(String name, double durationSeconds, Instant pdt, String initName,
                                           boolean discontinuity) {
        completeSegment(name, durationSeconds, pdt, initName, 0, discontinuity);
    }

    /**
     * A whole upstream segment the mirror did not see part by part (it joined late or fell behind):
     * open parts of it are dropped, and it is appended as it is.
     */
    public synchronized void mirrorWholeSegment(MediaSegment seg) {
        if (closed) {
            seg.data().release();
            return;
        }
        mirrorDropOpen();
        add(seg);
    }

    /** Drops whatever the mirror had of the segment in progress (it will be fetched whole). */
    public synchronized void mirrorDropOpen() {
        abandonPart();
        openParts.forEach(p -> p.data().release());
        openParts.clear();
    }

    /** Names of the open parts, oldest first. */
    public synchronized List<String> openPartNames() {
        return openParts.stream().map(Part::name).toList();
    }

    /** True while chunks of an unfinished part are held. */
    public synchronized boolean hasPartialPart() {
        return !partChunks.isEmpty();
    }

    /**
     * Ends the batch with the upstream playlist's header: its window length, target and part
     * target durations, date ranges and preload hint, then publishes one snapshot.
     */
    public synchronized void mirrorCommit(int upstreamWindow, int targetDurationValue, double partTargetValue,
                                          List<DateRange> ranges, String hint, boolean openDiscontinuity) {
        batching = false;
        int w = Math.max(upstreamWindow, mirrored == null ? 1 : mirrored.window());
        mirrored = new Mirrored(w, targetDurationValue, List.copyOf(ranges), hint, openDiscontinuity);
        partTarget = partTargetValue;
        slideTo(w);
        pruneInits();
        publish(false);
        if (!segments.isEmpty()) {
            firstSegment.complete(null); // after the snapshot that has it
        }
    }

    /** Frees every segment; the timeline serves nothing afterwards. Idempotent. */
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (MediaSegment seg : segments) {
            seg.data().release();
        }
        if (retired != null) {
            retired.data().release();
        }
        for (Part p : openParts) {
            p.data().release();
        }
        openParts.clear();
        partChunks.forEach(ByteBuf::release);
        partChunks.clear();
        streaming.endAll();
        segments.clear();
        retired = null;
        publish(true);
    }

    /** Bytes of the listed and retired segments, for memory accounting. */
    public synchronized long bytesHeld() {
        long n = retired == null ? 0 : retired.size();
        for (MediaSegment seg : segments) {
            n += seg.size();
        }
        return n;
    }
}
