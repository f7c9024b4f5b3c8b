package io.cuecast.relay.edge;

import io.cuecast.core.hub.SerialExecutor;
import io.cuecast.hls.HlsOutput;
import io.cuecast.hls.RenditionTimeline;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A stream an edge serves: the upstream's multivariant playlist (text as it is, refreshed at most
 * once a second like a cache honouring its max-age=1) and a {@link RenditionMirror} per rendition
 * that has viewers. Served through the same HLS routes as an origin's streams.
 */
final class EdgeStream implements HlsOutput {
    private static final long MASTER_REFRESH_MS = 1000;

    private final String id;
    private final EdgeService service;
    private final Map<String, RenditionMirror> mirrors = new ConcurrentHashMap<>();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final AtomicBoolean relocating = new AtomicBoolean();
    private volatile URI base;
    private volatile String master;
    private volatile List<String> variants;
    private volatile long masterAt;
    private volatile long lastAccess = System.nanoTime();
    private volatile boolean ended;

    EdgeStream(String id, EdgeService service, URI upstream, String master) {
        this.id = id;
        this.service = service;
        this.base = streamBase(upstream, id);
        setMaster(master);
    }

    static URI streamBase(URI upstream, String id) {
        String s = upstream.toString();
        return URI.create((s.endsWith("/") ? s : s + "/") + "hls/" + id + "/");
    }

    private void setMaster(String text) {
        List<String> names = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#") && line.endsWith("/index.m3u8")) {
                names.add(line.substring(0, line.length() - "/index.m3u8".length()));
            }
        }
        variants = List.copyOf(names);
        master = text;
        masterAt = System.nanoTime();
    }

    String id() {
        return id;
    }

    URI base() {
        return base;
    }

    Upstream upstream() {
        return service.upstream();
    }

    void schedule(Runnable r, long delayMs) {
        service.schedule(r, delayMs);
    }

    long idleMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastAccess);
    }

    @Override
    public boolean live() {
        return !ended;
    }

    @Override
    public List<RenditionTimeline> renditions() {
        lastAccess = System.nanoTime();
        List<RenditionTimeline> out = new ArrayList<>();
        List<String> names = variants;
        if (!names.isEmpty()) {
            RenditionTimeline first = rendition(names.get(0));
            if (first != null) {
                out.add(first);
            }
        }
        for (RenditionMirror m : mirrors.values()) {
            if (!out.contains(m.timeline())) {
                out.add(m.timeline());
            }
        }
        return out;
    }

    @Override
    public RenditionTimeline rendition(String name) {
        lastAccess = System.nanoTime();
        RenditionMirror m = mirrors.get(name);
        if (m == null) {
            if (ended || !variants.contains(name)) {
                return null;
            }
            m = mirrors.computeIfAbsent(name, n -> {
                RenditionMirror created = new RenditionMirror(this, n, service.newTimeline(),
                        new SerialExecutor(service.executor()));
                created.start();
                return created;
            });
        }
        m.touch();
        return m.timeline();
    }

    @Override
    public String multivariant() {
        lastAccess = System.nanoTime();
        if (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - masterAt) > MASTER_REFRESH_MS
                && refreshing.compareAndSet(false, true)) {
            service.upstream().text(base.resolve("master.m3u8"), Upstream.Kind.MASTER, Duration.ofSeconds(5))
                    .whenComplete((t, err) -> {
                        if (err == null && t.status() == 200) {
                            setMaster(t.body());
                        }
                        refreshing.set(false);
                    });
        }
        return master;
    }

    @Override
    public String renditionReports(RenditionTimeline self) {
        for (RenditionMirror m : mirrors.values()) {
            if (m.timeline() == self) {
                return m.reports();
            }
        }
        return "";
    }

    /** An upstream request failed: the stream may have a new owner; look once at a time. */
    void upstreamFailed() {
        if (!relocating.compareAndSet(false, true)) {
            return;
        }
        service.locate(id).whenComplete((found, err) -> {
            if (err == null && found != null) {
                URI next = streamBase(found, id);
                if (!next.equals(base)) {
                    service.log().info("edge {}: upstream moves from {} to {}", id, base, next);
                    base = next;
                }
            }
            relocating.set(false);
        });
    }

    /** The upstream ended a rendition (EXT-X-ENDLIST). */
    void renditionEnded(RenditionMirror m) {
        if (mirrors.values().stream().allMatch(x -> x == m || x.timeline().snapshot() != null
                && x.timeline().snapshot().ended())) {
            ended = true;
        }
    }

    /** Stops mirrors nobody asked for in {@code idleMs}; true when the stream itself is idle and can go. */
    boolean reap(long idleMs) {
        for (RenditionMirror m : List.copyOf(mirrors.values())) {
            if (m.idleMillis() > idleMs) {
                mirrors.remove(m.name(), m);
                m.stop(false);
            }
        }
        return mirrors.isEmpty() && idleMillis() > idleMs;
    }

    /** Frees every mirror. */
    void close() {
        ended = true;
        for (RenditionMirror m : List.copyOf(mirrors.values())) {
            mirrors.remove(m.name(), m);
            m.stop(false);
        }
    }

    /** Renditions mirrored now, for the admin API. */
    List<String> mirrored() {
        return List.copyOf(mirrors.keySet());
    }
}
