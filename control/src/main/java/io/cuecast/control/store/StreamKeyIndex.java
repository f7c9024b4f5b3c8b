package io.cuecast.control.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stream keys in memory, so RTMP publish checks never touch the database from an event loop.
 *
 * <p>Looked up by the SHA-256 of the offered key, then compared with {@link MessageDigest#isEqual}
 * (constant time): the map lookup reveals nothing about the secret and the final comparison takes
 * the same time wherever the first differing byte is.
 */
public final class StreamKeyIndex {
    private record Entry(String streamId, byte[] key) {}

    private final Map<String, Entry> byDigest = new ConcurrentHashMap<>();
    private final Map<String, String> digestByStream = new ConcurrentHashMap<>();

    /** Adds or replaces the key of {@code streamId}. Writers are serialized so the two maps agree; lookups take no lock. */
    public synchronized void put(String streamId, String key) {
        remove(streamId);
        String digest = digest(key);
        byDigest.put(digest, new Entry(streamId, key.getBytes(StandardCharsets.UTF_8)));
        digestByStream.put(streamId, digest);
    }

    /** Forgets the key of {@code streamId}. */
    public synchronized void remove(String streamId) {
        String digest = digestByStream.remove(streamId);
        if (digest != null) {
            byDigest.remove(digest);
        }
    }

    /** Whether {@code streamId} exists (every stream has a key); from memory. */
    public boolean contains(String streamId) {
        return digestByStream.containsKey(streamId);
    }

    /**
     * The stream {@code streamKey} publishes to, compared in constant time; empty when unknown.
     * Answers from memory, so ingest calls it on its event loop (as its {@code PublishAuthorizer}).
     */
    public Optional<String> streamIdForKey(String streamKey) {
        Entry e = byDigest.get(digest(streamKey));
        if (e == null || !MessageDigest.isEqual(e.key(), streamKey.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        return Optional.of(e.streamId());
    }

    private static String digest(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
