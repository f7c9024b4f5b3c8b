package io.cuecast.hls;

import io.cuecast.core.cue.CueMessage;
import io.cuecast.core.media.Bytes;
import java.util.Optional;

/**
 * Parses each cue of a stream once for all its renditions: the ladder forwards the source's very
 * cue packet into every rung, so the renditions' packagers (one serial executor per stream) meet
 * the same payload object one after another. Remembers the last few by identity.
 */
final class CueParseCache {
    private static final int SIZE = 16;
    private final Bytes[] payloads = new Bytes[SIZE];
    private final CueMessage[] parsed = new CueMessage[SIZE];
    private int next;

    /** The cue in {@code payload}, or empty when it is not cue JSON. */
    synchronized Optional<CueMessage> parse(Bytes payload) {
        for (int i = 0; i < SIZE; i++) {
            if (payloads[i] == payload) {
                return Optional.ofNullable(parsed[i]);
            }
        }
        CueMessage cue = CueMessage.parse(payload.unsafeArray(), 0, payload.length()).orElse(null);
        payloads[next] = payload;
        parsed[next] = cue;
        next = (next + 1) % SIZE;
        return Optional.ofNullable(cue);
    }
}
