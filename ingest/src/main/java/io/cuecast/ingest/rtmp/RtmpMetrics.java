package io.cuecast.ingest.rtmp;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** Meters of the RTMP server, all prefixed {@code cuecast_rtmp_}. */
public final class RtmpMetrics {
    private final MeterRegistry registry;
    private final AtomicInteger open = new AtomicInteger();
    private final Counter bytes;
    private final Counter violations;

    /** Registers the meters in {@code registry}. */
    public RtmpMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("cuecast.rtmp.connections", open);
        this.bytes = Counter.builder("cuecast.rtmp.received.bytes").description("RTMP bytes received, all connections")
                .baseUnit("bytes").register(registry);
        this.violations = Counter.builder("cuecast.rtmp.violations")
                .description("connections closed for a protocol violation or limit").register(registry);
    }

    void connectionOpened() {
        open.incrementAndGet();
    }

    void connectionClosed() {
        open.decrementAndGet();
    }

    void bytesIn(long n) {
        if (n > 0) {
            bytes.increment(n);
        }
    }

    void violation() {
        violations.increment();
    }

    void rejected(String reason) {
        registry.counter("cuecast.rtmp.publish.rejected", "reason", reason).increment();
    }

    /** A connection closed at accept because a connection cap was reached. */
    void refused(String reason) {
        registry.counter("cuecast.rtmp.connections.refused", "reason", reason).increment();
    }

    /** A connection closed because it did not finish {@code phase} (handshake, connect, publish) in time. */
    void deadlineMissed(String phase) {
        registry.counter("cuecast.rtmp.deadline.missed", "phase", phase).increment();
    }

    /** Connections closed for a violation so far. */
    public double violations() {
        return violations.count();
    }
}
