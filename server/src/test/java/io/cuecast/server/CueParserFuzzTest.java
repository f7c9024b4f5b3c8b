package io.cuecast.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cuecast.server.admin.ApiException;
import io.cuecast.server.cues.CueRequest;
import io.cuecast.server.cues.CueService;

/**
 * Fuzzes the cue JSON parser and validator that face the admin API: garbage must become an
 * ApiException (a 4xx naming the problem), never another exception. Seeds in
 * src/test/resources/io/cuecast/server/CueParserFuzzTestInputs; JAZZER_FUZZ=1 explores.
 */
class CueParserFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void parseAndValidate(byte[] input) {
        try {
            CueRequest r = CueService.parse(input);
            CueService.validateForFuzzing(r);
        } catch (ApiException expected) {
            if (expected.status().code() >= 500) {
                throw expected;
            }
        }
    }
}
