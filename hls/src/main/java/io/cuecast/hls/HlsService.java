package io.cuecast.hls;

import io.cuecast.config.CuecastConfig;
import io.cuecast.core.hub.HubRegistry;
import io.cuecast.core.time.Scheduler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/** Packages every live stream into HLS and keeps the outputs for the HTTP handler. */
public final class HlsService {
    private final CuecastConfig.Hls settings;
    private final HubRegistry hubs;
    private final Clock clock;
    private final Executor packagers;
    private final Scheduler scheduler;
    private final MeterRegistry meters;
    private final Map<String, HlsStream> streams = new ConcurrentHashMap<>();
    private volatile java.util.function.Consumer<String> segmentListener = id -> { };

    /**
     * @param packagers executor the packagers run on (never a Netty event loop)
     * @param scheduler runs the end-of-stream grace timers
     */
    public HlsService(HubRegistry hubs, CuecastConfig.Hls settings, Clock clock, Executor packagers,
                      Scheduler scheduler, MeterRegistry meters) {
        this.hubs = hubs;
        this.settings = settings;
        this.clock = clock;
        this.packagers = packagers;
        this.scheduler = scheduler;
        this.meters = meters;
        hubs.onHubCreated(hub -> streams.computeIfAbsent(hub.streamId(), this::newStream)
                .startSession(hub));
        hubs.onRenditionCreated((source, name, rendition) -> {
            HlsStream s = streams.get(source.streamId());
            if (s != null) {
                s.startRendition(source, name, rendition);
            }
        });
    }

    private HlsStream newStream(String streamId) {
        return new HlsStream(streamId, settings, () -> hubs.offered(streamId), clock, packagers, scheduler,
                rendition -> {
            Counter segments = Counter.builder("cuecast.hls.segments").description("HLS segments produced")
                    .tag("stream", streamId).tag("rendition", rendition).register(meters);
            Counter bytes = Counter.builder("cuecast.hls.segment.bytes").description("bytes of HLS segments produced")
                    .baseUnit("bytes").tag("stream", streamId).tag("rendition", rendition).register(meters);
            return n -> {
                segments.increment();
                bytes.increment(n);
                segmentListener.accept(streamId);
            };
        }, () -> expire(streamId));
    }

    private void expire(String streamId) {
        HlsStream s = streams.get(streamId);
        if (s != null && !s.live()) {
            remove(streamId);
        }
    }

    /** Frees every output; for shutdown. */
    public void closeAll() {
        for (String id : List.copyOf(streams.keySet())) {
            remove(id);
        }
    }

    /** The HLS output of {@code streamId}, if it was ever published since start. */
    public Optional<HlsStream> stream(String streamId) {
        return Optional.ofNullable(streams.get(streamId));
    }

    /** Drops the output of a deleted or long-ended stream and frees its segments. */
    public void remove(String streamId) {
        HlsStream s = streams.remove(streamId);
        if (s != null) {
            s.close();
            hubs.forget(streamId);
            meters.find("cuecast.hls.segments").tag("stream", streamId).meters().forEach(meters::remove);
            meters.find("cuecast.hls.segment.bytes").tag("stream", streamId).meters().forEach(meters::remove);
        }
    }

    /** Told the stream id after each segment any rendition completes (a cluster records the numbering). */
    public void onSegment(java.util.function.Consumer<String> listener) {
        segmentListener = listener;
    }

    /** Where each rendition of {@code streamId} stands: next media sequence number and discontinuity index. */
    public Map<String, long[]> marks(String streamId) {
        Map<String, long[]> out = new java.util.LinkedHashMap<>();
        HlsStream s = streams.get(streamId);
        if (s != null) {
            for (String name : s.renditionNames()) {
                RenditionTimeline t = s.rendition(name);
                if (t != null && t.snapshot() != null) {
                    out.put(name, new long[] {t.nextSequence(), t.discontinuityIndex()});
                }
            }
        }
        return out;
    }

    /** Continues each named rendition's numbering from another node's marks (see {@link RenditionTimeline#continueFrom}). */
    public void continueFrom(String streamId, Map<String, long[]> marks) {
        HlsStream s = streams.get(streamId);
        if (s == null) {
            return;
        }
        marks.forEach((name, m) -> {
            RenditionTimeline t = s.rendition(name);
            if (t != null) {
                t.continueFrom(m[0], m[1]);
            }
        });
    }

    /** The settings in use. */
    public CuecastConfig.Hls settings() {
        return settings;
    }
}
