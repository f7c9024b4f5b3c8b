package io.cuecast.control.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Streams and their keys in an embedded SQLite file ({@code cuecast.db} in the data directory).
 * WAL journal with full sync, so a row acknowledged to the API survives {@code kill -9}. Every call
 * blocks on disk: never call it from a Netty event loop.
 */
public final class SqliteStreamStore implements StreamStore {
    private static final int SCHEMA_VERSION = 5;
    private final Connection db;

    /** Opens (and creates or migrates) the database in {@code dataDir}. */
    public SqliteStreamStore(Path dataDir) {
        try {
            PrivateFiles.directory(dataDir);
            Path file = dataDir.resolve("cuecast.db");
            // SQLite gives its -wal and -shm files the database file's permissions: 0600 for all three.
            PrivateFiles.file(file);
            db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = db.createStatement()) {
                try (ResultSet rs = s.executeQuery("PRAGMA journal_mode=WAL")) {
                    String mode = rs.next() ? rs.getString(1) : "?";
                    if (!"wal".equalsIgnoreCase(mode)) {
                        throw new StoreException("the database would not switch to WAL (journal mode " + mode + ")");
                    }
                }
                s.execute("PRAGMA synchronous=FULL");
                // Freed pages are zeroed: a key hashed by the migration or a deleted cue leaves no trace.
                s.execute("PRAGMA secure_delete=ON");
                s.execute("PRAGMA busy_timeout=5000");
                migrate(s);
            }
        } catch (SQLException | IOException e) {
            throw new StoreException("cannot open the database in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Brings the schema to {@link #SCHEMA_VERSION} in one transaction, the version included: a crash
     * half-way leaves the old schema, never a half-migrated one that fails every later start.
     */
    private void migrate(Statement s) throws SQLException {
        s.execute("BEGIN IMMEDIATE");
        try {
            int version;
            try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                version = rs.next() ? rs.getInt(1) : 0;
            }
            if (version > SCHEMA_VERSION) {
                throw new StoreException("database schema " + version + " is newer than this Cuecast ("
                        + SCHEMA_VERSION + "); refusing to touch it");
            }
            if (version < 1) {
                s.execute("CREATE TABLE IF NOT EXISTS streams (id TEXT PRIMARY KEY, name TEXT NOT NULL,"
                        + " stream_key TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)");
            }
            if (version < 2) {
                s.execute("CREATE TABLE IF NOT EXISTS cues (id TEXT PRIMARY KEY, stream_id TEXT NOT NULL,"
                        + " type TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL, at TEXT,"
                        + " pts_ms INTEGER, program_date_time TEXT, created_at TEXT NOT NULL,"
                        + " idempotency_key TEXT, UNIQUE (stream_id, idempotency_key))");
                s.execute("CREATE INDEX IF NOT EXISTS cues_by_stream ON cues (stream_id, created_at)");
            }
            if (version < 3) {
                // The stream's own ABR ladder as JSON; NULL follows the server's ladder.
                s.execute("ALTER TABLE streams ADD COLUMN ladder TEXT");
            }
            if (version < 4) {
                // Keys in clear become their hashes: a copy of the file no longer lets anyone publish.
                hashKeys();
            }
            if (version < 5) {
                // Push relay targets (issue 12); their URLs hold the receivers' keys, in this 0600 file.
                s.execute("CREATE TABLE IF NOT EXISTS relays (id TEXT PRIMARY KEY, stream_id TEXT NOT NULL,"
                        + " url TEXT NOT NULL, rendition TEXT NOT NULL, enabled INTEGER NOT NULL,"
                        + " created_at TEXT NOT NULL)");
            }
            if (version < SCHEMA_VERSION) {
                s.execute("PRAGMA user_version=" + SCHEMA_VERSION);
            }
            s.execute("COMMIT");
        } catch (SQLException | RuntimeException e) {
            s.execute("ROLLBACK");
            throw e;
        }
    }

    private void hashKeys() throws SQLException {
        Map<String, String> clear = new HashMap<>();
        try (Statement q = db.createStatement(); ResultSet rs = q.executeQuery("SELECT id, stream_key FROM streams")) {
            while (rs.next()) {
                if (!KeyHash.isHash(rs.getString(2))) {
                    clear.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        try (PreparedStatement ps = db.prepareStatement("UPDATE streams SET stream_key = ? WHERE id = ?")) {
            for (Map.Entry<String, String> e : clear.entrySet()) {
                ps.setString(1, KeyHash.of(e.getValue()));
                ps.setString(2, e.getKey());
                ps.executeUpdate();
            }
        }
    }

    /** Inserts a stream. */
    @Override
    public synchronized void insert(StreamRecord r) {
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT INTO streams (id, name, stream_key, created_at) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, r.id());
            ps.setString(2, r.name());
            ps.setString(3, r.keyHash());
            ps.setString(4, r.createdAt().toString());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot insert stream " + r.id() + ": " + e.getMessage(), e);
        }
    }

    /** All streams, oldest first. */
    @Override
    public synchronized List<StreamRecord> list() {
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT id, name, stream_key, created_at FROM streams ORDER BY created_at, id");
             ResultSet rs = ps.executeQuery()) {
            List<StreamRecord> out = new ArrayList<>();
            while (rs.next()) {
                out.add(read(rs));
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot list streams: " + e.getMessage(), e);
        }
    }

    /** One stream by id. */
    @Override
    public synchronized Optional<StreamRecord> get(String id) {
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT id, name, stream_key, created_at FROM streams WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read stream " + id + ": " + e.getMessage(), e);
        }
    }

    /** Replaces a stream's key hash; false when the stream does not exist. */
    @Override
    public synchronized boolean updateKey(String id, String newKeyHash) {
        try (PreparedStatement ps = db.prepareStatement("UPDATE streams SET stream_key = ? WHERE id = ?")) {
            ps.setString(1, newKeyHash);
            ps.setString(2, id);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("cannot update stream " + id + ": " + e.getMessage(), e);
        }
    }

    /** Sets a stream's own ladder (JSON), or null to follow the server's; false when the stream does not exist. */
    @Override
    public synchronized boolean updateLadder(String id, String ladderJson) {
        try (PreparedStatement ps = db.prepareStatement("UPDATE streams SET ladder = ? WHERE id = ?")) {
            ps.setString(1, ladderJson);
            ps.setString(2, id);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("cannot update the ladder of stream " + id + ": " + e.getMessage(), e);
        }
    }

    /** Every stream's own ladder (JSON), by stream id. */
    @Override
    public synchronized Map<String, String> ladders() {
        Map<String, String> out = new HashMap<>();
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, ladder FROM streams WHERE ladder IS NOT NULL")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read ladders: " + e.getMessage(), e);
        }
        return out;
    }

    /** Deletes a stream; false when it did not exist. */
    @Override
    public synchronized boolean delete(String id) {
        // One transaction: a crash never leaves a stream without its cues or cues without their stream.
        try (Statement tx = db.createStatement()) {
            tx.execute("BEGIN IMMEDIATE");
            try (PreparedStatement ps = db.prepareStatement("DELETE FROM streams WHERE id = ?");
                 PreparedStatement cues = db.prepareStatement("DELETE FROM cues WHERE stream_id = ?");
                 PreparedStatement relays = db.prepareStatement("DELETE FROM relays WHERE stream_id = ?")) {
                cues.setString(1, id);
                cues.executeUpdate();
                relays.setString(1, id);
                relays.executeUpdate();
                ps.setString(1, id);
                boolean deleted = ps.executeUpdate() == 1;
                tx.execute("COMMIT");
                return deleted;
            } catch (SQLException e) {
                tx.execute("ROLLBACK");
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot delete stream " + id + ": " + e.getMessage(), e);
        }
    }

    /** The shared connection, for the other stores of this database; callers lock on this store. */
    public Connection connection() {
        return db;
    }

    private static StreamRecord read(ResultSet rs) throws SQLException {
        return new StreamRecord(rs.getString(1), rs.getString(2), rs.getString(3), Instant.parse(rs.getString(4)));
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close the database: " + e.getMessage(), e);
        }
    }
}
