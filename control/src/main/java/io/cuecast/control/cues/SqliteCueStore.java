package io.cuecast.control.cues;

import io.cuecast.control.store.StoreException;
import io.cuecast.control.store.SqliteStreamStore;
import io.cuecast.core.cue.CueType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The cue log in the SQLite database of the streams. Blocking: never call from an event loop. */
public final class SqliteCueStore implements CueStore {
    private static final String COLUMNS = "id, stream_id, type, payload, status, at, pts_ms, program_date_time,"
            + " created_at, idempotency_key";
    private final SqliteStreamStore owner;
    private final Connection db;

    /** Uses the database of {@code owner}, which created the table. */
    public SqliteCueStore(SqliteStreamStore owner) {
        this.owner = owner;
        this.db = owner.connection();
    }

    /**
     * Inserts a cue; the UNIQUE (stream_id, idempotency_key) constraint makes the key check atomic
     * (SQLite upsert, {@code ON CONFLICT DO NOTHING}), also against another process on the file.
     */
    @Override
    public Optional<Cue> insert(Cue c) {
        synchronized (owner) {
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO cues (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (stream_id, idempotency_key) DO NOTHING")) {
                ps.setString(1, c.id());
                ps.setString(2, c.streamId());
                ps.setString(3, c.type().wire());
                ps.setString(4, c.payload());
                ps.setString(5, c.status().wire());
                ps.setString(6, c.at() == null ? null : c.at().toString());
                if (c.ptsMs() == null) {
                    ps.setNull(7, Types.INTEGER);
                } else {
                    ps.setLong(7, c.ptsMs());
                }
                ps.setString(8, c.programDateTime() == null ? null : c.programDateTime().toString());
                ps.setString(9, c.createdAt().toString());
                ps.setString(10, c.idempotencyKey());
                if (ps.executeUpdate() == 1) {
                    return Optional.empty();
                }
            } catch (SQLException e) {
                throw new StoreException("cannot insert cue " + c.id() + ": " + e.getMessage(), e);
            }
            return Optional.of(byIdempotencyKey(c.streamId(), c.idempotencyKey()).orElseThrow(() ->
                    new StoreException("cue " + c.id() + " was not inserted and no cue holds its idempotency key")));
        }
    }

    /** Updates status and placement. */
    @Override
    public void update(Cue c) {
        synchronized (owner) {
            try (PreparedStatement ps = db.prepareStatement(
                    "UPDATE cues SET status = ?, pts_ms = ?, program_date_time = ? WHERE id = ?")) {
                ps.setString(1, c.status().wire());
                if (c.ptsMs() == null) {
                    ps.setNull(2, Types.INTEGER);
                } else {
                    ps.setLong(2, c.ptsMs());
                }
                ps.setString(3, c.programDateTime() == null ? null : c.programDateTime().toString());
                ps.setString(4, c.id());
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new StoreException("cannot update cue " + c.id() + ": " + e.getMessage(), e);
            }
        }
    }

    /** The cues of a stream, oldest first. */
    @Override
    public List<Cue> list(String streamId) {
        return query("SELECT " + COLUMNS + " FROM cues WHERE stream_id = ? ORDER BY created_at, rowid", streamId);
    }

    /** Every scheduled cue, for re-arming timers after a restart. */
    @Override
    public List<Cue> scheduled() {
        return query("SELECT " + COLUMNS + " FROM cues WHERE status = ? ORDER BY at", CueStatus.SCHEDULED.wire());
    }

    /** Every placed cue, oldest first. */
    @Override
    public List<Cue> placed() {
        return query("SELECT " + COLUMNS + " FROM cues WHERE status = ? ORDER BY created_at, rowid",
                CueStatus.PLACED.wire());
    }

    /** One cue. */
    @Override
    public Optional<Cue> get(String streamId, String cueId) {
        return query("SELECT " + COLUMNS + " FROM cues WHERE stream_id = ? AND id = ?", streamId, cueId).stream()
                .findFirst();
    }

    /** The cue a client created with {@code key}, if any. */
    @Override
    public Optional<Cue> byIdempotencyKey(String streamId, String key) {
        return query("SELECT " + COLUMNS + " FROM cues WHERE stream_id = ? AND idempotency_key = ?", streamId, key)
                .stream().findFirst();
    }

    private List<Cue> query(String sql, String... args) {
        synchronized (owner) {
            try (PreparedStatement ps = db.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setString(i + 1, args[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    List<Cue> out = new ArrayList<>();
                    while (rs.next()) {
                        long pts = rs.getLong(7);
                        Long ptsMs = rs.wasNull() ? null : pts;
                        String wireType = rs.getString(3);
                        CueType type = CueType.of(wireType).orElseThrow(() -> new StoreException(
                                "cue has an unknown type: " + wireType));
                        out.add(new Cue(rs.getString(1), rs.getString(2), type, rs.getString(4),
                                CueStatus.of(rs.getString(5)), instant(rs.getString(6)), ptsMs, instant(rs.getString(8)),
                                Instant.parse(rs.getString(9)), rs.getString(10)));
                    }
                    return out;
                }
            } catch (SQLException e) {
                throw new StoreException("cannot read cues: " + e.getMessage(), e);
            }
        }
    }

    private static Instant instant(String s) {
        return s == null ? null : Instant.parse(s);
    }
}
