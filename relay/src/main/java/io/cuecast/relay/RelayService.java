package io.cuecast.relay;

import io.cuecast.core.hub.HubRegistry;
import io.cuecast.core.hub.StreamHub;
import io.cuecast.core.hub.StreamState;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts every enabled push target of a stream when the stream (or the rendition it asks for) goes
 * live, stops them when it ends, and follows the admin API's changes while live.
 */
public final class RelayService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RelayService.class);
    /** The name of the source rendition in a target. */
    public static final String SOURCE = "source";

    private final HubRegistry hubs;
    private final Function<String, List<RelayTarget>> targetsOf;
    private final EventLoopGroup group;
    private final Class<? extends Channel> channelType;
    private final SslContext tls;
    /** Running relays by target id. */
    private final Map<String, PushRelay> running = new ConcurrentHashMap<>();
    private volatile java.util.function.Consumer<RelayTarget> onLaunch = t -> { };

    /**
     * @param targetsOf a stream's targets, from memory (called on the publisher's thread)
     * @param group event loops the relays run on: each relay lives on one of them, its connection, its
     *     hub reader and its timers. It may be the loop of the stream's ingest connection: a relay's work
     *     per frame is one copy and a non-blocking write, and a slow receiver only makes it skip frames
     * @param tls the client TLS context for rtmps targets (the JDK's trust store)
     */
    public RelayService(HubRegistry hubs, Function<String, List<RelayTarget>> targetsOf, EventLoopGroup group,
                        Class<? extends Channel> channelType, SslContext tls) {
        this.hubs = hubs;
        this.targetsOf = targetsOf;
        this.group = group;
        this.channelType = channelType;
        this.tls = tls;
        hubs.onHubCreated(hub -> start(hub, SOURCE));
        hubs.onRenditionCreated((source, name, rendition) -> start(rendition, name));
    }

    /** Told every target as its relay starts (for per-relay metrics). */
    public void onLaunch(java.util.function.Consumer<RelayTarget> listener) {
        this.onLaunch = listener;
    }

    /** A client TLS context that verifies receivers against the JDK's trust store. */
    public static SslContext defaultTls() {
        return tls(null);
    }

    /**
     * A client TLS context verifying receivers (certificate chain and hostname) against the PEM
     * certificates in {@code trustFile}, or the JDK's trust store when null.
     */
    public static SslContext tls(java.io.File trustFile) {
        try {
            SslContextBuilder b = SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS");
            if (trustFile != null) {
                b.trustManager(trustFile);
            }
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot create the TLS client context"
                    + (trustFile == null ? "" : " from " + trustFile) + ": " + e.getMessage(), e);
        }
    }

    private String streamIdOf(StreamHub hub) {
        String path = hub.streamId();
        int slash = path.indexOf('/');
        return slash < 0 ? path : path.substring(0, slash);
    }

    private void start(StreamHub hub, String rendition) {
        for (RelayTarget t : targetsOf.apply(streamIdOf(hub))) {
            if (t.enabled() && t.rendition().equals(rendition)) {
                launch(t, hub);
            }
        }
    }

    private void launch(RelayTarget t, StreamHub hub) {
        PushRelay relay;
        try {
            relay = new PushRelay(t, hub, group, channelType, tls);
        } catch (IllegalArgumentException badUrl) {
            log.warn("relay {} of stream {}: {}", t.id(), t.streamId(), badUrl.getMessage());
            return;
        }
        PushRelay old = running.put(t.id(), relay);
        if (old != null) {
            old.stop();
        }
        onLaunch.accept(t);
        relay.start();
    }

    /**
     * The targets of {@code streamId} changed (added, removed, enabled, disabled): running relays
     * follow while the stream is live.
     */
    public void refresh(String streamId) {
        List<RelayTarget> targets = targetsOf.apply(streamId);
        running.values().removeIf(r -> {
            if (!r.target().streamId().equals(streamId)) {
                return false;
            }
            boolean keep = targets.stream().anyMatch(t -> t.equals(r.target()) && t.enabled());
            if (!keep) {
                r.stop();
            }
            return !keep;
        });
        for (RelayTarget t : targets) {
            if (!t.enabled() || running.containsKey(t.id())) {
                continue;
            }
            String path = t.rendition().equals(SOURCE) ? streamId : HubRegistry.renditionPath(streamId, t.rendition());
            hubs.get(path).filter(h -> h.state() != StreamState.DELETED).ifPresent(h -> launch(t, h));
        }
    }

    /** What a target is doing; idle when it is not running. */
    public RelayStatus status(String targetId) {
        PushRelay r = running.get(targetId);
        if (r == null) {
            return RelayStatus.IDLE;
        }
        RelayStatus s = r.status();
        if (r.hub().state() == StreamState.DELETED && !s.state().equals("idle")) {
            return new RelayStatus("idle", s.attempts(), s.lastError(), s.bytes(), s.droppedFrames(), 0);
        }
        return s;
    }

    /** Every running relay's status, by target id. */
    public Map<String, RelayStatus> statuses() {
        Map<String, RelayStatus> out = new ConcurrentHashMap<>();
        running.keySet().forEach(id -> out.put(id, status(id)));
        return out;
    }

    @Override
    public void close() {
        running.values().forEach(PushRelay::stop);
        running.clear();
    }
}
