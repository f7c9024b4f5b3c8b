package io.cuecast.relay.edge;

import io.cuecast.hls.HlsOutput;
import io.cuecast.hls.HlsRoutes;
import io.cuecast.hls.RenditionTimeline;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Edge mode: streams this node does not produce are mirrored from the server that does (found
 * through an {@link OriginLocator}) and served by the same HLS routes. One lookup per stream at a
 * time, and an unknown stream's answer is kept for {@link #NEGATIVE_MS}, so viewers asking for a
 * stream nobody has cause no upstream storm.
 */
public final class EdgeService implements HlsRoutes.Outputs, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EdgeService.class);
    /** How long "no server has this stream" is believed. */
    static final long NEGATIVE_MS = 1000;
    /** A mirror no viewer asked anything of this long stops. */
    static final long IDLE_MS = 30_000;

    private final OriginLocator locator;
    private final Upstream upstream;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    private final int targetSeconds;
    private final Map<String, EdgeStream> streams = new ConcurrentHashMap<>();
    private final Map<String, Lookup> lookups = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> reaper;

    private record Lookup(CompletableFuture<Optional<HlsOutput>> result, long at) {}

    /**
     * @param executor where mirrors run (never a Netty event loop: they only hand work on, but they
     *     complete local viewers' waits)
     * @param targetSeconds the configured target duration, until the upstream's is known
     */
    public EdgeService(OriginLocator locator, Upstream upstream, Executor executor,
                       ScheduledExecutorService scheduler, int targetSeconds, MeterRegistry meters) {
        this.locator = locator;
        this.upstream = upstream;
        this.executor = executor;
        this.scheduler = scheduler;
        this.targetSeconds = targetSeconds;
        this.reaper = scheduler.scheduleWithFixedDelay(this::reap, 2, 2, TimeUnit.SECONDS);
        meters.gauge("cuecast.edge.streams", streams, Map::size);
        meters.gauge("cuecast.edge.renditions", streams,
                s -> s.values().stream().mapToInt(e -> e.mirrored().size()).sum());
    }

    @Override
    public CompletionStage<Optional<HlsOutput>> find(String streamId) {
        EdgeStream s = streams.get(streamId);
        if (s != null && s.live()) {
            return CompletableFuture.completedFuture(Optional.of(s));
        }
        long now = System.nanoTime();
        Lookup l = lookups.compute(streamId, (id, old) -> {
            if (old != null && (!old.result.isDone() || now - old.at < TimeUnit.MILLISECONDS.toNanos(NEGATIVE_MS))) {
                return old;
            }
            return new Lookup(lookup(id), now);
        });
        return l.result;
    }

    private CompletableFuture<Optional<HlsOutput>> lookup(String id) {
        return locator.candidates(id).thenCompose(list -> firstWith(id, list, 0, Duration.ofSeconds(10)))
                .thenApply(found -> {
                    if (found == null) {
                        return Optional.<HlsOutput>empty();
                    }
                    EdgeStream s = new EdgeStream(id, this, found.base(), found.master());
                    EdgeStream old = streams.put(id, s);
                    if (old != null) {
                        old.close();
                    }
                    return Optional.<HlsOutput>of(s);
                }).exceptionally(e -> {
                    log.warn("edge: looking up stream {} failed: {}", id, e.toString());
                    return Optional.empty();
                });
    }

    /** An upstream that has the stream, and its multivariant playlist. */
    private record Found(URI base, String master) {}

    /** The first upstream that has {@code id} now, for a mirror whose upstream failed (null: none). */
    CompletableFuture<URI> locate(String id) {
        return locator.candidates(id).thenCompose(list -> firstWith(id, list, 0, Duration.ofSeconds(3)))
                .thenApply(found -> found == null ? null : found.base());
    }

    /** Asks the candidates in order for the stream's multivariant playlist; the first 200 wins. */
    private CompletableFuture<Found> firstWith(String id, List<URI> candidates, int i, Duration timeout) {
        if (i >= candidates.size()) {
            return CompletableFuture.completedFuture(null);
        }
        URI base = candidates.get(i);
        return upstream.text(EdgeStream.streamBase(base, id).resolve("master.m3u8"), Upstream.Kind.MASTER, timeout)
                .handle((t, err) -> t).thenCompose(t -> t != null && t.status() == 200
                        ? CompletableFuture.completedFuture(new Found(base, t.body()))
                        : firstWith(id, candidates, i + 1, timeout));
    }

    RenditionTimeline newTimeline() {
        RenditionTimeline t = new RenditionTimeline("edge", MediaPlaylist.MAX_SEGMENTS, targetSeconds);
        t.partTarget(0);
        return t;
    }

    Upstream upstream() {
        return upstream;
    }

    Executor executor() {
        return executor;
    }

    Logger log() {
        return log;
    }

    void schedule(Runnable r, long delayMs) {
        scheduler.schedule(r, delayMs, TimeUnit.MILLISECONDS);
    }

    private void reap() {
        for (Map.Entry<String, EdgeStream> e : streams.entrySet()) {
            EdgeStream s = e.getValue();
            if (s.reap(IDLE_MS) || !s.live() && s.idleMillis() > IDLE_MS) {
                streams.remove(e.getKey(), s);
                s.close();
            }
        }
        long now = System.nanoTime();
        lookups.entrySet().removeIf(e -> e.getValue().result.isDone()
                && now - e.getValue().at > TimeUnit.MILLISECONDS.toNanos(NEGATIVE_MS));
    }

    /** Streams mirrored now and their renditions, for the admin API. */
    public Map<String, List<String>> mirrored() {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        streams.forEach((id, s) -> out.put(id, s.mirrored()));
        return out;
    }

    @Override
    public void close() {
        reaper.cancel(false);
        streams.values().forEach(EdgeStream::close);
        streams.clear();
    }
}
