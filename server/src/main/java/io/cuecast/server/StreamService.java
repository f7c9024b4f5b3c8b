package io.cuecast.server;

import io.cuecast.config.ConfigLoader;
import io.cuecast.config.CuecastConfig;
import io.cuecast.transcode.LadderStatus;

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
    private final java.util.function.Function<String, Optional<LadderStatus.Snapshot>> ladderStatus;
    /** Per-stream ladders set through the API, mirrored from the store so publishers never wait on it. */
    private final java.util.Map<String, CuecastConfig.Ladder> ladders = new java.util.concurrent.ConcurrentHashMap<>();
    private final CuecastConfig.Ladder serverLadder;
    private final ConfigLoader loader = new ConfigLoader();
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StreamService.class);

    /**
     * A stream's ladder as the API shows it.
     *
     * @param ladder the ladder its next publish session gets
     * @param custom true when the stream has its own, false when it follows the server's
     */
    public record LadderView(com.fasterxml.jackson.databind.JsonNode ladder, boolean custom) {}

    StreamService(StreamStore store, StreamKeyIndex keys, HubRegistry hubs, HlsService hls, Clock clock,
                  Supplier<Urls> urls, java.util.function.Consumer<String> onDelete,
                  java.util.function.Function<String, Optional<LadderStatus.Snapshot>> ladderStatus,
                  CuecastConfig.Ladder serverLadder) {
        this.onDelete = onDelete;
        this.ladderStatus = ladderStatus;
        this.serverLadder = serverLadder;
        this.store = store;
        this.keys = keys;
        this.hubs = hubs;
        this.hls = hls;
        this.clock = clock;
        this.urls = urls;
        for (StreamRecord r : store.list()) {
            keys.put(r.id(), r.streamKey());
        }
        store.ladders().forEach((id, text) -> {
            try {
                ladders.put(id, loader.ladder(parseJson(text), serverLadder, "stored ladder of " + id));
            } catch (RuntimeException e) {
                log.warn("stream {}: its stored ladder is no longer valid ({}); it follows the server's", id,
                        e.getMessage());
            }
        });
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
        ladders.remove(id);
        hubs.get(id).ifPresent(StreamHub::terminate);
        hls.remove(id);
        onDelete.accept(id);
    }

    /** The stream's own ladder, when the API set one. Never blocks. */
    public Optional<CuecastConfig.Ladder> ladderOverride(String id) {
        return Optional.ofNullable(ladders.get(id));
    }

    /** The ladder the stream's next publish session gets. */
    public LadderView ladder(String id) {
        find(id);
        CuecastConfig.Ladder own = ladders.get(id);
        return new LadderView(loader.tree(own != null ? own : serverLadder), own != null);
    }

    /**
     * Gives a stream its own ladder: the body's keys over the server's ladder. It applies from the
     * stream's next publish session (a live ladder is not restarted under its viewers).
     */
    public LadderView setLadder(String id, byte[] body) {
        find(id);
        com.fasterxml.jackson.databind.JsonNode tree;
        try {
            tree = parseJson(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "invalid_json", "request body is not valid JSON: "
                    + e.getMessage());
        }
        CuecastConfig.Ladder ladder;
        try {
            ladder = loader.ladder(tree, serverLadder, "request body");
        } catch (io.cuecast.config.ConfigException e) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "invalid_field", e.getMessage());
        }
        store.updateLadder(id, loader.tree(ladder).toString());
        ladders.put(id, ladder);
        return new LadderView(loader.tree(ladder), true);
    }

    /** The stream follows the server's ladder again (from its next publish session). */
    public LadderView resetLadder(String id) {
        find(id);
        store.updateLadder(id, null);
        ladders.remove(id);
        return new LadderView(loader.tree(serverLadder), false);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static com.fasterxml.jackson.databind.JsonNode parseJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage() + " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr(), e);
        }
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
        StreamView.Ladder ladder = ladderStatus.apply(r.id()).map(StreamView.Ladder::of).orElse(null);
        return new StreamView(r.id(), r.name(), r.streamKey(), u.rtmpServer(), u.rtmpServer() + "/" + r.streamKey(),
                u.httpBase() + "/hls/" + r.id() + "/master.m3u8", r.createdAt().toString(), ingest != null, ingest,
                ladder);
    }

    private static StreamView.Ingest ingest(StreamHub h) {
        StreamStats s = h.stats();
        return new StreamView.Ingest(s.since().toString(), s.videoCodec(), s.audioCodec(), s.width(), s.height(),
                Math.round(s.frameRate() * 1000) / 1000.0, s.bitrate() / 1000, s.keyframeIntervalMs(), s.bytes(),
                s.videoFrames(), s.audioFrames(), h.droppedPackets(), s.encoder(), s.remoteAddress());
    }
}
