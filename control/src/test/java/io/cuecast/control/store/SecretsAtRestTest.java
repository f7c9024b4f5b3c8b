package io.cuecast.control.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuecast.config.CuecastConfig;
import io.cuecast.control.StreamService;
import io.cuecast.control.StreamView;
import io.cuecast.core.hub.HubRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Review M8: stream keys are stored as hashes, and the data directory and database are private. */
class SecretsAtRestTest {
    @TempDir
    Path dir;

    static StreamService service(SqliteStreamStore store, StreamKeyIndex keys) {
        return new StreamService(store, keys, new HubRegistry(), Clock.systemUTC(),
                () -> new StreamService.Urls("rtmp://h/live", "http://h"), id -> { }, id -> Optional.empty(),
                CuecastConfig.defaults().ladder());
    }

    static String contents(Path p) throws Exception {
        return Files.exists(p) ? new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1) : "";
    }

    @Test
    void theDatabaseHoldsNoKeyAndOnlyItsOwnerCanReadIt() throws Exception {
        Path data = dir.resolve("data");
        StreamKeyIndex keys = new StreamKeyIndex();
        StreamView created;
        StreamView rotated;
        try (SqliteStreamStore store = new SqliteStreamStore(data)) {
            StreamService streams = service(store, keys);
            created = streams.create("show");
            StreamView other = streams.create("other");
            rotated = streams.rotateKey(other.id());
            assertThat(streams.get(created.id()).streamKey()).as("shown once").isNull();
            assertThat(keys.streamIdForKey(created.streamKey())).contains(created.id());
            assertThat(keys.streamIdForKey(rotated.streamKey())).contains(other.id());
            for (String f : new String[] {"cuecast.db", "cuecast.db-wal", "cuecast.db-shm"}) {
                String bytes = contents(data.resolve(f));
                assertThat(bytes).as(f).doesNotContain(created.streamKey()).doesNotContain(rotated.streamKey());
            }
            assertThat(Files.getPosixFilePermissions(data)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            for (String f : new String[] {"cuecast.db", "cuecast.db-wal", "cuecast.db-shm"}) {
                if (Files.exists(data.resolve(f))) {
                    assertThat(Files.getPosixFilePermissions(data.resolve(f))).as(f)
                            .isEqualTo(PosixFilePermissions.fromString("rw-------"));
                }
            }
        }
        // After a restart the keys still publish.
        StreamKeyIndex reloaded = new StreamKeyIndex();
        try (SqliteStreamStore store = new SqliteStreamStore(data)) {
            service(store, reloaded);
            assertThat(reloaded.streamIdForKey(created.streamKey())).contains(created.id());
            assertThat(reloaded.streamIdForKey("sk_" + "x".repeat(32))).isEmpty();
        }
    }

    @Test
    void aDatabaseFromBeforeHashingIsMigratedAndItsKeysStillWork() throws Exception {
        Path data = dir.resolve("old");
        Files.createDirectories(data);
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        String key = "sk_" + "A".repeat(32);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("cuecast.db"));
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE streams (id TEXT PRIMARY KEY, name TEXT NOT NULL,"
                    + " stream_key TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, ladder TEXT)");
            s.execute("CREATE TABLE cues (id TEXT PRIMARY KEY, stream_id TEXT NOT NULL, type TEXT NOT NULL,"
                    + " payload TEXT NOT NULL, status TEXT NOT NULL, at TEXT, pts_ms INTEGER, program_date_time TEXT,"
                    + " created_at TEXT NOT NULL, idempotency_key TEXT, UNIQUE (stream_id, idempotency_key))");
            s.execute("INSERT INTO streams VALUES ('abc', 'old show', '" + key + "', '2026-11-01T10:00:00Z', NULL)");
            s.execute("PRAGMA user_version=3");
        }
        StreamKeyIndex keys = new StreamKeyIndex();
        try (SqliteStreamStore store = new SqliteStreamStore(data)) {
            service(store, keys);
            assertThat(store.get("abc").orElseThrow().keyHash()).isEqualTo(KeyHash.of(key));
        }
        assertThat(keys.streamIdForKey(key)).contains("abc");
        assertThat(contents(data.resolve("cuecast.db")) + contents(data.resolve("cuecast.db-wal"))).doesNotContain(key);
        assertThat(Files.getPosixFilePermissions(data)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }
}
