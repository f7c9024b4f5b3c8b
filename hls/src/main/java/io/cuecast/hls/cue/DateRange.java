package io.cuecast.hls.cue;

import io.cuecast.core.cue.CueMessage;
import java.time.Instant;
import java.util.Map;

/**
 * An {@code EXT-X-DATERANGE} (RFC 8216bis §4.4.5.1) made from a cue.
 *
 * @param id unique ID
 * @param classValue CLASS
 * @param startDate START-DATE, on the EXT-X-PROGRAM-DATE-TIME clock
 * @param durationSeconds DURATION, or a negative number when unknown
 * @param clientAttributes X- attributes in order, quoted strings
 * @param cue the cue it carries; decides whether the range outlives the window
 */
public record DateRange(String id, String classValue, Instant startDate, double durationSeconds,
                        Map<String, String> clientAttributes, CueMessage cue) {
    /** The end of the range, or null when open-ended. */
    public Instant end() {
        return durationSeconds < 0 ? null : startDate.plusNanos((long) (durationSeconds * 1e9));
    }
}
