package io.cuecast.server;

import io.cuecast.control.Secrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Resolves the admin bearer token: from the config ({@code admin.token} / {@code CUECAST_ADMIN_TOKEN})
 * when set, else from {@code admin-token} in the data directory, else a new random one written there
 * (owner-only permissions) and reported as generated so it is printed exactly once.
 *
 * @param value the token
 * @param generated true when this start created it
 * @param file where it is stored, or null when it came from the config
 */
public record AdminToken(String value, boolean generated, Path file) {
    static final String FILE_NAME = "admin-token";

    /** Resolves the token as described above. */
    public static AdminToken resolve(String configured, Path dataDir) {
        if (configured != null && !configured.isEmpty()) {
            return new AdminToken(configured, false, null);
        }
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                String stored = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (stored.length() >= 16) {
                    return new AdminToken(stored, false, file);
                }
            }
            Files.createDirectories(dataDir);
            String token = Secrets.adminToken();
            Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
            Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            return new AdminToken(token, true, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the admin token in " + dataDir, e);
        }
    }
}
