package io.cuecast.core.cue;

import io.cuecast.core.media.DataConfig;
import io.cuecast.core.media.MediaKind;
import io.cuecast.core.media.Track;

/**
 * The timed-data track every hub carries for product cues: whoever publishes into a hub declares it
 * (so a cue injected later rides the stream's one ordered sequence), whoever reads a hub finds cues
 * on it. One definition for ingest, the cue service, the ladder and the packager.
 */
public final class CueTrack {
    /** Track id of the cue track. */
    public static final int ID = 3;
    /** Scheme of its payloads: a {@link CueMessage}'s compact JSON. */
    public static final String SCHEME = "cuecast-cue";
    /** Ticks per second of cue packet timestamps: milliseconds, the media clock of every ingest. */
    public static final int TIMESCALE = 1000;

    private CueTrack() {
    }

    /** The track as a publisher declares it. */
    public static Track track() {
        return new Track(ID, MediaKind.DATA, TIMESCALE, new DataConfig(SCHEME));
    }

    /** True when {@code t} is a cue track, whatever its id. */
    public static boolean is(Track t) {
        return t.kind() == MediaKind.DATA && t.config() instanceof DataConfig d && SCHEME.equals(d.scheme());
    }
}
