package io.cuecast.control.cues;

import java.util.List;
import java.util.Optional;

/** The cue log: SQLite on one node today, a shared store when nodes cluster. Blocking I/O. */
public interface CueStore {
    /**
     * Inserts a cue, atomically against its idempotency key: when the stream already has a cue with
     * the same key, nothing is written and that cue is returned.
     *
     * @return empty when inserted, else the cue that holds the key
     */
    Optional<Cue> insert(Cue c);

    /** Updates status and placement. */
    void update(Cue c);

    /** A stream's cues, oldest first. */
    List<Cue> list(String streamId);

    /** Every cue still scheduled, on every stream. */
    List<Cue> scheduled();

    /** Every placed cue, on every stream, oldest first: what was on screen before a restart. */
    List<Cue> placed();

    /** One cue. */
    Optional<Cue> get(String streamId, String cueId);

    /** The cue a client created with this idempotency key, if any. */
    Optional<Cue> byIdempotencyKey(String streamId, String key);
}
