package io.cuecast.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LadderConfigTest {
    private final ConfigLoader loader = new ConfigLoader();

    @TempDir
    Path dir;

    private Path file(String yaml) throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void defaultLadderIsSourcePlus480And360And240() {
        CuecastConfig.Ladder l = CuecastConfig.defaults().ladder();
        assertThat(l.enabled()).isTrue();
        assertThat(l.passthrough()).isTrue();
        assertThat(l.rungs()).extracting(CuecastConfig.Rung::name).containsExactly("480p", "360p", "240p");
        assertThat(l.rungs().get(0).effectiveMaxrateKbps()).isEqualTo(1100);
        assertThat(l.rungs().get(0).effectiveBufsizeKbps()).isEqualTo(2000);
    }

    @Test
    void fileListReplacesTheDefaultRungsAndFillsOmittedKeys() throws Exception {
        CuecastConfig c = loader.load(file("ladder:\n  passthrough: false\n  rungs:\n"
                + "    - shortSide: 540\n      videoKbps: 1800\n      preset: faster\n"), Map.of());
        assertThat(c.ladder().passthrough()).isFalse();
        assertThat(c.ladder().rungs()).containsExactly(
                new CuecastConfig.Rung(540, 1800, 0, 0, "faster", "main", "zerolatency", 30));
    }

    @Test
    void environmentTakesAListAsYamlAndBooleansAsText() {
        CuecastConfig c = loader.load(null, Map.of("CUECAST_LADDER_ENABLED", "false",
                "CUECAST_LADDER_RUNGS", "[{shortSide: 360, videoKbps: 500}]"));
        assertThat(c.ladder().enabled()).isFalse();
        assertThat(c.ladder().rungs()).extracting(CuecastConfig.Rung::name).containsExactly("360p");
    }

    @Test
    void emptyListMeansNoRungs() {
        CuecastConfig c = loader.load(null, Map.of("CUECAST_LADDER_RUNGS", "[]"));
        assertThat(c.ladder().rungs()).isEmpty();
    }

    @Test
    void wrongRungKeysAreNamed() throws Exception {
        assertThatThrownBy(() -> loader.load(file("ladder:\n  rungs:\n    - shortSide: 480\n      videoKbps: 900\n"
                + "      bitrate: 5\n"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'ladder.rungs[0].bitrate'");
        assertThatThrownBy(() -> loader.load(file("ladder:\n  rungs:\n    - shortSide: 481\n      videoKbps: 900\n"),
                Map.of())).hasMessageContaining("'ladder.rungs[0].shortSide' must be even");
        assertThatThrownBy(() -> loader.load(file("ladder:\n  rungs:\n    - shortSide: 480\n      videoKbps: 900\n"
                + "      preset: warp\n"), Map.of())).hasMessageContaining("'ladder.rungs[0].preset' must be one of");
        assertThatThrownBy(() -> loader.load(file("ladder:\n  rungs:\n    - videoKbps: 900\n"), Map.of()))
                .hasMessageContaining("'ladder.rungs[0].shortSide' must be between 64 and 2160, got 0");
        assertThatThrownBy(() -> loader.load(file("ladder:\n  rungs: 480\n"), Map.of()))
                .hasMessageContaining("'ladder.rungs' must be a list");
        assertThatThrownBy(() -> loader.load(null, Map.of("CUECAST_LADDER_ENABLED", "yes")))
                .hasMessageContaining("'ladder.enabled' must be true or false");
        assertThatThrownBy(() -> loader.load(file("ladder:\n  rungs:\n    - {shortSide: 480, videoKbps: 900}\n"
                + "    - {shortSide: 480, videoKbps: 800}\n"), Map.of())).hasMessageContaining("appears twice");
    }
}
