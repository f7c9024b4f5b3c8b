package io.cuecast.relay.edge;

import io.cuecast.core.hub.SerialExecutor;
import io.cuecast.hls.MediaSegment;
import io.cuecast.hls.Part;
import io.cuecast.hls.RenditionTimeline;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.URI;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rendition an edge mirrors while it has viewers: exactly one blocking playlist request for the
 * next part (RFC 8216bis §6.2.5.2) and one request for the preload-hinted part (§6.2.6), streamed
 * into the local timeline as it arrives, are in flight upstream at any time. Each upstream playlist
 * is applied to the local {@link RenditionTimeline} in one batch under the upstream's names and
 * numbers, so the playlists the edge writes are the upstream's and local viewers are answered by
 * the same blocking and streaming code as on the origin. Everything runs on one serial executor.
 */
final class RenditionMirror {
    private static final Logger log = LoggerFactory.getLogger(RenditionMirror.class);
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_.]+-(\\d{1,18})\\.(\\d{1,6})\\.m4s");
    /** Longest wait for a blocking playlist: the origin answers after at most three target durations. */
    private static final Duration BLOCKING_TIMEOUT = Duration.ofSeconds(12);
    private static final Duration MEDIA_TIMEOUT = Duration.ofSeconds(10);

    private final EdgeStream stream;
    private final String name;
    private final RenditionTimeline timeline;
    private final SerialExecutor serial;
    private volatile long lastAccess = System.nanoTime();
    private volatile String reports = "";
    private Hint hint;
    /**
     * The mirror closed a segment of its own (its upstream changed mid-segment): the next segment
     * appended follows a discontinuity, whatever the new upstream says.
     */
    private boolean carryDiscontinuity;
    /** Set by {@link #stop} from any thread; read by the mirror's steps. */
    private volatile boolean stopped;
    private int failures;

    /** The preload-hinted part being fetched. */
    private static final class Hint {
        final String name;
        final boolean attached;
        final List<byte[]> chunks = new ArrayList<>();
        Upstream.Streamed request;
        final CompletableFuture<Boolean> done = new CompletableFuture<>();

        Hint(String name, boolean attached) {
            this.name = name;
            this.attached = attached;
        }

        void release() {
            chunks.clear();
        }
    }

    RenditionMirror(EdgeStream stream, String name, RenditionTimeline timeline, SerialExecutor serial) {
        this.stream = stream;
        this.name = name;
        this.timeline = timeline;
        this.serial = serial;
    }

    String name() {
        return name;
    }

    RenditionTimeline timeline() {
        return timeline;
    }

    void touch() {
        lastAccess = System.nanoTime();
    }

    long idleMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastAccess);
    }

    /** EXT-X-RENDITION-REPORT lines of the last upstream playlist applied. */
    String reports() {
        return reports;
    }

    void start() {
        serial.execute(() -> request(null));
    }

    /** Stops mirroring and frees the window (no viewer asked for a while, or the stream is gone). */
    void stop(boolean end) {
        // The window is ended or freed here, at once, from whatever thread asks (its methods lock it):
        // at shutdown the mirror's executor may already refuse work, and a window left open would
        // keep its buffers. Steps still queued see the flag and do nothing.
        stopped = true;
        if (end) {
            timeline.end();
        } else {
            timeline.close();
        }
        try {
            serial.execute(this::dropHint);
        } catch (RejectedExecutionException e) {
            // shutting down: the hinted request dies with the HTTP client
        }
    }

    private URI uri(String file, String query) {
        return stream.base().resolve(name + "/" + file + (query == null ? "" : "?" + query));
    }

    /** One blocking playlist request for the next part, or the plain playlist when starting. */
    private void request(String query) {
        if (stopped) {
            return;
        }
        stream.upstream().text(uri("index.m3u8", query), Upstream.Kind.PLAYLIST, BLOCKING_TIMEOUT)
                .whenCompleteAsync((t, err) -> {
                    if (stopped) {
                        return;
                    }
                    if (err != null || t.status() != 200) {
                        failed(err != null ? err.toString() : "status " + t.status());
                        return;
                    }
                    MediaPlaylist pl;
                    try {
                        pl = MediaPlaylist.parse(t.body());
                    } catch (IllegalArgumentException e) {
                        failed("unreadable playlist: " + e.getMessage());
                        return;
                    }
                    apply(pl);
                }, serial);
    }

    private void failed(String why) {
        failures++;
        if (failures == 1 || failures % 20 == 0) {
            log.warn("edge {}/{}: upstream {} failed ({}), retrying", stream.id(), name, stream.base(), why);
        }
        // The origin may have died: look for the stream's owner again, then ask for the full playlist.
        stream.upstreamFailed();
        // Quick retries (a dead origin's successor is usually found within a lease period), at most
        // two a second per rendition.
        long delay = Math.min(500, 100L * failures);
        stream.schedule(() -> serial.execute(() -> request(null)), delay);
    }

    /** Brings the local window to {@code pl}, fetching what is missing, then asks for the next part. */
    private void apply(MediaPlaylist pl) {
        long next = timeline.nextSequence();
        boolean empty = timeline.snapshot() == null || timeline.snapshot().segments().isEmpty()
                && timeline.openPartNames().isEmpty();
        if (!empty && pl.nextSequence() < next && !pl.ended()) {
            // An upstream behind us (a stale answer): ask again for what we need.
            nextRequest();
            return;
        }
        if (!empty && pl.mediaSequence() > next) {
            // We fell out of the upstream window: numbering cannot continue, start over from its window.
            log.warn("edge {}/{}: behind the upstream window ({} < {}), restarting the mirror", stream.id(), name, next,
                    pl.mediaSequence());
            timeline.mirrorBegin();
            timeline.mirrorDropOpen();
            empty = true;
        }
        List<Step> steps = new ArrayList<>();
        List<CompletableFuture<?>> fetches = new ArrayList<>();
        Set<String> inits = new HashSet<>();
        for (MediaPlaylist.Segment seg : pl.segments()) {
            if (!timeline.hasInit(seg.initName()) && inits.add(seg.initName())) {
                CompletableFuture<byte[]> f = stream.upstream().bytes(uri(seg.initName(), null), Upstream.Kind.INIT,
                        MEDIA_TIMEOUT);
                fetches.add(f);
                steps.add(new Step(() -> timeline.mirrorInit(seg.initName(), f.join(), null)));
            }
        }
        long local = empty ? pl.mediaSequence() : next;
        List<String> open = empty ? List.of() : timeline.openPartNames();
        if (!open.isEmpty() && otherParts(pl, local, open)) {
            // The upstream has other parts for the segment in progress: a new owner's (failover). Parts a
            // viewer may have played are never replaced: what we have becomes a segment of its own, the
            // upstream's version of it is skipped, and the next one follows a discontinuity.
            long closing = local;
            steps.add(new Step(() -> closeOpen(closing)));
            local++;
            open = List.of();
        }
        for (MediaPlaylist.Segment seg : pl.segments()) {
            if (seg.sequence() < local) {
                continue;
            }
            if (seg.sequence() == local && !seg.parts().isEmpty() && isPrefix(open, seg.parts())) {
                addParts(seg.parts().subList(open.size(), seg.parts().size()), steps, fetches);
                steps.add(new Step(() -> {
                    abandonPartial();
                    timeline.mirrorSegment(seg.name(), seg.durationSeconds(), seg.programDateTime(), seg.initName(),
                            seg.discontinuity() | takeCarry());
                }));
            } else {
                CompletableFuture<List<byte[]>> whole = wholeSegment(seg);
                fetches.add(whole);
                steps.add(new Step(() -> timeline.mirrorWholeSegment(segment(seg, whole.join(), takeCarry()))));
            }
            local = seg.sequence() + 1;
            open = List.of();
        }
        if (pl.nextSequence() == local && !pl.ended()) {
            if (isPrefix(open, pl.openParts())) {
                addParts(pl.openParts().subList(open.size(), pl.openParts().size()), steps, fetches);
            } else {
                steps.add(new Step(timeline::mirrorDropOpen));
                addParts(pl.openParts(), steps, fetches);
            }
        }
        boolean restart = empty;
        CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new)).whenCompleteAsync((v, err) -> {
            if (stopped) {
                return;
            }
            if (err != null) {
                failed("fetching media: " + err);
                return;
            }
            failures = 0;
            timeline.mirrorBegin();
            if (restart) {
                timeline.mirrorStart(pl.mediaSequence(), pl.discontinuitySequence());
            }
            for (Step s : steps) {
                s.action.run();
            }
            timeline.mirrorCommit(pl.segments().size(), pl.targetDuration(), pl.partTarget(), pl.dateRanges(),
                    pl.preloadHint(), pl.openDiscontinuity() || carryDiscontinuity);
            reports = pl.renditionReports();
            if (pl.ended()) {
                stopped = true;
                dropHint();
                timeline.end();
                stream.renditionEnded(this);
                return;
            }
            startHint(pl.preloadHint());
            nextRequest();
        }, serial);
    }

    /** True when the upstream lists parts for segment {@code msn} that do not extend {@code open}. */
    private static boolean otherParts(MediaPlaylist pl, long msn, List<String> open) {
        for (MediaPlaylist.Segment seg : pl.segments()) {
            if (seg.sequence() == msn) {
                return !seg.parts().isEmpty() && !isPrefix(open, seg.parts());
            }
        }
        return pl.nextSequence() == msn && !pl.openParts().isEmpty() && !isPrefix(open, pl.openParts());
    }

    /** Makes the open parts segment {@code msn} of the mirror's own, right after the last one. */
    private void closeOpen(long msn) {
        abandonPartial();
        RenditionTimeline.Snapshot s = timeline.snapshot();
        List<Part> parts = s == null ? List.of() : s.openParts();
        if (parts.isEmpty()) {
            return;
        }
        double duration = 0;
        for (Part p : parts) {
            duration += p.durationSeconds();
        }
        Instant pdt = Instant.now();
        if (!s.segments().isEmpty()) {
            MediaSegment last = s.segments().get(s.segments().size() - 1);
            pdt = last.programDateTime().plusMillis(Math.round(last.durationSeconds() * 1000));
        }
        // The name the old upstream would have given it (its parts are TAG-MSN.I.m4s, segments TAG-MSN.m4s).
        String name = parts.get(0).name().replaceFirst("\\.\\d+\\.m4s$", ".m4s");
        timeline.mirrorSegment(name, duration, pdt, timeline.currentInit(), false);
        carryDiscontinuity = true;
        log.info("edge {}/{}: upstream changed during segment {}; kept the {} parts it had as that segment",
                stream.id(), this.name, msn, parts.size());
    }

    private boolean takeCarry() {
        boolean c = carryDiscontinuity;
        carryDiscontinuity = false;
        return c;
    }

    private void nextRequest() {
        int part = timeline.openPartNames().size();
        request("_HLS_msn=" + timeline.nextSequence() + "&_HLS_part=" + part);
    }

    private record Step(Runnable action) {}

    private static boolean isPrefix(List<String> have, List<MediaPlaylist.PartRef> parts) {
        if (have.size() > parts.size()) {
            return false;
        }
        for (int i = 0; i < have.size(); i++) {
            if (!have.get(i).equals(parts.get(i).name())) {
                return false;
            }
        }
        return true;
    }

    /** Steps completing each part in order, its bytes from the hinted stream or a fetch. */
    private void addParts(List<MediaPlaylist.PartRef> parts, List<Step> steps, List<CompletableFuture<?>> fetches) {
        for (MediaPlaylist.PartRef p : parts) {
            Hint h = hint;
            if (h != null && h.name.equals(p.name())) {
                // The hinted stream's body; if it fails, the part whole.
                CompletableFuture<byte[]> fallback = h.done.thenCompose(ok -> ok ? CompletableFuture.completedFuture(null)
                        : stream.upstream().bytes(uri(p.name(), null), Upstream.Kind.PART, MEDIA_TIMEOUT));
                fetches.add(fallback);
                steps.add(new Step(() -> {
                    byte[] whole = fallback.join();
                    if (whole == null && h.attached) {
                        timeline.mirrorPart(p.name(), p.durationSeconds(), p.independent());
                    } else {
                        abandonPartial();
                        if (whole != null) {
                            timeline.appendChunk(direct(whole));
                        } else {
                            for (byte[] c : h.chunks) {
                                timeline.appendChunk(direct(c));
                            }
                            h.chunks.clear();
                        }
                        timeline.mirrorPart(p.name(), p.durationSeconds(), p.independent());
                    }
                    if (hint == h) {
                        hint = null;
                    }
                }));
            } else {
                CompletableFuture<byte[]> f = stream.upstream().bytes(uri(p.name(), null), Upstream.Kind.PART,
                        MEDIA_TIMEOUT);
                fetches.add(f);
                steps.add(new Step(() -> {
                    abandonPartial();
                    timeline.appendChunk(direct(f.join()));
                    timeline.mirrorPart(p.name(), p.durationSeconds(), p.independent());
                }));
            }
        }
    }

    /**
     * Chunks of a hinted part that did not become the part being completed are dropped, and a hinted
     * stream still writing into the window stops.
     */
    private void abandonPartial() {
        if (timeline.hasPartialPart()) {
            timeline.abandonPart();
        }
        if (hint != null && hint.attached) {
            dropHint();
        }
    }

    /** A segment the mirror did not see part by part: its listed parts' bytes, or the whole segment's. */
    private CompletableFuture<List<byte[]>> wholeSegment(MediaPlaylist.Segment seg) {
        if (seg.parts().isEmpty()) {
            return stream.upstream().bytes(uri(seg.name(), null), Upstream.Kind.SEGMENT, MEDIA_TIMEOUT)
                    .thenApply(List::of);
        }
        List<CompletableFuture<byte[]>> parts = new ArrayList<>();
        for (MediaPlaylist.PartRef p : seg.parts()) {
            parts.add(stream.upstream().bytes(uri(p.name(), null), Upstream.Kind.PART, MEDIA_TIMEOUT));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(v -> parts.stream().map(CompletableFuture::join).toList());
    }

    /** The segment from its fetched bytes, made on the mirror's thread (the timeline owns it from here). */
    private static MediaSegment segment(MediaPlaylist.Segment seg, List<byte[]> bytes, boolean discontinuity) {
        int total = 0;
        for (byte[] b : bytes) {
            total += b.length;
        }
        ByteBuf data = Unpooled.directBuffer(total, total);
        List<Part> list = new ArrayList<>();
        for (int i = 0; i < bytes.size(); i++) {
            int offset = data.writerIndex();
            data.writeBytes(bytes.get(i));
            if (!seg.parts().isEmpty()) {
                MediaPlaylist.PartRef p = seg.parts().get(i);
                list.add(new Part(p.name(), p.durationSeconds(), p.independent(), data.slice(offset, bytes.get(i).length)));
            }
        }
        return new MediaSegment(seg.sequence(), seg.name(), seg.durationSeconds(), seg.programDateTime(),
                seg.discontinuity() || discontinuity, seg.initName(), 0, data, list);
    }

    private static ByteBuf direct(byte[] b) {
        return Unpooled.directBuffer(b.length, b.length).writeBytes(b);
    }

    /** Starts streaming the preload-hinted part, unless it is already being fetched. */
    private void startHint(String hinted) {
        if (hinted == null || hint != null && hint.name.equals(hinted)) {
            return;
        }
        dropHint();
        Matcher m = PART.matcher(hinted);
        boolean attached = m.matches() && Long.parseLong(m.group(1)) == timeline.nextSequence()
                && Integer.parseInt(m.group(2)) == timeline.openPartNames().size() && !timeline.hasPartialPart();
        Hint h = new Hint(hinted, attached);
        hint = h;
        h.request = stream.upstream().stream(uri(hinted, null), MEDIA_TIMEOUT, data -> serial.execute(() -> {
            if (hint != h || stopped) {
                return;
            }
            if (h.attached) {
                timeline.appendChunk(direct(data)); // local viewers of the hinted part get it now
            } else {
                h.chunks.add(data);
            }
        }));
        h.request.done().whenCompleteAsync((status, err) -> h.done.complete(err == null && status == 200), serial);
    }

    private void dropHint() {
        Hint h = hint;
        if (h == null) {
            return;
        }
        hint = null;
        h.request.cancel();
        h.release();
        h.done.complete(false);
        if (h.attached && timeline.hasPartialPart()) {
            timeline.abandonPart();
        }
    }
}
