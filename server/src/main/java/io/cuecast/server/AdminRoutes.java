package io.cuecast.server;

import io.cuecast.control.StreamService;
import io.cuecast.control.cues.CueRequest;
import io.cuecast.control.cues.CueService;
import io.cuecast.control.cues.CueView;
import io.cuecast.http.ErrorStyle;
import io.cuecast.http.Filter;
import io.cuecast.http.HttpError;
import io.cuecast.http.JsonBody;
import io.cuecast.http.Response;
import io.cuecast.http.Router;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The admin port's route table: {@code /api/v1} behind the bearer token, {@code /metrics}
 * (Prometheus text) and {@code /healthz} without. Handlers run on the blocking pool (the stores do
 * disk I/O), never on an event loop.
 */
final class AdminRoutes {
    private AdminRoutes() {
    }

    static Router router(StreamService streams, CueService cues, RelayRoutes relays, ClusterRoutes cluster,
                         String token, Executor blocking, Supplier<String> metrics, int maxBody) {
        return relays.addTo(Router.builder(ErrorStyle.JSON)
                .errors(ApiErrors::map)
                .executor(blocking)
                .maxBody(maxBody)
                .get("/metrics", r -> done(Response.of(HttpResponseStatus.OK,
                        "text/plain; version=0.0.4; charset=utf-8",
                        Unpooled.copiedBuffer(metrics.get(), StandardCharsets.UTF_8))
                        .header(HttpHeaderNames.CACHE_CONTROL, "no-store")))
                .get("/healthz", r -> json(HttpResponseStatus.OK, Map.of("status", "ok")))
                .filter(bearer(token))
                .get("/api/v1/streams", r -> json(HttpResponseStatus.OK, Map.of("streams", streams.list())))
                .post("/api/v1/streams", r -> {
                    CreateStreamRequest body = JsonBody.read(r, CreateStreamRequest.class, true);
                    return json(HttpResponseStatus.CREATED, streams.create(body == null ? null : body.name()));
                })
                .get("/api/v1/streams/{id}", r -> json(HttpResponseStatus.OK, streams.get(r.param("id"))))
                .delete("/api/v1/streams/{id}", r -> {
                    streams.delete(r.param("id"));
                    return json(HttpResponseStatus.NO_CONTENT, null);
                })
                .get("/api/v1/cluster", cluster::view)
                .post("/api/v1/streams/{id}/cues", r -> {
                    if (cluster.routesCues()) {
                        return cluster.postCue(r);
                    }
                    JsonBody.requireJson(r);
                    CueRequest body = JsonBody.read(r.body(), CueRequest.class);
                    return json(HttpResponseStatus.CREATED, CueView.of(cues.create(r.param("id"), body)));
                })
                .get("/api/v1/streams/{id}/cues", r -> json(HttpResponseStatus.OK,
                        Map.of("cues", cues.list(r.param("id")).stream().map(CueView::of).toList())))
                .delete("/api/v1/streams/{id}/cues/{cueId}", r -> json(HttpResponseStatus.OK,
                        CueView.of(cues.cancel(r.param("id"), r.param("cueId")))))
                .get("/api/v1/streams/{id}/ladder", r -> json(HttpResponseStatus.OK, streams.ladder(r.param("id"))))
                .put("/api/v1/streams/{id}/ladder", r -> json(HttpResponseStatus.OK,
                        streams.setLadder(r.param("id"), JsonBody.tree(r))))
                .delete("/api/v1/streams/{id}/ladder", r -> json(HttpResponseStatus.OK,
                        streams.resetLadder(r.param("id"))))
                .post("/api/v1/streams/{id}/key", r -> json(HttpResponseStatus.OK, streams.rotateKey(r.param("id")))))
                .build();
    }

    /** {@code Authorization: Bearer <admin token>}, compared in constant time. */
    static Filter bearer(String token) {
        byte[] expected = token.getBytes(StandardCharsets.UTF_8);
        return r -> {
            String header = r.header(HttpHeaderNames.AUTHORIZATION);
            if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw new HttpError(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                        "missing 'Authorization: Bearer <admin token>' header");
            }
            byte[] offered = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(offered, expected)) {
                throw new HttpError(HttpResponseStatus.UNAUTHORIZED, "unauthorized", "wrong admin token");
            }
            return null;
        };
    }

    private static CompletionStage<Response> json(HttpResponseStatus status, Object body) {
        return done(Response.json(status, body));
    }

    private static CompletionStage<Response> done(Response r) {
        return CompletableFuture.completedFuture(r);
    }
}
