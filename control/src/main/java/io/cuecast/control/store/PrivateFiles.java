package io.cuecast.control.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The data directory and its files readable by the server's user only (0700 and 0600), whatever the
 * process umask: they hold stream-key hashes, the cue log and the admin token.
 */
public final class PrivateFiles {
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /** Creates {@code dir} (and parents) as 0700, or narrows an existing one to 0700. */
    public static void directory(Path dir) throws IOException {
        if (!posix(dir.toAbsolutePath().getRoot())) {
            Files.createDirectories(dir);
            return;
        }
        if (Files.notExists(dir)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR));
            } catch (FileAlreadyExistsException raced) {
                // another process made it: narrow it below
            }
        }
        Files.setPosixFilePermissions(dir, DIR);
    }

    /** Creates {@code file} empty as 0600 (never readable by others, not even for a moment), or narrows it. */
    public static void file(Path file) throws IOException {
        if (!posix(file.toAbsolutePath().getRoot())) {
            if (Files.notExists(file)) {
                Files.createFile(file);
            }
            return;
        }
        try {
            Files.createFile(file, attribute());
        } catch (FileAlreadyExistsException exists) {
            Files.setPosixFilePermissions(file, FILE);
        }
    }

    /** 0600 as a creation attribute, or none on a file system without POSIX permissions. */
    public static FileAttribute<?>[] fileAttributes(Path where) {
        return posix(where.toAbsolutePath().getRoot()) ? new FileAttribute<?>[] {attribute()} : new FileAttribute<?>[0];
    }

    private static FileAttribute<Set<PosixFilePermission>> attribute() {
        return PosixFilePermissions.asFileAttribute(FILE);
    }

    private static boolean posix(Path root) {
        return root != null && root.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
