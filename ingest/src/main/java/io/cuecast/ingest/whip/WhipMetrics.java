package io.cuecast.ingest.whip;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** WHIP ingest meters ({@code cuecast_whip_*} in Prometheus). */
public final class WhipMetrics {
    private final MeterRegistry registry;
    private final AtomicInteger sessions = new AtomicInteger();
    private final Counter nacks;
    private final Counter plis;
    private final Counter lostPackets;
    private final Counter droppedFrames;
    private final Timer connect;

    public WhipMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("cuecast.whip.sessions", sessions);
        nacks = Counter.builder("cuecast.whip.nack.sent").description("RTP packets asked for again (generic NACK)")
                .register(registry);
        plis = Counter.builder("cuecast.whip.pli.sent").description("keyframe requests sent (PLI)").register(registry);
        lostPackets = Counter.builder("cuecast.whip.packets.lost")
                .description("RTP packets given up after waiting and NACKing").register(registry);
        droppedFrames = Counter.builder("cuecast.whip.frames.dropped")
                .description("video frames dropped as undecodable (a packet lost, or no keyframe yet)")
                .register(registry);
        connect = Timer.builder("cuecast.whip.connect").description("from the offer to DTLS done")
                .publishPercentiles(0.5, 0.95).register(registry);
    }

    void sessionOpened() {
        sessions.incrementAndGet();
    }

    void sessionClosed(String reason) {
        sessions.decrementAndGet();
        registry.counter("cuecast.whip.sessions.closed", "reason", reason).increment();
    }

    /** Sessions open now. */
    public int sessions() {
        return sessions.get();
    }

    void refused(String reason) {
        registry.counter("cuecast.whip.offers.refused", "reason", reason).increment();
    }

    void dropped(String reason) {
        registry.counter("cuecast.whip.datagrams.dropped", "reason", reason).increment();
    }

    void nacks(int n) {
        nacks.increment(n);
    }

    void pli() {
        plis.increment();
    }

    void lost(long n) {
        if (n > 0) {
            lostPackets.increment(n);
        }
    }

    void droppedFrames(long n) {
        if (n > 0) {
            droppedFrames.increment(n);
        }
    }

    void connected(Duration d) {
        connect.record(d);
    }
}
