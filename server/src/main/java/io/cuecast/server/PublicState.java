package io.cuecast.server;

import io.cuecast.control.ControlException;
import io.cuecast.control.cues.CueService;
import io.cuecast.http.HttpError;
import io.cuecast.http.Request;
import io.cuecast.http.Response;
import io.cuecast.http.Router;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /streams/{id}/state.json} on the public port: the products on screen now, for apps that
 * join late or do not read metadata from the stream. No token: it only shows what viewers see.
 */
final class PublicState {
    private final CueService cues;
    private final String corsOrigin;

    PublicState(CueService cues, String corsOrigin) {
        this.cues = cues;
        this.corsOrigin = corsOrigin;
    }

    /**
     * Adds the route to the public port's table. It runs on the event loop: the state is kept in
     * memory as cues go on air, so viewers never queue behind the admin API or the database.
     */
    Router.Builder addTo(Router.Builder routes) {
        return routes.get("/streams/{id}/state.json", this::state);
    }

    private CompletionStage<Response> state(Request r) {
        Response answer;
        try {
            answer = Response.json(HttpResponseStatus.OK, cues.activeState(r.param("id")))
                    .header(HttpHeaderNames.CACHE_CONTROL, "public, max-age=1")
                    .header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, corsOrigin);
        } catch (ControlException e) {
            // Apps read this endpoint as JSON, errors included.
            HttpError h = ApiErrors.map(e);
            answer = Response.error(h.status(), h.code(), h.getMessage());
        }
        return CompletableFuture.completedFuture(answer);
    }
}
