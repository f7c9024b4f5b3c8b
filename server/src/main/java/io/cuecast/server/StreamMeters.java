package io.cuecast.server;

import io.cuecast.core.hub.StreamHub;
import io.cuecast.core.hub.StreamStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

/**
 * Per-stream ingest meters, registered at a stream's first publish. Counters add up across publish
 * sessions (a reconnect does not reset them); gauges show the current session.
 */
final class StreamMeters {
    private final MeterRegistry registry;
    private final Map<String, Holder> holders = new ConcurrentHashMap<>();

    /** Totals of finished sessions plus the live session's hub. */
    private static final class Holder {
        volatile StreamHub hub;
        long bytes;
        long videoFrames;
        long audioFrames;

        synchronized void attach(StreamHub next) {
            StreamHub prev = hub;
            if (prev != null) {
                bytes += prev.stats().bytes();
                videoFrames += prev.stats().videoFrames();
                audioFrames += prev.stats().audioFrames();
            }
            hub = next;
        }

        synchronized long total(ToLongFunction<StreamStats> f, long finished) {
            StreamHub h = hub;
            return finished + (h == null ? 0 : f.applyAsLong(h.stats()));
        }
    }

    StreamMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void attach(StreamHub hub) {
        String id = hub.streamId();
        Holder h = holders.computeIfAbsent(id, k -> register(k, new Holder()));
        h.attach(hub);
    }

    private Holder register(String id, Holder h) {
        FunctionCounter.builder("cuecast.ingest.bytes", h, x -> x.total(StreamStats::bytes, x.bytes))
                .description("bytes received from the publisher").baseUnit("bytes").tag("stream", id).register(registry);
        FunctionCounter.builder("cuecast.ingest.frames", h, x -> x.total(StreamStats::videoFrames, x.videoFrames))
                .description("frames received from the publisher").tag("stream", id).tag("track", "video")
                .register(registry);
        FunctionCounter.builder("cuecast.ingest.frames", h, x -> x.total(StreamStats::audioFrames, x.audioFrames))
                .description("frames received from the publisher").tag("stream", id).tag("track", "audio")
                .register(registry);
        Gauge.builder("cuecast.ingest.keyframe.interval", h, x -> live(x) ? x.hub.stats().keyframeIntervalMs() / 1000.0 : 0)
                .description("distance between the last two keyframes").baseUnit("seconds").tag("stream", id)
                .register(registry);
        Gauge.builder("cuecast.ingest.bitrate", h, x -> live(x) ? x.hub.stats().bitrate() : 0)
                .description("ingest bitrate over the last seconds").baseUnit("bits.per.second").tag("stream", id)
                .register(registry);
        Gauge.builder("cuecast.stream.live", h, x -> live(x) ? 1 : 0)
                .description("1 while a publisher is attached").tag("stream", id).register(registry);
        Gauge.builder("cuecast.hub.dropped.packets", h, x -> x.hub == null ? 0 : x.hub.droppedPackets())
                .description("packets dropped by slow readers in the current session").tag("stream", id)
                .register(registry);
        return h;
    }

    private static boolean live(Holder h) {
        StreamHub hub = h.hub;
        return hub != null && hub.state() != io.cuecast.core.hub.StreamState.DELETED;
    }

    /** Removes the meters of a deleted stream. */
    void remove(String id) {
        if (holders.remove(id) != null) {
            registry.getMeters().stream().filter(m -> id.equals(m.getId().getTag("stream"))
                    && m.getId().getName().startsWith("cuecast.")).forEach(registry::remove);
        }
    }
}
