package io.cuecast.ingest;

import io.cuecast.core.hub.HubRegistry;
import io.cuecast.core.hub.Publisher;
import io.cuecast.core.hub.StreamHub;
import java.util.Optional;

/**
 * One publish of one stream, the same for every ingest protocol: authorize the stream key, claim
 * the stream's hub for the publisher, hand the hub to the protocol's adapter, release it at the
 * end. RTMP uses it today, WHIP next; neither repeats the sequence.
 */
public final class PublishSession {
    /** Why a publish was refused. */
    public enum Refusal {
        /** The key belongs to no stream. */
        BAD_KEY,
        /** The stream already has a publisher. */
        ALREADY_LIVE
    }

    /**
     * The outcome of {@link #open}: a live session, or the refusal.
     *
     * @param session the session, or null when refused
     * @param refusal why it was refused, or null
     * @param streamId the stream the key belongs to, or null for a bad key
     */
    public record Outcome(PublishSession session, Refusal refusal, String streamId) {
        /** True when the publish may go ahead. */
        public boolean accepted() {
            return session != null;
        }
    }

    private final HubRegistry hubs;
    private final StreamHub hub;
    private boolean released;

    private PublishSession(HubRegistry hubs, StreamHub hub) {
        this.hubs = hubs;
        this.hub = hub;
    }

    /**
     * Authorizes {@code streamKey} and claims its stream for {@code publisher}. Never blocks (the
     * authorizer answers from memory), so it runs on the protocol's event loop.
     */
    public static Outcome open(PublishAuthorizer authorizer, HubRegistry hubs, String streamKey, Publisher publisher) {
        Optional<String> streamId = streamKey == null || streamKey.isEmpty()
                ? Optional.empty() : authorizer.streamIdForKey(streamKey);
        if (streamId.isEmpty()) {
            return new Outcome(null, Refusal.BAD_KEY, null);
        }
        Optional<StreamHub> claimed = hubs.claim(streamId.get(), publisher);
        if (claimed.isEmpty()) {
            return new Outcome(null, Refusal.ALREADY_LIVE, streamId.get());
        }
        return new Outcome(new PublishSession(hubs, claimed.get()), null, streamId.get());
    }

    /** The claimed hub, for the protocol's adapter to publish into. */
    public StreamHub hub() {
        return hub;
    }

    /** The stream being published. */
    public String streamId() {
        return hub.streamId();
    }

    /** Ends the stream's hub and frees the stream for the next publisher; idempotent. */
    public void release() {
        if (!released) {
            released = true;
            hubs.release(hub);
        }
    }
}
