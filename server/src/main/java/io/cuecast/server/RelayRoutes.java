package io.cuecast.server;

import io.cuecast.control.relays.Relay;
import io.cuecast.control.relays.RelayRequest;
import io.cuecast.control.relays.RelayTargets;
import io.cuecast.http.JsonBody;
import io.cuecast.http.Response;
import io.cuecast.http.Router;
import io.cuecast.relay.RelayService;
import io.cuecast.relay.RelayStatus;
import io.cuecast.relay.RelayTarget;
import io.cuecast.relay.RtmpUrl;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/v1/streams/{id}/relays}: a stream's push targets, with what each is doing. A target's
 * key is never echoed back in full: its URL is shown with the stream name cut to four characters.
 */
final class RelayRoutes {
    /**
     * One target as the API shows it.
     *
     * @param id the target's id
     * @param url its URL, the key part redacted
     * @param rendition {@code source} or a rung name
     * @param enabled whether it runs while the stream is live
     * @param status what it is doing now
     */
    record View(String id, String url, String rendition, boolean enabled, boolean fromConfig, RelayStatus status) {}

    private final RelayTargets targets;
    private final RelayService relays;
    private final io.micrometer.core.instrument.MeterRegistry meters;
    private final java.util.function.Function<String, java.util.List<RelayTarget>> all;

    /** @param all a stream's targets, its own and the server's defaults (relays.defaults) */
    RelayRoutes(RelayTargets targets, RelayService relays, io.micrometer.core.instrument.MeterRegistry meters,
                java.util.function.Function<String, java.util.List<RelayTarget>> all) {
        this.targets = targets;
        this.relays = relays;
        this.meters = meters;
        this.all = all;
    }

    Router.Builder addTo(Router.Builder routes) {
        return routes
                .get("/api/v1/streams/{id}/relays", r -> done(Response.json(HttpResponseStatus.OK,
                        Map.of("relays", all.apply(requireStreamOf(r.param("id"))).stream().map(this::view).toList()))))
                .post("/api/v1/streams/{id}/relays", r -> {
                    JsonBody.requireJson(r);
                    RelayRequest body = JsonBody.read(r.body(), RelayRequest.class);
                    return done(Response.json(HttpResponseStatus.CREATED, view(targets.add(r.param("id"), body))));
                })
                .put("/api/v1/streams/{id}/relays/{relayId}", r -> {
                    JsonBody.requireJson(r);
                    RelayRequest body = JsonBody.read(r.body(), RelayRequest.class);
                    return done(Response.json(HttpResponseStatus.OK,
                            view(targets.setEnabled(r.param("id"), r.param("relayId"), body))));
                })
                .delete("/api/v1/streams/{id}/relays/{relayId}", r -> {
                    targets.remove(r.param("id"), r.param("relayId"));
                    RelayMeters.remove(meters, r.param("relayId"));
                    return done(Response.json(HttpResponseStatus.NO_CONTENT, null));
                });
    }

    /** Lists of an unknown stream are 404 like every other stream resource (from add's own check). */
    private String requireStreamOf(String id) {
        targets.requireStream(id);
        return id;
    }

    private View view(Relay r) {
        return view(new RelayTarget(r.id(), r.streamId(), r.url(), r.rendition(), r.enabled()));
    }

    private View view(RelayTarget r) {
        String shown;
        try {
            shown = RtmpUrl.parse(r.url()).redacted();
        } catch (IllegalArgumentException e) {
            shown = "(invalid URL)";
        }
        return new View(r.id(), shown, r.rendition(), r.enabled(), r.id().startsWith("default-"),
                relays.status(r.id()));
    }

    private static CompletableFuture<Response> done(Response r) {
        return CompletableFuture.completedFuture(r);
    }
}
