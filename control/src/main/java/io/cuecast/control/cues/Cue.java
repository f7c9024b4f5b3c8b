package io.cuecast.control.cues;

import io.cuecast.core.cue.CueType;
import java.time.Instant;

/**
 * A cue as logged.
 *
 * @param id cue id
 * @param streamId the stream it belongs to
 * @param type its type
 * @param payload compact JSON of the cue ({@link io.cuecast.core.cue.CueMessage}): what goes into the
 *     ID3 frame and the DATERANGE payload
 * @param status where it is in its life
 * @param at the requested instant, null for "now"
 * @param ptsMs where it was placed on the stream's media clock (milliseconds), null until placed
 * @param programDateTime the wall-clock time of that moment of the stream (the playlists'
 *     DATERANGE START-DATE), null until placed
 * @param createdAt when the POST was accepted
 * @param idempotencyKey the client's retry key, or null
 */
public record Cue(String id, String streamId, CueType type, String payload, CueStatus status, Instant at, Long ptsMs,
                  Instant programDateTime, Instant createdAt, String idempotencyKey) {
    /** The same cue in another status and placement. */
    public Cue withStatus(CueStatus newStatus, Long pts, Instant pdt) {
        return new Cue(id, streamId, type, payload, newStatus, at, pts, pdt, createdAt, idempotencyKey);
    }
}
