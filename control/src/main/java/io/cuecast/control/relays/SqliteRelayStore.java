package io.cuecast.control.relays;

import io.cuecast.control.store.SqliteStreamStore;
import io.cuecast.control.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Push targets in the SQLite database of the streams (table {@code relays}, schema 5). */
public final class SqliteRelayStore implements RelayStore {
    private final SqliteStreamStore owner;
    private final Connection db;

    /** Uses the database of {@code owner}, which created the table. */
    public SqliteRelayStore(SqliteStreamStore owner) {
        this.owner = owner;
        this.db = owner.connection();
    }

    @Override
    public void insert(Relay r) {
        synchronized (owner) {
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO relays (id, stream_id, url, rendition,"
                    + " enabled, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, r.id());
                ps.setString(2, r.streamId());
                ps.setString(3, r.url());
                ps.setString(4, r.rendition());
                ps.setInt(5, r.enabled() ? 1 : 0);
                ps.setString(6, r.createdAt().toString());
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new StoreException("cannot insert relay " + r.id() + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public boolean update(Relay r) {
        synchronized (owner) {
            try (PreparedStatement ps = db.prepareStatement("UPDATE relays SET enabled = ? WHERE id = ? AND stream_id = ?")) {
                ps.setInt(1, r.enabled() ? 1 : 0);
                ps.setString(2, r.id());
                ps.setString(3, r.streamId());
                return ps.executeUpdate() == 1;
            } catch (SQLException e) {
                throw new StoreException("cannot update relay " + r.id() + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public boolean delete(String streamId, String relayId) {
        synchronized (owner) {
            try (PreparedStatement ps = db.prepareStatement("DELETE FROM relays WHERE id = ? AND stream_id = ?")) {
                ps.setString(1, relayId);
                ps.setString(2, streamId);
                return ps.executeUpdate() == 1;
            } catch (SQLException e) {
                throw new StoreException("cannot delete relay " + relayId + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public List<Relay> all() {
        synchronized (owner) {
            try (PreparedStatement ps = db.prepareStatement("SELECT id, stream_id, url, rendition, enabled, created_at"
                    + " FROM relays ORDER BY created_at, rowid"); ResultSet rs = ps.executeQuery()) {
                List<Relay> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new Relay(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getInt(5) == 1, Instant.parse(rs.getString(6))));
                }
                return out;
            } catch (SQLException e) {
                throw new StoreException("cannot read relays: " + e.getMessage(), e);
            }
        }
    }
}
