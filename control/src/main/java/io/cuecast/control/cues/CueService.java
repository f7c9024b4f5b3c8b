package io.cuecast.control.cues;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cuecast.control.ControlException;
import io.cuecast.control.Secrets;
import io.cuecast.core.cue.CueMessage;
import io.cuecast.core.cue.CueTrack;
import io.cuecast.core.cue.CueType;
import io.cuecast.core.hub.HubRegistry;
import io.cuecast.core.hub.StreamHub;
import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.Packet;
import io.cuecast.core.time.Scheduler;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Product cues: validated, logged in the {@link CueStore}, and placed on the stream's media clock as
 * a packet of the source hub's {@link CueTrack}, so every carrier (emsg/ID3, EXT-X-DATERANGE) gets
 * it from one place. Knows no HTTP: refusals are {@link ControlException}s.
 */
public final class CueService {
    private static final Logger log = LoggerFactory.getLogger(CueService.class);
    /** Largest serialized cue; ID3 frames and playlist attributes stay small. */
    public static final int MAX_CUE_BYTES = 2048;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CueStore store;
    private final Predicate<String> streamExists;
    private final HubRegistry hubs;
    private final Scheduler scheduler;
    private final Clock clock;
    private final RateLimiter limiter;
    private final long maxOnScreenMs;
    private final Executor database;
    private final Map<String, Scheduler.Cancellable> timers = new ConcurrentHashMap<>();
    /** Per stream: what state.json shows, kept current as cues go on air. */
    private final Map<String, OnScreen> onScreen = new ConcurrentHashMap<>();
    /**
     * Per stream: held from the idempotency check to the cue being on air, so concurrent retries of
     * one POST wait for the first and answer with its cue, and a cue cancelled while it fires is
     * either cancelled or placed, never both.
     */
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /**
     * @param scheduler runs scheduled cues at their instant; it only hands them to {@code database}
     *     (the server's scheduler also drives every packager, so it never waits on I/O)
     * @param database where a scheduled cue's store reads and writes run
     * @param cuesPerSecond the rate each stream may post cues at (bursts up to the same number)
     * @param maxOnScreenMs the duration of a product cue that names none, and the longest allowed
     */
    public CueService(CueStore store, Predicate<String> streamExists, HubRegistry hubs, Scheduler scheduler,
                      Executor database, Clock clock, double cuesPerSecond, long maxOnScreenMs) {
        this.maxOnScreenMs = maxOnScreenMs;
        this.store = store;
        this.streamExists = streamExists;
        this.hubs = hubs;
        this.scheduler = scheduler;
        this.database = database;
        this.clock = clock;
        this.limiter = new RateLimiter(cuesPerSecond);
    }

    /**
     * At start: re-arms the timers of cues scheduled before a restart (those whose time passed are
     * missed) and rebuilds what each stream has on screen from the log.
     */
    public void rearm() {
        for (Cue c : store.placed()) {
            CueMessage.parse(c.payload()).ifPresent(m -> onScreen(c.streamId()).placed(m, started(c)));
        }
        for (Cue c : store.scheduled()) {
            arm(c);
        }
    }

    private OnScreen onScreen(String streamId) {
        return onScreen.computeIfAbsent(streamId, id -> new OnScreen());
    }

    private Object lock(String streamId) {
        return locks.computeIfAbsent(streamId, id -> new Object());
    }

    private static Instant started(Cue c) {
        return c.programDateTime() != null ? c.programDateTime() : c.createdAt();
    }

    /** Forgets a deleted stream: its timers, rate bucket and on-screen state. */
    public void forget(String streamId) {
        timers.entrySet().removeIf(e -> {
            if (e.getKey().startsWith(streamId + "/")) {
                e.getValue().cancel();
                return true;
            }
            return false;
        });
        onScreen.remove(streamId);
        locks.remove(streamId);
        limiter.forget(streamId);
    }

    /** Runs every check a POST runs on the body alone (no stream, no clock); for the fuzz test. */
    public static void validateForFuzzing(CueRequest r) {
        CueType type = CueValidator.validate(r);
        CueValidator.at(r, Instant.parse("2026-11-26T00:00:00Z"));
        message("cue_fuzz", type, r);
    }

    /** The cue as it travels in the stream. */
    static CueMessage message(String id, CueType type, CueRequest r) {
        ObjectNode product = r.product() == null ? null : JSON.valueToTree(r.product());
        ObjectNode data = r.data() instanceof ObjectNode d ? d : null;
        return CueMessage.of(id, type, product, data, r.durationMs());
    }

    /**
     * A product kept on screen with no duration gets {@code cues.maxOnScreenMs}: written into the
     * cue itself, so the stream's carriers, the playlists' retention, state.json and every player
     * agree on when the card goes (review M9: a forgotten product.hide pinned it forever).
     */
    private CueMessage bounded(CueMessage m) {
        if (m.durationMs() != null || !m.type().keepsProductOnScreen()) {
            return m;
        }
        return CueMessage.of(m.id(), m.type(), m.product(), m.data(), maxOnScreenMs);
    }

    /**
     * Validates, logs and places (or schedules) a cue; a refused cue changes nothing. A cue is on
     * air only once it is in the log: a log that refuses it (disk full) leaves the stream untouched.
     * A repeated idempotency key answers with the cue it made, however many retries run at once.
     */
    public Cue create(String streamId, CueRequest r) {
        return create(streamId, r, newCueId());
    }

    /** A new cue id. */
    public static String newCueId() {
        return "cue_" + Secrets.streamId();
    }

    /**
     * Validates and checks a cue as {@link #create} would, without placing it: for a node that
     * hands the cue to the stream's owner on another node.
     */
    public void check(String streamId, CueRequest r) {
        requireStream(streamId);
        CueValidator.validate(r);
        if (r.durationMs() != null && r.durationMs() > maxOnScreenMs) {
            throw new ControlException.Invalid("invalid_field", "durationMs", "'durationMs' must be at most "
                    + maxOnScreenMs + " (cues.maxOnScreenMs)");
        }
    }

    /**
     * {@link #create} with the id a cluster gave the cue when it was posted on some node: a cue
     * with that id already in this node's log is answered as it is, so a retried or re-claimed
     * delivery places it once.
     */
    public Cue createWithId(String streamId, String cueId, CueRequest r) {
        requireStream(streamId);
        Optional<Cue> existing = store.get(streamId, cueId);
        if (existing.isPresent()) {
            return existing.get();
        }
        return create(streamId, r, cueId);
    }

    private Cue create(String streamId, CueRequest r, String id) {
        requireStream(streamId);
        CueType type = CueValidator.validate(r);
        Instant now = clock.instant();
        Instant at = CueValidator.at(r, now);
        if (r.durationMs() != null && r.durationMs() > maxOnScreenMs) {
            throw new ControlException.Invalid("invalid_field", "durationMs", "'durationMs' must be at most "
                    + maxOnScreenMs + " (cues.maxOnScreenMs)");
        }
        CueMessage message = bounded(message(id, type, r));
        int size = message.bytes().length;
        if (size > MAX_CUE_BYTES) {
            throw new ControlException.Invalid("cue_too_large", "body", "the cue is " + size
                    + " bytes serialized, over the limit of " + MAX_CUE_BYTES);
        }
        synchronized (lock(streamId)) {
            if (r.idempotencyKey() != null) {
                Optional<Cue> existing = store.byIdempotencyKey(streamId, r.idempotencyKey());
                if (existing.isPresent()) {
                    return existing.get();
                }
            }
            StreamHub hub = hubs.get(streamId).orElse(null);
            boolean immediate = at == null || !at.isAfter(now);
            if (immediate && hub == null) {
                throw new ControlException.Conflict("stream_not_live",
                        "stream '" + streamId + "' is not live; pass 'at' to schedule the cue for later");
            }
            long wait = limiter.acquire(streamId, clock.millis());
            if (wait > 0) {
                throw new ControlException.RateLimited("more than the allowed cues per second for this stream",
                        Math.max(1, (wait + 999) / 1000));
            }
            Cue cue = new Cue(id, streamId, type, message.json(), CueStatus.SCHEDULED, at, null, null, now,
                    r.idempotencyKey());
            if (immediate) {
                Cue placed = placement(cue, hub, now);
                Optional<Cue> holder = store.insert(placed);
                if (holder.isPresent()) {
                    return holder.get(); // another process took the key first
                }
                air(placed, hub, message);
                return placed;
            }
            Optional<Cue> holder = store.insert(cue);
            if (holder.isPresent()) {
                return holder.get();
            }
            arm(cue);
            return cue;
        }
    }

    /**
     * Where the cue goes: the stream's live edge. The program date-time it answers is the hub's
     * wall-clock time of that media instant, the same one the playlists' DATERANGE START-DATE uses.
     */
    private static Cue placement(Cue cue, StreamHub hub, Instant now) {
        long pts = Math.max(0, hub.liveEdgeMs());
        Instant pdt = hub.wallClockAt(pts);
        return cue.withStatus(CueStatus.PLACED, pts, pdt != null ? pdt : now);
    }

    /** Puts a logged, placed cue on the stream and on the public state. */
    private void air(Cue placed, StreamHub hub, CueMessage message) {
        long pts = placed.ptsMs();
        hub.inject(new Packet(CueTrack.ID, pts, pts, true, Bytes.wrap(placed.payload().getBytes(StandardCharsets.UTF_8))));
        onScreen(placed.streamId()).placed(message, started(placed));
    }

    private void arm(Cue cue) {
        long delay = Math.max(0, cue.at().toEpochMilli() - clock.millis());
        String key = cue.streamId() + "/" + cue.id();
        timers.put(key, scheduler.schedule(() -> database.execute(() -> fire(key, cue)), delay));
    }

    /** A scheduled cue's instant came: on the database executor, never the scheduler thread. */
    private void fire(String key, Cue cue) {
        timers.remove(key);
        try {
            synchronized (lock(cue.streamId())) {
                Cue current = store.get(cue.streamId(), cue.id()).orElse(null);
                if (current == null || current.status() != CueStatus.SCHEDULED) {
                    return;
                }
                StreamHub hub = hubs.get(cue.streamId()).orElse(null);
                if (hub == null) {
                    store.update(current.withStatus(CueStatus.MISSED, null, null));
                    log.info("cue {} of stream {} missed (not live at its time)", cue.id(), cue.streamId());
                    return;
                }
                Cue placed = placement(current, hub, clock.instant());
                store.update(placed);
                air(placed, hub, CueMessage.parse(placed.payload()).orElseThrow());
                log.info("cue {} of stream {} placed", cue.id(), cue.streamId());
            }
        } catch (RuntimeException e) {
            log.error("scheduled cue {} failed", cue.id(), e);
        }
    }

    /** The cue log of a stream. */
    public List<Cue> list(String streamId) {
        requireStream(streamId);
        return store.list(streamId);
    }

    /** Cancels a cue that has not played yet. */
    public Cue cancel(String streamId, String cueId) {
        requireStream(streamId);
        synchronized (lock(streamId)) {
            Cue c = store.get(streamId, cueId).orElseThrow(() -> new ControlException.NotFound("cue_not_found",
                    "no cue '" + cueId + "' on stream '" + streamId + "'"));
            if (c.status() != CueStatus.SCHEDULED) {
                throw new ControlException.Conflict("cue_already_" + c.status().wire(),
                        "cue '" + cueId + "' is " + c.status().wire() + "; only scheduled cues can be cancelled");
            }
            Scheduler.Cancellable t = timers.remove(streamId + "/" + cueId);
            if (t != null) {
                t.cancel();
            }
            Cue cancelled = c.withStatus(CueStatus.CANCELLED, null, null);
            store.update(cancelled);
            return cancelled;
        }
    }

    /**
     * The products on screen now: per SKU, the latest placed cue about it, when the one on-screen
     * rule of {@link CueMessage#keepsProductOnScreen} holds for it now (the playlists' DATERANGE
     * retention applies the same rule). From memory: a popular show's viewers never read the log.
     */
    public PublicState activeState(String streamId) {
        requireStream(streamId);
        OnScreen state = onScreen.get(streamId);
        List<JsonNode> products = state == null ? List.of() : state.at(clock.instant());
        return new PublicState(streamId, hubs.get(streamId).isPresent(), products);
    }

    private void requireStream(String streamId) {
        if (!streamExists.test(streamId)) {
            throw new ControlException.NotFound("stream_not_found", "no stream with id '" + streamId + "'");
        }
    }

    /**
     * What {@code /streams/{id}/state.json} shows: the products on screen now.
     *
     * @param streamId the stream
     * @param live whether it has a publisher
     * @param products the cues keeping a product on screen, as carried in the stream
     */
    public record PublicState(String streamId, boolean live, List<JsonNode> products) {}
}
