package io.cuecast.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cuecast.config.CuecastConfig;
import io.cuecast.control.store.SqliteStreamStore;
import io.cuecast.control.store.StreamKeyIndex;
import io.cuecast.control.store.StreamRecord;
import io.cuecast.control.store.StreamStore;
import io.cuecast.core.hub.HubRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review M4: a key rotation racing a delete must never leave a working key for a deleted stream.
 * The store is the real SQLite one; a wrapper runs the competing call at the worst moment.
 */
class StreamServiceRaceTest {
    @TempDir
    Path dir;
    SqliteStreamStore sqlite;
    final StreamKeyIndex keys = new StreamKeyIndex();
    final ExecutorService other = Executors.newSingleThreadExecutor();

    @AfterEach
    void close() {
        other.shutdownNow();
        sqlite.close();
    }

    /** A store whose {@code updateKey} first lets {@code meanwhile} run to completion on another thread. */
    static final class Interleaving implements StreamStore {
        final StreamStore real;
        volatile Runnable meanwhile;

        Interleaving(StreamStore real) {
            this.real = real;
        }

        @Override
        public boolean updateKey(String id, String newKey) {
            Runnable r = meanwhile;
            meanwhile = null;
            if (r != null) {
                r.run();
            }
            return real.updateKey(id, newKey);
        }

        @Override public void insert(StreamRecord r) { real.insert(r); }
        @Override public List<StreamRecord> list() { return real.list(); }
        @Override public Optional<StreamRecord> get(String id) { return real.get(id); }
        @Override public boolean updateLadder(String id, String json) { return real.updateLadder(id, json); }
        @Override public Map<String, String> ladders() { return real.ladders(); }
        @Override public boolean delete(String id) { return real.delete(id); }
        @Override public void close() { real.close(); }
    }

    StreamService service(StreamStore store) {
        return new StreamService(store, keys, new HubRegistry(), Clock.systemUTC(),
                () -> new StreamService.Urls("rtmp://h/live", "http://h"), id -> { }, id -> Optional.empty(),
                CuecastConfig.defaults().ladder());
    }

    @Test
    void aDeleteDuringARotationLeavesNoKeyForTheDeletedStream() throws Exception {
        sqlite = new SqliteStreamStore(dir);
        Interleaving store = new Interleaving(sqlite);
        StreamService streams = service(store);
        StreamView s = streams.create("show");
        CountDownLatch deleted = new CountDownLatch(1);
        Future<?>[] delete = new Future<?>[1];
        store.meanwhile = () -> {
            // The delete runs on another thread while the rotation is inside the store call.
            delete[0] = other.submit(() -> {
                streams.delete(s.id());
                deleted.countDown();
            });
            try {
                deleted.await(300, TimeUnit.MILLISECONDS); // with the fix the delete waits for the rotation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        StreamView rotated = null;
        try {
            rotated = streams.rotateKey(s.id());
        } catch (ControlException.NotFound gone) {
            // the rotation lost the race: fine, as long as nothing is left behind
        }
        delete[0].get(10, TimeUnit.SECONDS);
        assertThat(sqlite.get(s.id())).isEmpty();
        assertThat(keys.streamIdForKey(s.streamKey())).isEmpty();
        if (rotated != null) {
            assertThat(keys.streamIdForKey(rotated.streamKey())).as("the rotated key of a deleted stream").isEmpty();
        }
    }

    @Test
    void rotatingADeletedStreamIsNotFound() {
        sqlite = new SqliteStreamStore(dir);
        StreamService streams = service(sqlite);
        StreamView s = streams.create("show");
        streams.delete(s.id());
        assertThatThrownBy(() -> streams.rotateKey(s.id())).isInstanceOf(ControlException.NotFound.class);
    }
}
