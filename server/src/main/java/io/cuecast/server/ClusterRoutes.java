package io.cuecast.server;

import io.cuecast.control.cues.CueRequest;
import io.cuecast.control.cues.CueService;
import io.cuecast.control.cues.CueView;
import io.cuecast.http.HttpError;
import io.cuecast.http.JsonBody;
import io.cuecast.http.Request;
import io.cuecast.http.Response;
import io.cuecast.relay.cluster.ClusterNode;
import io.cuecast.relay.edge.EdgeService;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Admin API of cluster mode: {@code GET /api/v1/cluster} (this node, the nodes, leases, owners,
 * edge mirrors) and the cue POST that hands a cue to the stream's owner through Redis.
 */
final class ClusterRoutes {
    private final String nodeId;
    private final String role;
    private final ClusterNode cluster;
    private final EdgeService edge;
    private final CueService cues;
    private final Supplier<List<String>> streamIds;
    private final Predicate<String> liveHere;

    /** @param cluster null without Redis; @param edge null unless this node is an edge */
    ClusterRoutes(String nodeId, String role, ClusterNode cluster, EdgeService edge, CueService cues,
                  Supplier<List<String>> streamIds,
                  Predicate<String> liveHere) {
        this.liveHere = liveHere;
        this.nodeId = nodeId;
        this.role = role;
        this.cluster = cluster;
        this.edge = edge;
        this.cues = cues;
        this.streamIds = streamIds;
    }

    /** True when cues go through the cluster's cue log instead of straight to this node's hub. */
    boolean routesCues() {
        return cluster != null;
    }

    /** {@code POST /api/v1/streams/{id}/cues} in cluster mode: 202 with the cue id; the owner places it. */
    CompletionStage<Response> postCue(Request r) {
        JsonBody.requireJson(r);
        String raw = new String(r.body(), StandardCharsets.UTF_8);
        CueRequest body = JsonBody.read(r.body(), CueRequest.class);
        String streamId = r.param("id");
        cues.check(streamId, body);
        if (!cluster.connected() && liveHere.test(streamId)) {
            // Redis away and the publisher is here: this node is the owner in fact, the cue goes on air
            // here at once (a single node keeps working without its cluster store).
            return CompletableFuture.completedFuture(Response.json(HttpResponseStatus.CREATED,
                    CueView.of(cues.create(streamId, body))));
        }
        if (!cluster.connected()) {
            throw new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "cluster_unavailable",
                    "the cluster store (Redis) is unreachable: " + cluster.lastError() + "; the cue was not taken");
        }
        String id;
        try {
            id = cluster.postCue(streamId, CueService.newCueId(), body.idempotencyKey(), raw);
        } catch (RuntimeException e) {
            throw new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "cluster_unavailable",
                    "the cluster store (Redis) did not take the cue: " + e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("streamId", streamId);
        out.put("status", "queued");
        out.put("detail", "handed to the stream's owner through the cluster; GET the stream's cues on the owner"
                + " to see it placed");
        return CompletableFuture.completedFuture(Response.json(HttpResponseStatus.ACCEPTED, out));
    }

    /** {@code GET /api/v1/cluster}. */
    CompletionStage<Response> view(Request r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("nodeId", nodeId);
        out.put("role", role);
        if (cluster != null) {
            out.put("redis", Map.of("connected", cluster.connected(), "lastError", cluster.lastError()));
            out.put("nodes", cluster.nodes());
            Map<String, Object> leases = new LinkedHashMap<>();
            cluster.leases().forEach((id, l) -> leases.put(id, Map.of("epoch", l.epoch(),
                    "renewedAtMs", l.renewedAtMs(), "valid", cluster.ownership(id).isPresent())));
            out.put("leases", leases);
            out.put("owners", cluster.owners(streamIds.get()));
        }
        if (edge != null) {
            out.put("edge", Map.of("mirrored", edge.mirrored()));
        }
        return CompletableFuture.completedFuture(Response.json(HttpResponseStatus.OK, out));
    }
}
