package io.cuecast.ingest.whip;

/** RTP's 16-bit sequence numbers as an unwrapped 64-bit count (RFC 3550 §A.1). */
final class SequenceNumbers {
    private SequenceNumbers() {
    }

    /**
     * The value of {@code seq16} closest to {@code highest}, the highest extended number seen so far
     * (negative before the first): a number more than half the space behind is one that wrapped.
     */
    static long extend(long highest, int seq16) {
        if (highest < 0) {
            return seq16;
        }
        long candidate = (highest & ~0xffffL) | seq16;
        if (candidate < highest - 0x8000) {
            candidate += 0x10000;
        } else if (candidate > highest + 0x8000) {
            candidate -= 0x10000;
        }
        return candidate;
    }
}
