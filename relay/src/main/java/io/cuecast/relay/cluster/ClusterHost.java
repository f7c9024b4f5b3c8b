package io.cuecast.relay.cluster;

import java.util.List;
import java.util.Map;

/**
 * What a cluster node needs of the server it runs in. Calls come from the cluster's own thread
 * and may block (database); never from an event loop.
 */
public interface ClusterHost {
    /** A stream as shared through the store: what any origin needs to accept its publisher. */
    record SharedStream(String id, String name, String keyHash, long createdAtMs) {}

    /** Where a rendition's numbering stands, for the next owner to continue from. */
    record Mark(long nextSequence, long discontinuityIndex) {}

    /** What became of a cue handed to the owner. */
    enum CueResult { APPLIED, RETRY, REFUSED }

    /** Every stream this node's store has. */
    List<SharedStream> localStreams();

    /** Makes a stream created (or re-keyed) on another node known here. */
    void importStream(SharedStream s);

    /** A stream deleted on another node is deleted here too. */
    void deleteStream(String id);

    /** True while a publisher is attached to {@code streamId} on this node. */
    boolean publishing(String streamId);

    /** Each rendition's numbering now, for the store (written at each segment). */
    Map<String, Mark> marks(String streamId);

    /** This node became the owner after another: continue each rendition's numbering from {@code marks}. */
    void continueFrom(String streamId, Map<String, Mark> marks);

    /**
     * Places a cue posted on any node, on the owner, once: {@code cueId} identifies it across
     * retries and owners.
     */
    CueResult applyCue(String streamId, String cueId, String requestJson);
}
