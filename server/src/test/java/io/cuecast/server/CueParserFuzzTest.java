package io.cuecast.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cuecast.control.ControlException;
import io.cuecast.control.cues.CueRequest;
import io.cuecast.control.cues.CueService;
import io.cuecast.http.HttpError;
import io.cuecast.http.JsonBody;

/**
 * Fuzzes the cue JSON reader and validator that face the admin API: garbage must become an
 * HttpError (a 4xx naming the problem) or a refusal of the control plane, never another exception.
 * Seeds in src/test/resources/io/cuecast/server/CueParserFuzzTestInputs; JAZZER_FUZZ=1 explores.
 */
class CueParserFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void parseAndValidate(byte[] input) {
        try {
            CueRequest r = JsonBody.read(input, CueRequest.class);
            CueService.validateForFuzzing(r);
        } catch (HttpError expected) {
            if (expected.status().code() >= 500) {
                throw expected;
            }
        } catch (ControlException expected) {
            if (ApiErrors.map(expected).status().code() >= 500) {
                throw expected;
            }
        }
    }
}
