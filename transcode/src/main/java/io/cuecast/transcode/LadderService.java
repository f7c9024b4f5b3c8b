package io.cuecast.transcode;

import io.cuecast.config.CuecastConfig;
import io.cuecast.core.hub.HubRegistry;
import io.cuecast.core.hub.OfferedRenditions;
import io.cuecast.core.hub.StreamHub;
import io.cuecast.core.hub.StreamState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every new publish session the ladder configured for its stream: a {@link LadderTranscoder}
 * on a thread of its own (never a Netty event loop; FFmpeg work blocks).
 */
public final class LadderService {
    private static final Logger log = LoggerFactory.getLogger(LadderService.class);
    /** Queue bound of the transcoder's hub reader: a few seconds of 30 fps video and audio. */
    static final int READER_CAPACITY = 512;

    private final HubRegistry hubs;
    private final Function<String, CuecastConfig.Ladder> ladderFor;
    private final int segmentDurationMs;
    private final int encoderThreads;
    private final Map<String, LadderStatus> statuses = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final int maxConcurrent;
    private final long maxSourcePixels;
    /** Ladders transcoding now; guarded by {@code this}. */
    private int running;
    /** Live sessions that found every ladder busy, oldest first; guarded by {@code this}. */
    private final ArrayDeque<StreamHub> waiting = new ArrayDeque<>();

    /**
     * @param ladderFor the ladder of a stream id (its override or the server's); called on the
     *     publisher's thread, so it must not block
     * @param encoderThreads x264 threads per rung, 0 for x264's choice
     * @param server the server's ladder, whose {@code maxConcurrent} and {@code maxSourcePixels} apply
     *     to every stream
     */
    public LadderService(HubRegistry hubs, Function<String, CuecastConfig.Ladder> ladderFor, int segmentDurationMs,
                         int encoderThreads, MeterRegistry meters, CuecastConfig.Ladder server) {
        this.meters = meters;
        this.maxConcurrent = server.concurrentLadders(Runtime.getRuntime().availableProcessors());
        this.maxSourcePixels = server.maxSourcePixels();
        Gauge.builder("cuecast.ladder.active", this, s -> s.active()).description("ladders transcoding now")
                .register(meters);
        this.hubs = hubs;
        this.ladderFor = ladderFor;
        this.segmentDurationMs = segmentDurationMs;
        this.encoderThreads = encoderThreads;
        hubs.onHubCreated(this::start);
    }

    /**
     * Loads FFmpeg's native libraries in the background, so the first stream's ladder does not wait
     * for JavaCPP to unpack them.
     */
    public void preload() {
        Thread t = new Thread(() -> {
            long t0 = System.nanoTime();
            try {
                Natives.load();
                log.info("FFmpeg libraries loaded in {} ms", (System.nanoTime() - t0) / 1_000_000);
            } catch (Throwable e) {
                log.error("FFmpeg libraries cannot be loaded; streams will play without a ladder: {}", e.toString());
            }
        }, "ffmpeg-loader");
        t.setDaemon(true);
        t.start();
    }

    private void start(StreamHub hub) {
        String id = hub.streamId();
        CuecastConfig.Ladder ladder = ladderFor.apply(id);
        LadderStatus status = new LadderStatus();
        if (statuses.put(id, status) == null) {
            registerMeters(id);
        }
        if (ladder == null || !ladder.enabled() || ladder.rungs().isEmpty()) {
            status.off(ladder == null || !ladder.enabled() ? "the ladder is disabled" : "the ladder has no rungs");
            return;
        }
        synchronized (this) {
            if (running >= maxConcurrent) {
                // Admission: the machine carries maxConcurrent real-time ladders; one more would make
                // every ladder fall behind. This stream plays its source until a ladder frees.
                waiting.add(hub);
                status.off("all " + maxConcurrent + " ladders are busy (ladder.maxConcurrent); the source plays"
                        + " alone and a ladder starts, at the next keyframe, when one frees");
                hubs.offer(hub, OfferedRenditions.sourceOnly(id));
                meters.counter("cuecast.ladder.deferred").increment();
                log.info("stream {}: ladder deferred, {} of {} running", id, running, maxConcurrent);
                return;
            }
            running++;
        }
        launch(hub, ladder, status);
    }

    /** Ladders transcoding now. */
    public synchronized int active() {
        return running;
    }

    /** A ladder finished (its session ended, it failed or went off): the oldest waiting live session gets it. */
    private void finished() {
        StreamHub next;
        synchronized (this) {
            running--;
            next = null;
            while (!waiting.isEmpty()) {
                StreamHub h = waiting.poll();
                // Skip sessions that ended or were replaced by a newer publish while they waited.
                if (h.state() != StreamState.DELETED && hubs.get(h.streamId()).orElse(null) == h) {
                    next = h;
                    running++;
                    break;
                }
            }
        }
        if (next != null) {
            LadderStatus status = new LadderStatus();
            statuses.put(next.streamId(), status);
            CuecastConfig.Ladder ladder = ladderFor.apply(next.streamId());
            log.info("stream {}: a ladder freed up, starting this stream's", next.streamId());
            if (ladder == null || !ladder.enabled() || ladder.rungs().isEmpty()) {
                status.off("the ladder is disabled");
                finished();
                return;
            }
            launch(next, ladder, status);
        }
    }

    private void launch(StreamHub hub, CuecastConfig.Ladder configured, LadderStatus status) {
        String id = hub.streamId();
        // The picture-size cap is server-wide, whatever the stream's own ladder says.
        CuecastConfig.Ladder ladder = new CuecastConfig.Ladder(configured.enabled(), configured.passthrough(),
                configured.maxLagMs(), configured.rungs(), configured.maxConcurrent(), maxSourcePixels);
        if (!ladder.passthrough()) {
            // The rungs replace the source: offer nothing of ours until they exist (HLS falls back
            // to the source while the offer is empty).
            hubs.offer(hub, new OfferedRenditions(id, List.of()));
        }
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ladder-" + id);
            t.setDaemon(true);
            return t;
        });
        AtomicBoolean slotHeld = new AtomicBoolean(true);
        Runnable freeSlot = () -> {
            if (slotHeld.compareAndSet(true, false)) {
                finished();
            }
        };
        LadderTranscoder transcoder = new LadderTranscoder(hub, ladder, segmentDurationMs, hubs, status,
                encoderThreads, () -> {
                    thread.shutdown();
                    freeSlot.run();
                });
        transcoder.onIdle(freeSlot);
        hub.attach("ladder/" + id, transcoder, thread, READER_CAPACITY);
    }

    /** Per-stream figures of the latest session's ladder; a new session starts them from zero. */
    private void registerMeters(String id) {
        counter("cuecast.ladder.frames.decoded", "source frames the ladder decoded", id,
                LadderStatus.Snapshot::framesDecoded);
        counter("cuecast.ladder.keyframe.skips", "times the ladder fell behind and skipped to a keyframe", id,
                LadderStatus.Snapshot::keyframeSkips);
        counter("cuecast.ladder.decode.errors", "source packets the decoder refused", id,
                LadderStatus.Snapshot::decodeErrors);
        Gauge.builder("cuecast.ladder.running", statuses,
                        m -> value(m, id, s -> s.state() == LadderStatus.State.RUNNING ? 1 : 0))
                .description("1 while the stream's ladder produces renditions").tag("stream", id).register(meters);
    }

    private void counter(String name, String description, String id,
                         ToDoubleFunction<LadderStatus.Snapshot> figure) {
        FunctionCounter.builder(name, statuses, m -> value(m, id, figure))
                .description(description).tag("stream", id).register(meters);
    }

    private static double value(Map<String, LadderStatus> m, String id,
                                ToDoubleFunction<LadderStatus.Snapshot> figure) {
        LadderStatus s = m.get(id);
        return s == null ? 0 : figure.applyAsDouble(s.snapshot());
    }

    /** The ladder status of the stream's latest publish session, if it was published since start. */
    public Optional<LadderStatus.Snapshot> status(String streamId) {
        return Optional.ofNullable(statuses.get(streamId)).map(LadderStatus::snapshot);
    }

    /** Forgets a deleted stream. */
    public void remove(String streamId) {
        statuses.remove(streamId);
        for (String name : List.of("cuecast.ladder.frames.decoded", "cuecast.ladder.keyframe.skips",
                "cuecast.ladder.decode.errors", "cuecast.ladder.running")) {
            meters.find(name).tag("stream", streamId).meters().forEach(meters::remove);
        }
    }
}
