package io.cuecast.server.cues;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cuecast.core.hub.HubRegistry;
import io.cuecast.core.hub.StreamHub;
import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.Packet;
import io.cuecast.server.Secrets;
import io.cuecast.server.admin.ApiException;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Product cues: validated, logged in SQLite, and placed on the stream's media clock as a timed data
 * packet of the source hub, so every carrier (emsg/ID3, EXT-X-DATERANGE) gets it from one place.
 */
public final class CueService {
    private static final Logger log = LoggerFactory.getLogger(CueService.class);
    /** Largest serialized cue; ID3 frames and playlist attributes stay small. */
    public static final int MAX_CUE_BYTES = 2048;
    /** Track id of the hub's cue track (the ingest's data track). */
    static final int DATA_TRACK = 3;

    private final CueStore store;
    private final Predicate<String> streamExists;
    private final HubRegistry hubs;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final RateLimiter limiter;
    private final Map<String, ScheduledFuture<?>> timers = new ConcurrentHashMap<>();
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public CueService(CueStore store, Predicate<String> streamExists, HubRegistry hubs,
                      ScheduledExecutorService scheduler, Clock clock, double cuesPerSecond) {
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

    /** Parses a request body; every problem is a 400 naming the field. Exposed for the fuzz test. */
    public static CueRequest parse(byte[] body) {
        if (body.length == 0) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "invalid_json", "request body is empty");
        }
        try {
            return JSON.readValue(body, CueRequest.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "unknown_field", "unknown field '"
                    + path(e) + "' (known: " + e.getKnownPropertyIds() + ")");
        } catch (MismatchedInputException e) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "invalid_field",
                    "'" + path(e) + "' has the wrong type: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "invalid_json", "request body is not valid JSON: "
                    + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "invalid_json", "cannot read body: " + e.getMessage());
        }
    }

    private static String path(MismatchedInputException e) {
        List<String> names = new ArrayList<>();
        e.getPath().forEach(r -> names.add(r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]"));
        return names.isEmpty() ? "body" : String.join(".", names);
    }

    /** Runs every check a POST runs on the body alone (no stream, no clock); for the fuzz test. */
    public static void validateForFuzzing(CueRequest r) {
        CueType type = CueValidator.validate(r);
        CueValidator.at(r, Instant.parse("2026-11-26T00:00:00Z"));
        payload("cue_fuzz", type, r);
    }

    /** The compact JSON that travels in the stream: id, type, product, data, durationMs. */
    public static String payload(String id, CueType type, CueRequest r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id);
        n.put("type", type.wire());
        if (r.product() != null) {
            ObjectNode p = JSON.valueToTree(r.product());
            List<String> nulls = new ArrayList<>();
            p.fields().forEachRemaining(f -> {
                if (f.getValue().isNull()) {
                    nulls.add(f.getKey());
                }
            });
            p.remove(nulls);
            n.set("product", p);
        }
        if (r.data() != null) {
            n.set("data", r.data());
        }
        if (r.durationMs() != null) {
            n.put("durationMs", r.durationMs());
        }
        return n.toString();
    }

    /** Validates, logs and places (or schedules) a cue; a refused cue changes nothing. */
    public Cue create(String streamId, byte[] body) {
        if (!streamExists.test(streamId)) {
            throw new ApiException(HttpResponseStatus.NOT_FOUND, "stream_not_found", "no stream with id '" + streamId + "'");
        }
        CueRequest r = parse(body);
        CueType type = CueValidator.validate(r);
        Instant now = clock.instant();
        Instant at = CueValidator.at(r, now);
        if (r.idempotencyKey() != null) {
            var existing = store.byIdempotencyKey(streamId, r.idempotencyKey());
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        String id = "cue_" + Secrets.streamId();
        String payload = payload(id, type, r);
        int size = payload.getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_CUE_BYTES) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "cue_too_large", "the cue is " + size
                    + " bytes serialized, over the limit of " + MAX_CUE_BYTES);
        }
        StreamHub hub = hubs.get(streamId).orElse(null);
        boolean now_ = at == null || !at.isAfter(now);
        if (now_ && hub == null) {
            throw new ApiException(HttpResponseStatus.CONFLICT, "stream_not_live",
                    "stream '" + streamId + "' is not live; pass 'at' to schedule the cue for later");
        }
        long wait = limiter.acquire(streamId, clock.millis());
        if (wait > 0) {
            throw new ApiException(HttpResponseStatus.TOO_MANY_REQUESTS, "rate_limited",
                    "more than the allowed cues per second for this stream", Math.max(1, (wait + 999) / 1000));
        }
        Cue cue = new Cue(id, streamId, type.wire(), payload, "scheduled", at, null, null, now, r.idempotencyKey());
        if (now_) {
            cue = place(cue, hub, now);
            store.insert(cue);
        } else {
            store.insert(cue);
            arm(cue);
        }
        return cue;
    }

    private Cue place(Cue cue, StreamHub hub, Instant now) {
        long pts = Math.max(0, hub.stats().lastVideoPtsMs());
        hub.inject(new Packet(DATA_TRACK, pts, pts, true, Bytes.wrap(cue.payload().getBytes(StandardCharsets.UTF_8))));
        return cue.placed("placed", pts, now);
    }

    private void arm(Cue cue) {
        long delay = Math.max(0, cue.at().toEpochMilli() - clock.millis());
        timers.put(cue.id(), scheduler.schedule(() -> fire(cue), delay, TimeUnit.MILLISECONDS));
    }

    private void fire(Cue cue) {
        timers.remove(cue.id());
        try {
            Cue current = store.get(cue.streamId(), cue.id()).orElse(null);
            if (current == null || !"scheduled".equals(current.status())) {
                return;
            }
            StreamHub hub = hubs.get(cue.streamId()).orElse(null);
            Cue done = hub == null ? current.placed("missed", null, null) : place(current, hub, clock.instant());
            store.update(done);
            log.info("cue {} of stream {} {}", cue.id(), cue.streamId(), done.status());
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
        Cue c = store.get(streamId, cueId).orElseThrow(() -> new ApiException(HttpResponseStatus.NOT_FOUND,
                "cue_not_found", "no cue '" + cueId + "' on stream '" + streamId + "'"));
        if (!"scheduled".equals(c.status())) {
            throw new ApiException(HttpResponseStatus.CONFLICT, "cue_already_" + c.status(),
                    "cue '" + cueId + "' is " + c.status() + "; only scheduled cues can be cancelled");
        }
        ScheduledFuture<?> t = timers.remove(cueId);
        if (t != null) {
            t.cancel(false);
        }
        Cue cancelled = c.placed("cancelled", null, null);
        store.update(cancelled);
        return cancelled;
    }

    /** The products on screen now: the latest show/update per SKU not hidden since and not expired. */
    public Map<String, Object> activeState(String streamId) {
        requireStream(streamId);
        Map<String, JsonNode> bySku = new LinkedHashMap<>();
        Instant now = clock.instant();
        for (Cue c : store.list(streamId)) {
            if (!"placed".equals(c.status())) {
                continue;
            }
            JsonNode p;
            try {
                p = JSON.readTree(c.payload());
            } catch (JsonProcessingException e) {
                continue;
            }
            String sku = p.path("product").path("sku").asText(null);
            if (sku == null) {
                continue;
            }
            boolean expired = p.path("durationMs").isNumber() && c.programDateTime() != null
                    && c.programDateTime().plusMillis(p.get("durationMs").asLong()).isBefore(now);
            if (c.type().equals("product.hide") || expired) {
                bySku.remove(sku);
            } else if (c.type().equals("product.show") || c.type().equals("product.update")) {
                bySku.remove(sku);
                bySku.put(sku, p);
            }
        }
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("streamId", streamId);
        state.put("live", hubs.get(streamId).isPresent());
        state.put("products", new ArrayList<>(bySku.values()));
        return state;
    }

    private void requireStream(String streamId) {
        if (!streamExists.test(streamId)) {
            throw new ApiException(HttpResponseStatus.NOT_FOUND, "stream_not_found", "no stream with id '" + streamId + "'");
        }
    }

    /** A cue as the API shows it. */
    public static Map<String, Object> view(Cue c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("streamId", c.streamId());
        m.put("type", c.type());
        m.put("status", c.status());
        m.put("at", c.at() == null ? null : c.at().toString());
        m.put("pts", c.ptsMs());
        m.put("programDateTime", c.programDateTime() == null ? null : c.programDateTime().toString());
        m.put("createdAt", c.createdAt().toString());
        if (c.idempotencyKey() != null) {
            m.put("idempotencyKey", c.idempotencyKey());
        }
        try {
            m.put("cue", JSON.readTree(c.payload()));
        } catch (JsonProcessingException e) {
            m.put("cue", c.payload());
        }
        return m;
    }
}
