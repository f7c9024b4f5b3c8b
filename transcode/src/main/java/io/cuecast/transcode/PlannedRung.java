package io.cuecast.transcode;

import io.cuecast.config.CuecastConfig;

/**
 * A rung sized for one source.
 *
 * @param rung the configured rung
 * @param width output width in pixels (even)
 * @param height output height in pixels (even)
 * @param fps output frame rate: the source's, capped at the rung's maxFps
 */
public record PlannedRung(CuecastConfig.Rung rung, int width, int height, double fps) {
    /** The rendition's name, for example {@code 480p}. */
    public String name() {
        return rung.name();
    }
}
