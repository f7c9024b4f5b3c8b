package io.cuecast.server;

import io.cuecast.http.Request;
import io.cuecast.http.Response;
import io.cuecast.http.Router;
import io.cuecast.ingest.PublishAuthorizer;
import io.cuecast.ingest.whip.WhipService;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * WHIP signalling on the public port (RFC 9725 §4): {@code POST /whip/{id}} takes an SDP offer and
 * answers {@code 201} with the SDP answer and the session's {@code Location}; {@code DELETE} on that
 * resource ends the publish; {@code PATCH} takes trickled candidates (an ICE-lite server needs none,
 * so they are acknowledged and ignored); {@code OPTIONS} answers CORS preflights so a page on
 * another origin can publish. The stream key is the Bearer token, as OBS's WHIP settings send it.
 */
final class WhipRoutes {
    private final WhipService whip;
    private final PublishAuthorizer keys;
    private final String corsOrigin;

    WhipRoutes(WhipService whip, PublishAuthorizer keys, String corsOrigin) {
        this.whip = whip;
        this.keys = keys;
        this.corsOrigin = corsOrigin;
    }

    Router.Builder addTo(Router.Builder routes) {
        return routes.post("/whip/{id}", this::offer)
                .options("/whip/{id}", r -> done(cors(Response.empty(HttpResponseStatus.NO_CONTENT), "POST, OPTIONS")
                        .header("Accept-Post", "application/sdp")))
                .delete("/whip/{id}/{resource}", this::delete)
                .route(HttpMethod.PATCH, "/whip/{id}/{resource}", this::patch)
                .options("/whip/{id}/{resource}", r -> done(cors(Response.empty(HttpResponseStatus.NO_CONTENT),
                        "PATCH, DELETE, OPTIONS").header("Accept-Patch", "application/trickle-ice-sdpfrag")));
    }

    private CompletionStage<Response> offer(Request r) {
        String id = r.param("id");
        WhipService.Outcome o = whip.offer(id, bearer(r), r.header(HttpHeaderNames.CONTENT_TYPE), r.body(), r.remote(),
                r.header(HttpHeaderNames.USER_AGENT));
        if (o.refusal() != null) {
            return done(refusal(o.refusal()));
        }
        WhipService.Answer a = o.answer();
        Response ok = Response.of(HttpResponseStatus.CREATED, "application/sdp",
                        Unpooled.copiedBuffer(a.answer(), StandardCharsets.UTF_8))
                .header(HttpHeaderNames.LOCATION, "/whip/" + id + "/" + a.resourceId())
                .header(HttpHeaderNames.ETAG, a.etag())
                .header(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .header("Accept-Patch", "application/trickle-ice-sdpfrag");
        return done(cors(ok, "POST, OPTIONS"));
    }

    private CompletionStage<Response> delete(Request r) {
        Response denied = authorize(r);
        if (denied != null) {
            return done(denied);
        }
        WhipService.Refusal refused = whip.delete(r.param("id"), r.param("resource"));
        return done(refused != null ? refusal(refused) : cors(Response.empty(HttpResponseStatus.OK), "PATCH, DELETE, OPTIONS"));
    }

    private CompletionStage<Response> patch(Request r) {
        Response denied = authorize(r);
        if (denied != null) {
            return done(denied);
        }
        if (!whip.exists(r.param("id"), r.param("resource"))) {
            return done(refusal(new WhipService.Refusal(404, "no_such_session", "no WHIP session "
                    + r.param("resource") + " on stream " + r.param("id"))));
        }
        String type = r.header(HttpHeaderNames.CONTENT_TYPE);
        if (type == null || !type.startsWith("application/trickle-ice-sdpfrag")) {
            return done(refusal(new WhipService.Refusal(415, "unsupported_media_type",
                    "PATCH takes application/trickle-ice-sdpfrag")));
        }
        String frag = new String(r.body(), StandardCharsets.UTF_8);
        if (frag.contains("a=ice-ufrag:") || frag.contains("a=ice-pwd:")) {
            // RFC 9725 §4.3.2: new credentials mean an ICE restart, which we do not do yet; the client re-POSTs.
            return done(refusal(new WhipService.Refusal(422, "ice_restart_unsupported",
                    "ICE restarts are not supported: end the session (DELETE) and POST a new offer")));
        }
        // ICE-lite (RFC 8445 §2.5): we never send checks, so the client's candidates are not needed.
        return done(cors(Response.empty(HttpResponseStatus.NO_CONTENT), "PATCH, DELETE, OPTIONS"));
    }

    /** The Bearer must be the key of the stream in the path. */
    private Response authorize(Request r) {
        String key = bearer(r);
        Optional<String> stream = key == null ? Optional.empty() : keys.streamIdForKey(key);
        if (stream.isEmpty() || !stream.get().equals(r.param("id"))) {
            return refusal(new WhipService.Refusal(401, "bad_key", "send the stream key of stream '" + r.param("id")
                    + "' as Authorization: Bearer <key>"));
        }
        return null;
    }

    private Response refusal(WhipService.Refusal refusal) {
        Response e = Response.error(HttpResponseStatus.valueOf(refusal.status()), refusal.code(), refusal.message());
        switch (refusal.status()) {
            case 401 -> e.header(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            case 429 -> e.header(HttpHeaderNames.RETRY_AFTER, "10");
            case 503 -> e.header(HttpHeaderNames.RETRY_AFTER, "5");
            default -> { }
        }
        return cors(e, null);
    }

    private Response cors(Response r, String methods) {
        r.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, corsOrigin)
                .header(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, "Location, ETag, Link, Accept-Patch")
                .header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type, If-Match");
        if (methods != null) {
            r.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, methods);
        }
        return r;
    }

    private static String bearer(Request r) {
        String h = r.header(HttpHeaderNames.AUTHORIZATION);
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return h.substring(7).trim();
    }

    private static CompletionStage<Response> done(Response r) {
        return CompletableFuture.completedFuture(r);
    }
}
