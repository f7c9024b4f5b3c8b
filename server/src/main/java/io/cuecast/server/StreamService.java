package io.cuecast.server;

import io.cuecast.core.hub.HubRegistry;
import io.cuecast.core.hub.StreamHub;
import io.cuecast.core.hub.StreamStats;
import io.cuecast.relay.hls.HlsService;
import io.cuecast.server.admin.ApiException;
import io.cuecast.server.admin.StreamView;
import io.cuecast.server.store.StreamKeyIndex;
import io.cuecast.server.store.StreamRecord;
import io.cuecast.server.store.StreamStore;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Creates, lists and deletes streams: the store, the key index and the live state in one place. */
public final class StreamService {
    /** Public base URLs as clients must use them (host and actual ports). */
    public record Urls(String rtmpServer, String httpBase) {}

    private final StreamStore store;
    private final StreamKeyIndex keys;
    private final HubRegistry hubs;
    private final HlsService hls;
    private final Clock clock;
    private final Supplier<Urls> urls;
    private final java.util.function.Consumer<String> onDelete;

    StreamService(StreamStore store, StreamKeyIndex keys, HubRegistry hubs, HlsService hls, Clock clock,
                  Supplier<Urls> urls, java.util.function.Consumer<String> onDelete) {
        this.onDelete = onDelete;
        this.store = store;
        this.keys = keys;
        this.hubs = hubs;
        this.hls = hls;
        this.clock = clock;
        this.urls = urls;
        for (StreamRecord r : store.list()) {
            keys.put(r.id(), r.streamKey());
        }
    }

    /** Creates a stream with a fresh id and key. */
    public StreamView create(String name) {
        if (name != null && name.length() > 200) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "invalid_field", "'name' is longer than 200 characters");
        }
        String id = Secrets.streamId();
        StreamRecord r = new StreamRecord(id, name == null || name.isBlank() ? id : name.strip(), Secrets.streamKey(),
                clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        store.insert(r);
        keys.put(r.id(), r.streamKey());
        return view(r);
    }

    /** All streams. */
    public List<StreamView> list() {
        return store.list().stream().map(this::view).toList();
    }

    /** One stream. */
    public StreamView get(String id) {
        return view(find(id));
    }

    /** A new key for a stream; the old one stops working at once (a live publisher keeps going). */
    public StreamView rotateKey(String id) {
        StreamRecord r = find(id);
        String key = Secrets.streamKey();
        store.updateKey(id, key);
        keys.put(id, key);
        return view(new StreamRecord(r.id(), r.name(), key, r.createdAt()));
    }

    /** Deletes a stream, disconnecting its publisher and dropping its HLS output. */
    public void delete(String id) {
        find(id);
        keys.remove(id);
        store.delete(id);
        hubs.get(id).ifPresent(StreamHub::terminate);
        hls.remove(id);
        onDelete.accept(id);
    }

    /** Whether a stream exists. */
    public boolean exists(String id) {
        return store.get(id).isPresent();
    }

    private StreamRecord find(String id) {
        return store.get(id).orElseThrow(() -> new ApiException(HttpResponseStatus.NOT_FOUND, "stream_not_found",
                "no stream with id '" + id + "'"));
    }

    private StreamView view(StreamRecord r) {
        Urls u = urls.get();
        Optional<StreamHub> hub = hubs.get(r.id());
        StreamView.Ingest ingest = hub.map(h -> ingest(h)).orElse(null);
        return new StreamView(r.id(), r.name(), r.streamKey(), u.rtmpServer(), u.rtmpServer() + "/" + r.streamKey(),
                u.httpBase() + "/hls/" + r.id() + "/master.m3u8", r.createdAt().toString(), ingest != null, ingest);
    }

    private static StreamView.Ingest ingest(StreamHub h) {
        StreamStats s = h.stats();
        return new StreamView.Ingest(s.since().toString(), s.videoCodec(), s.audioCodec(), s.width(), s.height(),
                Math.round(s.frameRate() * 1000) / 1000.0, s.bitrate() / 1000, s.keyframeIntervalMs(), s.bytes(),
                s.videoFrames(), s.audioFrames(), h.droppedPackets(), s.encoder(), s.remoteAddress());
    }
}
