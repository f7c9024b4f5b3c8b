package io.cuecast.control.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where streams, their keys and their ladders live: SQLite on one node today, a shared store when
 * nodes cluster. Every call may block on I/O: never call it from an event loop.
 */
public interface StreamStore extends AutoCloseable {
    /** Inserts a stream. */
    void insert(StreamRecord r);

    /** All streams, oldest first. */
    List<StreamRecord> list();

    /** One stream. */
    Optional<StreamRecord> get(String id);

    /** Replaces a stream's key hash ({@link KeyHash}); false when the stream does not exist. */
    boolean updateKey(String id, String newKeyHash);

    /** Sets (or, with null, clears) a stream's own ladder as JSON; false when it does not exist. */
    boolean updateLadder(String id, String ladderJson);

    /** Every stream's own ladder, by stream id. */
    Map<String, String> ladders();

    /** Deletes a stream and its cues; false when it did not exist. */
    boolean delete(String id);

    @Override
    void close();
}
