package io.cuecast.transcode;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuecast.config.CuecastConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class LadderPlannerTest {
    private static final CuecastConfig.Ladder DEFAULT = CuecastConfig.defaultLadder();

    private static List<String> sizes(List<PlannedRung> plan) {
        return plan.stream().map(p -> p.name() + "=" + p.width() + "x" + p.height()).toList();
    }

    @Test
    void landscape720pGetsEveryDefaultRungLikeFfmpegScaleMinus2() {
        assertThat(sizes(LadderPlanner.plan(1280, 720, 30, DEFAULT)))
                .containsExactly("480p=854x480", "360p=640x360", "240p=426x240");
    }

    @Test
    void portraitIsScaledByItsShortSide() {
        assertThat(sizes(LadderPlanner.plan(720, 1280, 30, DEFAULT)))
                .containsExactly("480p=480x854", "360p=360x640", "240p=240x426");
    }

    @Test
    void rungsLargerThanTheSourceAreSkipped() {
        assertThat(sizes(LadderPlanner.plan(640, 360, 30, DEFAULT))).containsExactly("360p=640x360", "240p=426x240");
        assertThat(LadderPlanner.plan(320, 180, 30, DEFAULT)).isEmpty();
    }

    @Test
    void fpsIsCappedAndUnknownFpsIsThirty() {
        CuecastConfig.Ladder l = new CuecastConfig.Ladder(true, true, 2000,
                List.of(new CuecastConfig.Rung(360, 600, 0, 0, "veryfast", "main", "", 24)));
        assertThat(LadderPlanner.plan(1920, 1080, 60, l).get(0).fps()).isEqualTo(24);
        assertThat(LadderPlanner.plan(1920, 1080, 0, DEFAULT).get(0).fps()).isEqualTo(30);
    }

    @Test
    void oddAspectRatiosGetEvenSides() {
        // 1080x1920 → 480 wide: 853.3 tall, rounded to the even 854
        assertThat(sizes(LadderPlanner.plan(1080, 1920, 30, DEFAULT)).get(0)).isEqualTo("480p=480x854");
        // 4:3 640x480 → 360p: 480x360
        assertThat(sizes(LadderPlanner.plan(640, 480, 30, DEFAULT))).containsExactly("480p=640x480",
                "360p=480x360", "240p=320x240");
    }
}
