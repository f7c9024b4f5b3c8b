package io.cuecast.control.relays;

import java.time.Instant;

/**
 * A push target of a stream, as stored.
 *
 * @param id the target's id
 * @param streamId its stream
 * @param url where to publish, {@code rtmp(s)://host[:port]/app/key}; the key part is a secret
 * @param rendition {@code source} or a ladder rung name
 * @param enabled false keeps it configured but idle
 * @param createdAt when it was added
 */
public record Relay(String id, String streamId, String url, String rendition, boolean enabled, Instant createdAt) {
    /** The same target, enabled or not. */
    public Relay withEnabled(boolean on) {
        return new Relay(id, streamId, url, rendition, on, createdAt);
    }
}
