package io.cuecast.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cuecast.config.ConfigException;
import io.cuecast.config.ConfigLoader;
import io.cuecast.config.CuecastConfig;
import io.cuecast.control.store.KeyHash;
import io.cuecast.control.store.StreamKeyIndex;
import io.cuecast.control.store.StreamRecord;
import io.cuecast.control.store.StreamStore;
import io.cuecast.core.hub.HubRegistry;
import io.cuecast.core.hub.StreamHub;
import io.cuecast.core.hub.StreamStats;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, lists and deletes streams: the store, the key index and the live state in one place.
 * Knows no HTTP: refusals are {@link ControlException}s, answers are records.
 */
public final class StreamService {
    private static final Logger log = LoggerFactory.getLogger(StreamService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Public base URLs as clients must use them (host and actual ports). */
    public record Urls(String rtmpServer, String httpBase) {}

    /**
     * A stream's ladder as the API shows it.
     *
     * @param ladder the ladder its next publish session gets
     * @param custom true when the stream has its own, false when it follows the server's
     */
    public record LadderView(JsonNode ladder, boolean custom) {}

    private final StreamStore store;
    private final StreamKeyIndex keys;
    private final HubRegistry hubs;
    private final Clock clock;
    private final Supplier<Urls> urls;
    private final Consumer<String> onDelete;
    private final Function<String, Optional<StreamView.Ladder>> ladderStatus;
    /** Per-stream ladders set through the API, mirrored from the store so publishers never wait on it. */
    private final Map<String, CuecastConfig.Ladder> ladders = new ConcurrentHashMap<>();
    private final CuecastConfig.Ladder serverLadder;
    private final ConfigLoader loader = new ConfigLoader();

    /**
     * @param onDelete told the id of a deleted stream, after its publisher was asked to stop (its
     *     HLS output, ladder and meters go)
     * @param ladderStatus the ladder status of a stream's latest publish session
     */
    public StreamService(StreamStore store, StreamKeyIndex keys, HubRegistry hubs, Clock clock, Supplier<Urls> urls,
                         Consumer<String> onDelete, Function<String, Optional<StreamView.Ladder>> ladderStatus,
                         CuecastConfig.Ladder serverLadder) {
        this.store = store;
        this.keys = keys;
        this.hubs = hubs;
        this.clock = clock;
        this.urls = urls;
        this.onDelete = onDelete;
        this.ladderStatus = ladderStatus;
        this.serverLadder = serverLadder;
        for (StreamRecord r : store.list()) {
            keys.put(r.id(), r.keyHash());
        }
        store.ladders().forEach((id, text) -> {
            try {
                ladders.put(id, loader.ladder(JSON.readTree(text), serverLadder, "stored ladder of " + id));
            } catch (JsonProcessingException | RuntimeException e) {
                log.warn("stream {}: its stored ladder is no longer valid ({}); it follows the server's", id,
                        e.getMessage());
            }
        });
    }

    /** Creates a stream with a fresh id and key. */
    public StreamView create(String name) {
        if (name != null && name.length() > 200) {
            throw new ControlException.Invalid("name", "is longer than 200 characters");
        }
        String id = Secrets.streamId();
        String key = Secrets.streamKey();
        StreamRecord r = new StreamRecord(id, name == null || name.isBlank() ? id : name.strip(), KeyHash.of(key),
                clock.instant().truncatedTo(ChronoUnit.MILLIS));
        store.insert(r);
        keys.put(r.id(), r.keyHash());
        changes.changed(r);
        return view(r, key);
    }

    /** Told of streams created or re-keyed here (a cluster shares them), and of deletions. */
    public interface Changes {
        void changed(StreamRecord r);

        void deleted(String id);
    }

    private volatile Changes changes = new Changes() {
        @Override
        public void changed(StreamRecord r) {
        }

        @Override
        public void deleted(String id) {
        }
    };

    /** Sets who is told of changes made here. */
    public void onChange(Changes listener) {
        this.changes = listener;
    }

    /** Every stream as stored. May block on the database. */
    public List<StreamRecord> records() {
        return store.list();
    }

    /**
     * A stream created or re-keyed on another node: stored here too, so its publisher may publish
     * to this node and its cues be posted here. Not told back as a change.
     */
    public synchronized void importStream(StreamRecord r) {
        Optional<StreamRecord> mine = store.get(r.id());
        if (mine.isEmpty()) {
            store.insert(r);
        } else if (!mine.get().keyHash().equals(r.keyHash())) {
            store.updateKey(r.id(), r.keyHash());
        } else {
            return;
        }
        keys.put(r.id(), r.keyHash());
    }

    /** A stream deleted on another node: deleted here without telling it back. */
    public synchronized void deleteImported(String id) {
        if (store.get(id).isPresent()) {
            deleteLocally(id);
        }
    }

    /** All streams; keys are not shown (only their hashes are stored). */
    public List<StreamView> list() {
        return store.list().stream().map(r -> view(r, null)).toList();
    }

    /** One stream; its key is not shown (only its hash is stored). */
    public StreamView get(String id) {
        return view(find(id), null);
    }

    /**
     * A new key for a stream; the old one stops working at once (a live publisher keeps going).
     * Synchronized with {@link #delete}: a rotation that finished its store write after a delete
     * would otherwise put a working key for a deleted stream into memory.
     */
    public synchronized StreamView rotateKey(String id) {
        StreamRecord r = find(id);
        String key = Secrets.streamKey();
        String hash = KeyHash.of(key);
        if (!store.updateKey(id, hash)) {
            throw notFound(id);
        }
        keys.put(id, hash);
        StreamRecord updated = new StreamRecord(r.id(), r.name(), hash, r.createdAt());
        changes.changed(updated);
        return view(updated, key);
    }

    /**
     * Deletes a stream, disconnecting its publisher and dropping its outputs. The key goes first:
     * a publish that checked the key before and became visible after the terminate below checks
     * the key again once visible (see {@code PublishSession}) and ends itself.
     */
    public synchronized void delete(String id) {
        find(id);
        deleteLocally(id);
        changes.deleted(id);
    }

    private void deleteLocally(String id) {
        keys.remove(id);
        store.delete(id);
        ladders.remove(id);
        hubs.get(id).ifPresent(h -> h.terminate("stream " + id + " was deleted"));
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
    public LadderView setLadder(String id, JsonNode body) {
        find(id);
        CuecastConfig.Ladder ladder;
        try {
            ladder = loader.ladder(body, serverLadder, "request body");
        } catch (ConfigException e) {
            throw new ControlException.Invalid("invalid_field", "ladder", e.getMessage());
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

    /**
     * Whether a stream exists; from memory (the key index holds every stream), so public pages and
     * the cue API's checks never wait on the database.
     */
    public boolean exists(String id) {
        return keys.contains(id);
    }

    private StreamRecord find(String id) {
        return store.get(id).orElseThrow(() -> notFound(id));
    }

    private static ControlException.NotFound notFound(String id) {
        return new ControlException.NotFound("stream_not_found", "no stream with id '" + id + "'");
    }

    /** @param key the stream key in clear, only right after it was made (create, rotate); else null */
    private StreamView view(StreamRecord r, String key) {
        Urls u = urls.get();
        Optional<StreamHub> hub = hubs.get(r.id());
        StreamView.Ingest ingest = hub.map(StreamService::ingest).orElse(null);
        StreamView.Ladder ladder = ladderStatus.apply(r.id()).orElse(null);
        return new StreamView(r.id(), r.name(), key, u.rtmpServer(), key == null ? null : u.rtmpServer() + "/" + key,
                u.httpBase() + "/hls/" + r.id() + "/master.m3u8", r.createdAt().toString(), ingest != null, ingest,
                ladder);
    }

    private static StreamView.Ingest ingest(StreamHub h) {
        StreamStats s = h.stats();
        return new StreamView.Ingest(s.since().toString(), s.videoCodec(), s.audioCodec(), s.width(), s.height(),
                Math.round(s.frameRate() * 1000) / 1000.0, s.bitrate() / 1000, s.keyframeIntervalMs(), s.bytes(),
                s.videoFrames(), s.audioFrames(), h.droppedPackets(), s.encoder(), h.publisher().remoteAddress(),
                h.publisher().description(), h.publisher().transport());
    }
}
