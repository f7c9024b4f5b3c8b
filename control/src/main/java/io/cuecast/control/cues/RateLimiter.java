package io.cuecast.control.cues;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A token bucket per key: {@code perSecond} tokens a second, bursts up to the same number. */
final class RateLimiter {
    private final double perSecond;
    private final Map<String, double[]> buckets = new ConcurrentHashMap<>();

    RateLimiter(double perSecond) {
        this.perSecond = perSecond;
    }

    /** Drops the bucket of a key that is gone (a deleted stream). */
    void forget(String key) {
        buckets.remove(key);
    }

    /** Takes a token; returns 0 when allowed, else the milliseconds until one is available. */
    long acquire(String key, long nowMillis) {
        double[] b = buckets.computeIfAbsent(key, k -> new double[] {perSecond, nowMillis});
        synchronized (b) {
            double tokens = Math.min(perSecond, b[0] + (nowMillis - b[1]) * perSecond / 1000.0);
            b[1] = nowMillis;
            if (tokens >= 1) {
                b[0] = tokens - 1;
                return 0;
            }
            b[0] = tokens;
            return (long) Math.ceil((1 - tokens) * 1000.0 / perSecond);
        }
    }
}
