package io.cuecast.server;

import io.cuecast.relay.RelayService;
import io.cuecast.relay.RelayStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Per push relay in Prometheus, tagged {@code relay} (the target id) and {@code stream}:
 * {@code cuecast_relay_publishing}, {@code cuecast_relay_attempts}, {@code cuecast_relay_sent_bytes},
 * {@code cuecast_relay_dropped_frames}, {@code cuecast_relay_lag_seconds}. Registered when a relay
 * first runs, removed with its target.
 */
final class RelayMeters {
    private static final List<String> NAMES = List.of("cuecast.relay.publishing", "cuecast.relay.attempts",
            "cuecast.relay.sent.bytes", "cuecast.relay.dropped.frames", "cuecast.relay.lag.seconds");

    private RelayMeters() {
    }

    static void register(MeterRegistry meters, RelayService relays) {
        relays.onLaunch(t -> {
            gauge(meters, relays, NAMES.get(0), t.id(), t.streamId(), s -> "publishing".equals(s.state()) ? 1 : 0);
            gauge(meters, relays, NAMES.get(1), t.id(), t.streamId(), RelayStatus::attempts);
            gauge(meters, relays, NAMES.get(2), t.id(), t.streamId(), RelayStatus::bytes);
            gauge(meters, relays, NAMES.get(3), t.id(), t.streamId(), RelayStatus::droppedFrames);
            gauge(meters, relays, NAMES.get(4), t.id(), t.streamId(), s -> s.lagMs() / 1000.0);
        });
    }

    /** Drops a removed target's meters. */
    static void remove(MeterRegistry meters, String relayId) {
        for (String name : NAMES) {
            meters.find(name).tag("relay", relayId).meters().forEach(meters::remove);
        }
    }

    private static void gauge(MeterRegistry meters, RelayService relays, String name, String id, String stream,
                              ToDoubleFunction<RelayStatus> value) {
        Gauge.builder(name, relays, r -> value.applyAsDouble(r.status(id))).tag("relay", id).tag("stream", stream)
                .register(meters);
    }
}
