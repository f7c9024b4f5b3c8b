package io.cuecast.core.net;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission of connections on one listening port: at most {@code total} open at once and at most
 * {@code perAddress} from one remote address. Accept loops call {@link #tryOpen} for every accepted
 * socket and {@link #close} once when an admitted one closes. Thread-safe and lock-free.
 */
public final class ConnectionLimits {
    /** Why a connection was refused. */
    public enum Refusal { TOTAL, PER_ADDRESS }

    private final int total;
    private final int perAddress;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> byAddress = new ConcurrentHashMap<>();

    /**
     * @param total connections open at once on the port
     * @param perAddress connections open at once from one remote address
     */
    public ConnectionLimits(int total, int perAddress) {
        if (total < 1 || perAddress < 1) {
            throw new IllegalArgumentException("limits must be positive: " + total + ", " + perAddress);
        }
        this.total = total;
        this.perAddress = perAddress;
    }

    /**
     * Admits a connection from {@code address}, or says why not. An admitted connection must be
     * given back with {@link #close} exactly once; a refused one must not.
     *
     * @return null when admitted
     */
    public Refusal tryOpen(InetAddress address) {
        if (open.incrementAndGet() > total) {
            open.decrementAndGet();
            return Refusal.TOTAL;
        }
        // compute() runs atomically per key, so the count and the map entry never disagree.
        boolean[] admitted = {false};
        byAddress.compute(address, (a, n) -> {
            AtomicInteger c = n == null ? new AtomicInteger() : n;
            if (c.get() < perAddress) {
                c.incrementAndGet();
                admitted[0] = true;
            }
            return c.get() == 0 ? null : c;
        });
        if (!admitted[0]) {
            open.decrementAndGet();
            return Refusal.PER_ADDRESS;
        }
        return null;
    }

    /** Gives back a connection admitted by {@link #tryOpen}. */
    public void close(InetAddress address) {
        byAddress.computeIfPresent(address, (a, c) -> c.decrementAndGet() == 0 ? null : c);
        open.decrementAndGet();
    }

    /** Connections open now. */
    public int open() {
        return open.get();
    }

    /** Connections open now from {@code address}. */
    public int open(InetAddress address) {
        AtomicInteger c = byAddress.get(address);
        return c == null ? 0 : c.get();
    }

    /** Addresses with at least one open connection (bounded by {@code total}: entries go when they reach 0). */
    public int addresses() {
        return byAddress.size();
    }
}
