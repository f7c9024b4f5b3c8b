package io.cuecast.relay.cue;

import java.time.Instant;
import java.util.Map;

/**
 * An {@code EXT-X-DATERANGE} (RFC 8216bis §4.4.5.1).
 *
 * @param id unique ID
 * @param classValue CLASS
 * @param startDate START-DATE, on the EXT-X-PROGRAM-DATE-TIME clock
 * @param durationSeconds DURATION, or a negative number when unknown
 * @param clientAttributes X- attributes in order, quoted strings
 * @param sku the product the range is about, or null
 * @param type the cue type
 */
public record DateRange(String id, String classValue, Instant startDate, double durationSeconds,
                        Map<String, String> clientAttributes, String sku, String type) {
    /** Cue types whose latest range per product stays listed while it lasts: the product is on screen. */
    public static final java.util.Set<String> SHOWING = java.util.Set.of("product.show", "product.update",
            "offer.start");

    /** The end of the range, or null when open-ended. */
    public Instant end() {
        return durationSeconds < 0 ? null : startDate.plusNanos((long) (durationSeconds * 1e9));
    }
}
