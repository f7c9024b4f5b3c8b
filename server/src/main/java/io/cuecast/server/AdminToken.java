package io.cuecast.server;

import io.cuecast.control.Secrets;
import io.cuecast.control.store.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

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

    private static Optional<String> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String stored = Files.readString(file, StandardCharsets.UTF_8).trim();
        return stored.length() >= 16 ? Optional.of(stored) : Optional.empty();
    }

    /** Resolves the token as described above. */
    public static AdminToken resolve(String configured, Path dataDir) {
        if (configured != null && !configured.isEmpty()) {
            return new AdminToken(configured, false, null);
        }
        Path file = dataDir.resolve(FILE_NAME);
        try {
            Optional<String> stored = read(file);
            if (stored.isPresent()) {
                return new AdminToken(stored.get(), false, file);
            }
            PrivateFiles.directory(dataDir);
            String token = Secrets.adminToken();
            // A fresh temporary file created 0600 (never readable by others, not even empty), written,
            // then linked into place: link() fails if another first start won the race, and then
            // both use the winner's token.
            Path tmp = Files.createTempFile(dataDir, FILE_NAME + "-", ".tmp", PrivateFiles.fileAttributes(dataDir));
            try {
                Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.WRITE,
                        StandardOpenOption.SYNC);
                try {
                    Files.createLink(file, tmp);
                } catch (FileAlreadyExistsException lost) {
                    return new AdminToken(read(file).orElseThrow(() -> new IOException(file
                            + " exists but holds no token")), false, file);
                } catch (UnsupportedOperationException noLinks) {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            return new AdminToken(token, true, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the admin token in " + dataDir, e);
        }
    }
}
