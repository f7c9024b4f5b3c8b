package io.cuecast.core.hub;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Which streams are live right now, by path: a stream's own hub under its id (at most one, and so
 * one publisher, per id), its renditions under {@code {id}/{name}} (for example {@code abc/480p}),
 * and per stream the set of renditions players are offered.
 */
public final class HubRegistry {
    private final Map<String, StreamHub> live = new ConcurrentHashMap<>();
    private final Map<String, OfferedRenditions> offered = new ConcurrentHashMap<>();
    private final List<Consumer<StreamHub>> onCreated = new CopyOnWriteArrayList<>();
    private final List<RenditionListener> onRendition = new CopyOnWriteArrayList<>();
    private final Clock clock;

    /** A registry whose hubs date their media on {@code clock}. */
    public HubRegistry(Clock clock) {
        this.clock = clock;
    }

    /** A registry on the system clock. */
    public HubRegistry() {
        this(Clock.systemUTC());
    }

    /** Told about every rendition hub a transcoder makes from a source hub. */
    public interface RenditionListener {
        /**
         * @param source the live stream's own hub
         * @param name the rendition's name, for example {@code 480p}
         * @param rendition the hub the transcoder publishes that rendition into
         */
        void onRendition(StreamHub source, String name, StreamHub rendition);
    }

    /** Calls {@code listener} with every rendition added from now on. */
    public void onRenditionCreated(RenditionListener listener) {
        onRendition.add(listener);
    }

    /** Calls {@code listener} with every hub created from now on, on the publisher's thread. */
    public void onHubCreated(Consumer<StreamHub> listener) {
        onCreated.add(listener);
    }

    /** The path of rendition {@code name} of {@code streamId}. */
    public static String renditionPath(String streamId, String name) {
        return streamId + "/" + name;
    }

    /**
     * Claims {@code streamId} for a new publisher. The new session offers only the source until a
     * transcoder says otherwise.
     *
     * @return the new hub, or empty when the stream already has a publisher
     */
    public synchronized Optional<StreamHub> claim(String streamId, Publisher publisher) {
        if (streamId.indexOf('/') >= 0) {
            throw new IllegalArgumentException("a stream id has no '/': " + streamId);
        }
        StreamHub hub = new StreamHub(streamId, publisher, clock);
        if (live.putIfAbsent(streamId, hub) != null) {
            return Optional.empty();
        }
        announce(hub);
        return Optional.of(hub);
    }

    /**
     * Claims {@code streamId} for a new publisher even when it is live: the current session is
     * ended (its readers see a clean end, so HLS continues after a discontinuity as for a
     * reconnect) and its publisher is asked to close. For a publisher whose old connection is dead
     * but not yet closed (a phone that moved from Wi-Fi to cellular), the caller has checked the
     * stream's key, so the newcomer is the host.
     *
     * <p>Synchronized with {@link #claim} so the creation listeners see sessions in the order the
     * registry holds them.
     *
     * @return the new hub
     */
    public synchronized StreamHub takeOver(String streamId, Publisher publisher) {
        return takeOver(streamId, publisher, Integer.MAX_VALUE).orElseThrow();
    }

    /**
     * {@link #takeOver(String, Publisher)} within a bound of live streams: a stream that is not live
     * yet is refused when {@code maxLive} streams already are (the server's memory budget). Taking
     * over a live stream is always allowed: it replaces a session, it adds none.
     *
     * @return the new hub, or empty when over the bound
     */
    public synchronized Optional<StreamHub> takeOver(String streamId, Publisher publisher, int maxLive) {
        if (!live.containsKey(streamId) && size() >= maxLive) {
            return Optional.empty();
        }
        if (streamId.indexOf('/') >= 0) {
            throw new IllegalArgumentException("a stream id has no '/': " + streamId);
        }
        StreamHub hub = new StreamHub(streamId, publisher, clock);
        StreamHub displaced = live.put(streamId, hub);
        if (displaced != null) {
            displaced.end();
            String from = publisher.remoteAddress().isEmpty() ? publisher.description()
                    : publisher.description() + " " + publisher.remoteAddress();
            displaced.terminate("a new publish from " + from + " took over the stream");
        }
        announce(hub);
        return Optional.of(hub);
    }

    /**
     * Tells the creation listeners about a hub just made visible. If one fails, the hub is released
     * again: a stream must never stay "live" with no session behind it.
     */
    private void announce(StreamHub hub) {
        offered.put(hub.streamId(), OfferedRenditions.sourceOnly(hub.streamId()));
        try {
            for (Consumer<StreamHub> l : onCreated) {
                l.accept(hub);
            }
        } catch (RuntimeException | Error e) {
            release(hub);
            throw e;
        }
    }

    /**
     * A new hub for rendition {@code name} of {@code source}, at path {@code {id}/{name}}; it is
     * findable once {@link #addRendition added}.
     */
    public StreamHub renditionHub(StreamHub source, String name, Publisher publisher) {
        return new StreamHub(renditionPath(source.streamId(), name), publisher, clock);
    }

    /**
     * Registers a rendition of {@code source} (a hub with its own publisher, the transcoder, that
     * ends when the transcoder stops) under {@code {id}/{name}} and tells the listeners. Call it once
     * the rendition is prepared, so readers attaching get its tracks at once.
     */
    public void addRendition(StreamHub source, String name, StreamHub rendition) {
        live.put(renditionPath(source.streamId(), name), rendition);
        for (RenditionListener l : onRendition) {
            l.onRendition(source, name, rendition);
        }
    }

    /**
     * Publishes which renditions of a live stream players are offered. Ignored when the stream is
     * not live or its session is not {@code source}'s any more.
     */
    public void offer(StreamHub source, OfferedRenditions renditions) {
        if (live.get(source.streamId()) == source) {
            offered.put(source.streamId(), renditions);
        }
    }

    /** What {@code streamId}'s current (or last) session offers players; only the source by default. */
    public OfferedRenditions offered(String streamId) {
        return offered.getOrDefault(streamId, OfferedRenditions.sourceOnly(streamId));
    }

    /**
     * Forgets the offer of a stream that is not live (its outputs are gone), so ended and deleted
     * streams hold nothing here. A live stream keeps its offer.
     */
    public void forget(String streamId) {
        if (!live.containsKey(streamId)) {
            offered.remove(streamId);
        }
    }

    /** Ends {@code hub} and frees its path for the next publisher. */
    public void release(StreamHub hub) {
        hub.end();
        live.remove(hub.streamId(), hub);
    }

    /** The live hub at {@code path} (a stream id or {@code {id}/{name}}), if any. */
    public Optional<StreamHub> get(String path) {
        return Optional.ofNullable(live.get(path));
    }

    /** Number of live streams (renditions not counted). */
    public int size() {
        return (int) live.keySet().stream().filter(k -> k.indexOf('/') < 0).count();
    }
}
