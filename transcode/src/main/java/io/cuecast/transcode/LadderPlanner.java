package io.cuecast.transcode;

import io.cuecast.config.CuecastConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Sizes a ladder for one source picture. */
public final class LadderPlanner {
    private LadderPlanner() {
    }

    /**
     * The rungs that fit a {@code width}×{@code height} source, largest first. Each rung sets the
     * short side (so a 720x1280 phone picture gets 480x854 for 480p) and keeps the aspect ratio,
     * the long side rounded to an even number as 4:2:0 needs; rungs larger than the source are
     * skipped.
     *
     * @param sourceFps the source's frame rate, 0 when unknown (taken as 30)
     */
    public static List<PlannedRung> plan(int width, int height, double sourceFps, CuecastConfig.Ladder ladder) {
        List<PlannedRung> out = new ArrayList<>();
        if (width <= 0 || height <= 0) {
            return out;
        }
        boolean portrait = height > width;
        int sourceShort = Math.min(width, height);
        int sourceLong = Math.max(width, height);
        double fps = sourceFps > 0 ? sourceFps : 30;
        List<CuecastConfig.Rung> rungs = new ArrayList<>(ladder.rungs());
        rungs.sort(Comparator.comparingInt(CuecastConfig.Rung::shortSide).reversed());
        for (CuecastConfig.Rung r : rungs) {
            if (r.shortSide() > sourceShort) {
                continue;
            }
            int longSide = (int) Math.round((double) sourceLong * r.shortSide() / sourceShort / 2.0) * 2;
            int w = portrait ? r.shortSide() : longSide;
            int h = portrait ? longSide : r.shortSide();
            out.add(new PlannedRung(r, w, h, Math.min(fps, r.maxFps())));
        }
        return out;
    }
}
