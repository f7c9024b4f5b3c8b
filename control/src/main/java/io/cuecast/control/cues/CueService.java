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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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
    private final Map<String, Scheduler.Cancellable> timers = new ConcurrentHashMap<>();

    /**
     * @param scheduler runs scheduled cues at their instant
     * @param cuesPerSecond the rate each stream may post cues at (bursts up to the same number)
     */
    public CueService(CueStore store, Predicate<String> streamExists, HubRegistry hubs, Scheduler scheduler,
                      Clock clock, double cuesPerSecond) {
        this.store = store;
        this.streamExists = streamExists;
        this.hubs = hubs;
        this.scheduler = scheduler;
        this.clock = clock;
        this.limiter = new RateLimiter(cuesPerSecond);
    }

    /** Re-arms the timers of cues scheduled before a restart; those whose time passed are missed. */
    public void rearm() {
        for (Cue c : store.scheduled()) {
            arm(c);
        }
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

    /** Validates, logs and places (or schedules) a cue; a refused cue changes nothing. */
    public Cue create(String streamId, CueRequest r) {
        requireStream(streamId);
        CueType type = CueValidator.validate(r);
        Instant now = clock.instant();
        Instant at = CueValidator.at(r, now);
        if (r.idempotencyKey() != null) {
            Optional<Cue> existing = store.byIdempotencyKey(streamId, r.idempotencyKey());
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        String id = "cue_" + Secrets.streamId();
        CueMessage message = message(id, type, r);
        int size = message.bytes().length;
        if (size > MAX_CUE_BYTES) {
            throw new ControlException.Invalid("cue_too_large", "body", "the cue is " + size
                    + " bytes serialized, over the limit of " + MAX_CUE_BYTES);
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
            cue = place(cue, hub, now);
            store.insert(cue);
        } else {
            store.insert(cue);
            arm(cue);
        }
        return cue;
    }

    /**
     * Puts the cue on the stream at its live edge. The program date-time it answers is the hub's
     * wall-clock time of that media instant, the same one the playlists' DATERANGE START-DATE uses.
     */
    private Cue place(Cue cue, StreamHub hub, Instant now) {
        long pts = Math.max(0, hub.liveEdgeMs());
        hub.inject(new Packet(CueTrack.ID, pts, pts, true, Bytes.wrap(cue.payload().getBytes(StandardCharsets.UTF_8))));
        Instant pdt = hub.wallClockAt(pts);
        return cue.withStatus(CueStatus.PLACED, pts, pdt != null ? pdt : now);
    }

    private void arm(Cue cue) {
        long delay = Math.max(0, cue.at().toEpochMilli() - clock.millis());
        timers.put(cue.id(), scheduler.schedule(() -> fire(cue), delay));
    }

    private void fire(Cue cue) {
        timers.remove(cue.id());
        try {
            Cue current = store.get(cue.streamId(), cue.id()).orElse(null);
            if (current == null || current.status() != CueStatus.SCHEDULED) {
                return;
            }
            StreamHub hub = hubs.get(cue.streamId()).orElse(null);
            Cue done = hub == null ? current.withStatus(CueStatus.MISSED, null, null)
                    : place(current, hub, clock.instant());
            store.update(done);
            log.info("cue {} of stream {} {}", cue.id(), cue.streamId(), done.status().wire());
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
        Cue c = store.get(streamId, cueId).orElseThrow(() -> new ControlException.NotFound("cue_not_found",
                "no cue '" + cueId + "' on stream '" + streamId + "'"));
        if (c.status() != CueStatus.SCHEDULED) {
            throw new ControlException.Conflict("cue_already_" + c.status().wire(),
                    "cue '" + cueId + "' is " + c.status().wire() + "; only scheduled cues can be cancelled");
        }
        Scheduler.Cancellable t = timers.remove(cueId);
        if (t != null) {
            t.cancel();
        }
        Cue cancelled = c.withStatus(CueStatus.CANCELLED, null, null);
        store.update(cancelled);
        return cancelled;
    }

    /**
     * The products on screen now: per SKU, the latest placed cue about it, when the one on-screen
     * rule of {@link CueMessage#keepsProductOnScreen} holds for it now (the playlists' DATERANGE
     * retention applies the same rule).
     */
    public PublicState activeState(String streamId) {
        requireStream(streamId);
        Map<String, CueMessage> latest = new LinkedHashMap<>();
        Map<String, Instant> started = new LinkedHashMap<>();
        for (Cue c : store.list(streamId)) {
            if (c.status() != CueStatus.PLACED) {
                continue;
            }
            CueMessage m = CueMessage.parse(c.payload()).orElse(null);
            if (m == null || m.sku() == null) {
                continue;
            }
            latest.remove(m.sku()); // the newest goes last, as a product re-shown moves to the end
            latest.put(m.sku(), m);
            started.put(m.sku(), c.programDateTime() != null ? c.programDateTime() : c.createdAt());
        }
        Instant now = clock.instant();
        List<JsonNode> products = new ArrayList<>();
        latest.forEach((sku, m) -> {
            if (m.keepsProductOnScreen(started.get(sku), now)) {
                products.add(m.tree());
            }
        });
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
