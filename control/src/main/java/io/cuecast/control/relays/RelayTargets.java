package io.cuecast.control.relays;

import io.cuecast.control.ControlException;
import io.cuecast.control.Secrets;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The push targets of every stream: validated, stored, and mirrored in memory so a stream going
 * live finds its targets without a database read. Knows no network: the server checks URLs with
 * the relay tier's parser ({@code urlCheck} throws {@link IllegalArgumentException} naming the
 * problem) and is told of every change ({@code onChange}) to start or stop relays while live.
 */
public final class RelayTargets {
    /** Targets one stream may have. */
    public static final int MAX_PER_STREAM = 20;
    private static final java.util.regex.Pattern RENDITION = java.util.regex.Pattern.compile("[a-z0-9]{1,16}");

    private final RelayStore store;
    private final Predicate<String> streamExists;
    private final Consumer<String> urlCheck;
    private final Clock clock;
    private volatile Consumer<String> onChange = id -> { };
    private final Map<String, List<Relay>> byStream = new ConcurrentHashMap<>();

    public RelayTargets(RelayStore store, Predicate<String> streamExists, Consumer<String> urlCheck, Clock clock) {
        this.store = store;
        this.streamExists = streamExists;
        this.urlCheck = urlCheck;
        this.clock = clock;
        for (Relay r : store.all()) {
            byStream.computeIfAbsent(r.streamId(), k -> new ArrayList<>()).add(r);
        }
    }

    /** Told the stream id of every change. */
    public void onChange(Consumer<String> listener) {
        this.onChange = listener;
    }

    /** A stream's targets, from memory. */
    public List<Relay> of(String streamId) {
        List<Relay> l = byStream.get(streamId);
        return l == null ? List.of() : List.copyOf(l);
    }

    /** Adds a target. */
    public synchronized Relay add(String streamId, RelayRequest r) {
        requireStream(streamId);
        if (r == null || r.url() == null) {
            throw new ControlException.Invalid("url", "is required: rtmp://HOST[:PORT]/APP/KEY or rtmps://…");
        }
        try {
            urlCheck.accept(r.url());
        } catch (IllegalArgumentException e) {
            throw new ControlException.Invalid("url", "is not usable: " + e.getMessage());
        }
        String rendition = r.rendition() == null ? "source" : r.rendition();
        if (!RENDITION.matcher(rendition).matches()) {
            throw new ControlException.Invalid("rendition", "must be 'source' or a rung name such as '480p'");
        }
        if (of(streamId).size() >= MAX_PER_STREAM) {
            throw new ControlException.Conflict("too_many_relays", "stream '" + streamId + "' already has "
                    + MAX_PER_STREAM + " relays");
        }
        Relay relay = new Relay("rl_" + Secrets.streamId(), streamId, r.url().strip(), rendition,
                r.enabled() == null || r.enabled(), clock.instant().truncatedTo(ChronoUnit.MILLIS));
        store.insert(relay);
        byStream.computeIfAbsent(streamId, k -> new ArrayList<>()).add(relay);
        onChange.accept(streamId);
        return relay;
    }

    /** Enables or disables a target. */
    public synchronized Relay setEnabled(String streamId, String relayId, RelayRequest r) {
        Relay current = find(streamId, relayId);
        if (r == null || r.enabled() == null || r.url() != null || r.rendition() != null) {
            throw new ControlException.Invalid("enabled", "is the one field a relay can change; remove and add it"
                    + " again to change its url or rendition");
        }
        Relay next = current.withEnabled(r.enabled());
        store.update(next);
        List<Relay> l = byStream.get(streamId);
        l.replaceAll(x -> x.id().equals(relayId) ? next : x);
        onChange.accept(streamId);
        return next;
    }

    /** Removes a target. */
    public synchronized void remove(String streamId, String relayId) {
        find(streamId, relayId);
        store.delete(streamId, relayId);
        byStream.get(streamId).removeIf(x -> x.id().equals(relayId));
        onChange.accept(streamId);
    }

    /** Forgets a deleted stream's targets (the store deletes them with the stream). */
    public synchronized void forget(String streamId) {
        byStream.remove(streamId);
        onChange.accept(streamId);
    }

    private Relay find(String streamId, String relayId) {
        requireStream(streamId);
        return of(streamId).stream().filter(x -> x.id().equals(relayId)).findFirst()
                .orElseThrow(() -> new ControlException.NotFound("relay_not_found",
                        "no relay '" + relayId + "' on stream '" + streamId + "'"));
    }

    /** Throws NotFound for a stream that does not exist. */
    public void requireStream(String streamId) {
        if (!streamExists.test(streamId)) {
            throw new ControlException.NotFound("stream_not_found", "no stream with id '" + streamId + "'");
        }
    }
}
