package io.cuecast.control.cues;

import java.util.Arrays;
import java.util.Locale;

/** Where a cue is in its life: scheduled, then placed on air, cancelled, or missed (the stream was not live). */
public enum CueStatus {
    SCHEDULED,
    PLACED,
    CANCELLED,
    MISSED;

    /** The name in JSON and in the database, for example {@code placed}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status stored as {@code wire}. */
    public static CueStatus of(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown cue status '" + wire + "'"));
    }
}
