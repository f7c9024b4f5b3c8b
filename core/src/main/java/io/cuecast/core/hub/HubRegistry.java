package io.cuecast.core.hub;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Which streams are live right now: at most one hub, and so one publisher, per stream id. */
public final class HubRegistry {
    private final Map<String, StreamHub> live = new ConcurrentHashMap<>();
    private final List<Consumer<StreamHub>> onCreated = new CopyOnWriteArrayList<>();

    /** Calls {@code listener} with every hub created from now on, on the publisher's thread. */
    public void onHubCreated(Consumer<StreamHub> listener) {
        onCreated.add(listener);
    }

    /**
     * Claims {@code streamId} for a new publisher.
     *
     * @return the new hub, or empty when the stream already has a publisher
     */
    public Optional<StreamHub> claim(String streamId) {
        StreamHub hub = new StreamHub(streamId);
        if (live.putIfAbsent(streamId, hub) != null) {
            return Optional.empty();
        }
        for (Consumer<StreamHub> l : onCreated) {
            l.accept(hub);
        }
        return Optional.of(hub);
    }

    /** Ends {@code hub} and frees its stream id for the next publisher. */
    public void release(StreamHub hub) {
        hub.end();
        live.remove(hub.streamId(), hub);
    }

    /** The live hub of {@code streamId}, if any. */
    public Optional<StreamHub> get(String streamId) {
        return Optional.ofNullable(live.get(streamId));
    }

    /** Number of live streams. */
    public int size() {
        return live.size();
    }
}
