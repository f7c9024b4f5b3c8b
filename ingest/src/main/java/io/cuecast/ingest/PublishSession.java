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
        /** The key belongs to no stream (or its stream was deleted while the publish was accepted). */
        BAD_KEY,
        /** The server already carries as many live streams as its memory budget allows. */
        OVER_CAPACITY
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
     * Authorizes {@code streamKey} and claims its stream for {@code publisher}. A live stream is
     * taken over: the key is the host's, and a host reconnecting after a network drop must not wait
     * for its dead session to time out (its old session ends as in a reconnect). Never blocks (the
     * authorizer answers from memory), so it runs on the protocol's event loop.
     */
    public static Outcome open(PublishAuthorizer authorizer, HubRegistry hubs, String streamKey, Publisher publisher) {
        return open(authorizer, hubs, streamKey, publisher, Integer.MAX_VALUE);
    }

    /**
     * {@link #open(PublishAuthorizer, HubRegistry, String, Publisher)} refusing a stream that would
     * be live beyond {@code maxLiveStreams} (a reconnect to a live stream is never refused).
     */
    public static Outcome open(PublishAuthorizer authorizer, HubRegistry hubs, String streamKey, Publisher publisher,
                               int maxLiveStreams) {
        Optional<String> streamId = streamKey == null || streamKey.isEmpty()
                ? Optional.empty() : authorizer.streamIdForKey(streamKey);
        if (streamId.isEmpty()) {
            return new Outcome(null, Refusal.BAD_KEY, null);
        }
        Optional<StreamHub> claimed = hubs.takeOver(streamId.get(), publisher, maxLiveStreams);
        if (claimed.isEmpty()) {
            return new Outcome(null, Refusal.OVER_CAPACITY, streamId.get());
        }
        StreamHub hub = claimed.get();
        // A delete removes the key, then terminates the live hub. If it ran between our key check
        // and the hub becoming visible, its terminate missed us: the second check sees the key gone.
        if (!streamId.equals(authorizer.streamIdForKey(streamKey))) {
            hubs.release(hub);
            return new Outcome(null, Refusal.BAD_KEY, null);
        }
        return new Outcome(new PublishSession(hubs, hub), null, streamId.get());
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
