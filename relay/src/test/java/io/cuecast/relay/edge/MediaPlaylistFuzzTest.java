package io.cuecast.relay.edge;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the playlist reader an edge runs on its upstream's answers: anything must parse or be
 * refused with IllegalArgumentException, never another exception. Seeds in
 * src/test/resources/io/cuecast/relay/edge/MediaPlaylistFuzzTestInputs; JAZZER_FUZZ=1 explores.
 */
class MediaPlaylistFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void parse(byte[] input) {
        try {
            MediaPlaylist.parse(new String(input, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException expected) {
            // refused, with the line named
        }
    }
}
