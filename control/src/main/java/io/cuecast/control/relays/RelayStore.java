package io.cuecast.control.relays;

import java.util.List;

/** Where push targets live: SQLite on one node today. Blocking I/O: never call from an event loop. */
public interface RelayStore {
    /** Adds a target. */
    void insert(Relay r);

    /** Replaces a target's enabled flag; false when it does not exist. */
    boolean update(Relay r);

    /** Removes a target; false when it did not exist. */
    boolean delete(String streamId, String relayId);

    /** Every target of every stream, oldest first. */
    List<Relay> all();
}
