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
    private final List<RenditionListener> onRendition = new CopyOnWriteArrayList<>();

    /** Told about every rendition hub a transcoder makes from a source hub. */
    public interface RenditionListener {
        /**
         * @param source the live stream's own hub
         * @param name the rendition's name, for example {@code 480p}
         * @param rendition the hub the transcoder publishes that rendition into
         */
        void onRendition(StreamHub source, String name, StreamHub rendition);
    }

    /** Calls {@code listener} with every rendition announced from now on. */
    public void onRenditionCreated(RenditionListener listener) {
        onRendition.add(listener);
    }

    /**
     * Announces a rendition of {@code source}: a hub with its own publisher (the transcoder) that
     * ends when the transcoder stops. Rendition hubs are not claimable stream ids.
     */
    public void announceRendition(StreamHub source, String name, StreamHub rendition) {
        for (RenditionListener l : onRendition) {
            l.onRendition(source, name, rendition);
        }
    }

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
