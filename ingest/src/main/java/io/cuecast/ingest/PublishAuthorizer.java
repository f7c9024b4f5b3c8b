package io.cuecast.ingest;

import java.util.Optional;

/**
 * Decides which stream a stream key publishes to. Called on an ingest event loop (RTMP, WHIP), so implementations
 * answer from memory and never touch a disk or database.
 */
public interface PublishAuthorizer {
    /** The stream id that {@code streamKey} belongs to, compared in constant time; empty when unknown. */
    Optional<String> streamIdForKey(String streamKey);
}
