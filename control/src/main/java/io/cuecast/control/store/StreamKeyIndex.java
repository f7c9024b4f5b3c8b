package io.cuecast.control.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stream keys in memory, as their {@link KeyHash hashes}, so RTMP publish checks never touch the
 * database from an event loop and the keys themselves are held nowhere.
 *
 * <p>Looked up by the hash of the offered key, then compared with {@link MessageDigest#isEqual}
 * (constant time): the map lookup reveals nothing about the secret and the final comparison takes
 * the same time wherever the first differing byte is.
 */
public final class StreamKeyIndex {
    private record Entry(String streamId, byte[] hash) {}

    private final Map<String, Entry> byHash = new ConcurrentHashMap<>();
    private final Map<String, String> hashByStream = new ConcurrentHashMap<>();

    /**
     * Adds or replaces the key of {@code streamId}, given as its {@link KeyHash stored form}. Writers
     * are serialized so the two maps agree; lookups take no lock.
     */
    public synchronized void put(String streamId, String keyHash) {
        remove(streamId);
        byHash.put(keyHash, new Entry(streamId, keyHash.getBytes(StandardCharsets.US_ASCII)));
        hashByStream.put(streamId, keyHash);
    }

    /** Forgets the key of {@code streamId}. */
    public synchronized void remove(String streamId) {
        String hash = hashByStream.remove(streamId);
        if (hash != null) {
            byHash.remove(hash);
        }
    }

    /** Whether {@code streamId} exists (every stream has a key); from memory. */
    public boolean contains(String streamId) {
        return hashByStream.containsKey(streamId);
    }

    /**
     * The stream {@code streamKey} publishes to, compared in constant time; empty when unknown.
     * Answers from memory, so ingest calls it on its event loop (as its {@code PublishAuthorizer}).
     */
    public Optional<String> streamIdForKey(String streamKey) {
        String hash = KeyHash.of(streamKey);
        Entry e = byHash.get(hash);
        if (e == null || !MessageDigest.isEqual(e.hash(), hash.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        return Optional.of(e.streamId());
    }
}
