package io.cuecast.control.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How a stream key is stored: {@code sha256:} and the hex SHA-256 of the key. A key is 190 random
 * bits, so a plain hash is enough (a slow password hash protects guessable secrets); whoever reads
 * the database cannot publish with what they read.
 */
public final class KeyHash {
    private static final String PREFIX = "sha256:";

    private KeyHash() {
    }

    /** The stored form of {@code key}. */
    public static String of(String key) {
        return PREFIX + HexFormat.of().formatHex(sha256(key));
    }

    /** True when {@code stored} is a hash, not a key stored in clear by an older Cuecast. */
    public static boolean isHash(String stored) {
        return stored.startsWith(PREFIX);
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
