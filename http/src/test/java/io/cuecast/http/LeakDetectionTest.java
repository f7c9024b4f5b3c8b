package io.cuecast.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuecast.core.testing.LeakReports;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/**
 * The leak detector the build runs with records leaks (so LeakCheck can fail a class on them): a
 * buffer dropped without release is reported. Review "tests": leaks were only logged.
 */
class LeakDetectionTest {
    @Test
    void aForgottenBufferIsReported() throws Exception {
        LeakReports.drain();
        leak();
        for (int i = 0; i < 20 && LeakReports.drain().isEmpty(); i++) {
            System.gc();
            Thread.sleep(50);
            Unpooled.directBuffer(1).release(); // the detector looks for collected buffers when it tracks one
            if (i == 19) {
                throw new AssertionError("no leak reported: is FailingLeakDetector installed?");
            }
        }
        assertThat(LeakReports.drain()).isEmpty(); // what was found is taken; the class stays green
    }

    private static void leak() {
        ByteBuf forgotten = Unpooled.directBuffer(16);
        forgotten.writeByte(1);
    }
}
