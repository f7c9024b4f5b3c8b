package io.cuecast.hls;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Blocked playlist reloads and part requests of one rendition (RFC 8216bis §6.2.5.2), indexed by
 * the (segment, part) they wait for. What a new part or segment satisfies is always a prefix of that
 * order, so waking costs the waiters woken, never the ones still waiting. Not thread-safe: its
 * {@link RenditionTimeline} calls it under its own lock.
 */
final class Waiters {
    /** A wait for part {@code part} of segment {@code msn}; a whole-segment wait sorts after every part. */
    private record Key(long msn, int part) implements Comparable<Key> {
        static Key of(long msn, int part) {
            return new Key(msn, part < 0 ? Integer.MAX_VALUE : part);
        }

        @Override
        public int compareTo(Key o) {
            int c = Long.compare(msn, o.msn);
            return c != 0 ? c : Integer.compare(part, o.part);
        }
    }

    private final TreeMap<Key, LinkedHashSet<CompletableFuture<Void>>> byKey = new TreeMap<>();
    private int size;

    int size() {
        return size;
    }

    void add(long msn, int part, CompletableFuture<Void> f) {
        byKey.computeIfAbsent(Key.of(msn, part), k -> new LinkedHashSet<>()).add(f);
        size++;
    }

    /** Forgets one waiter (it timed out or its client left); no-op when it was woken already. */
    void remove(long msn, int part, CompletableFuture<Void> f) {
        Key k = Key.of(msn, part);
        LinkedHashSet<CompletableFuture<Void>> set = byKey.get(k);
        if (set != null && set.remove(f)) {
            size--;
            if (set.isEmpty()) {
                byKey.remove(k);
            }
        }
    }

    /**
     * Takes out every waiter satisfied once segment {@code nextSequence} has {@code openParts}
     * parts: every earlier segment, and the parts of this one that exist.
     */
    List<CompletableFuture<Void>> due(long nextSequence, int openParts) {
        return drain(byKey.headMap(new Key(nextSequence, openParts), false));
    }

    /** Takes out every waiter (the rendition ended or closed). */
    List<CompletableFuture<Void>> all() {
        return drain(byKey);
    }

    private List<CompletableFuture<Void>> drain(NavigableMap<Key, LinkedHashSet<CompletableFuture<Void>>> range) {
        if (range.isEmpty()) {
            return List.of();
        }
        List<CompletableFuture<Void>> out = new ArrayList<>();
        for (Iterator<Map.Entry<Key, LinkedHashSet<CompletableFuture<Void>>>> it = range.entrySet().iterator();
                it.hasNext(); ) {
            out.addAll(it.next().getValue());
            it.remove();
        }
        size -= out.size();
        return out;
    }
}
