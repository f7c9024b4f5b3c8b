package io.cuecast.relay.edge;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Where an edge looks for a stream: the public base URLs of the servers that may have it, best first. */
public interface OriginLocator {
    /** Candidate upstreams for {@code streamId} (for example {@code http://origin-a:8080}), best first. */
    CompletableFuture<List<URI>> candidates(String streamId);

    /** A fixed list of upstreams: an edge of one origin, or of another edge (a second tier). */
    static OriginLocator fixed(List<URI> upstreams) {
        List<URI> copy = List.copyOf(upstreams);
        return id -> CompletableFuture.completedFuture(copy);
    }
}
