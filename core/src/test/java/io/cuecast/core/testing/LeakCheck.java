package io.cuecast.core.testing;

import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaked a Netty buffer (or any tracked resource). Registered for every
 * test class of every module through JUnit's extension autodetection (root pom); a class whose
 * module has no Netty passes through.
 */
public final class LeakCheck implements AfterAllCallback {
    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Method allocate;
        Method release;
        try {
            allocate = Class.forName("io.netty.buffer.Unpooled").getMethod("directBuffer", int.class);
            release = Class.forName("io.netty.util.ReferenceCounted").getMethod("release");
        } catch (ClassNotFoundException noNetty) {
            return;
        }
        // A leak is reported when its buffer has been collected and the detector next tracks an
        // allocation: collect, then allocate (every allocation is tracked at the paranoid level).
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(20);
            for (int i = 0; i < 8; i++) {
                release.invoke(allocate.invoke(null, 1));
            }
        }
        List<String> leaks = LeakReports.drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError(context.getDisplayName() + " leaked " + leaks.size()
                    + " Netty resource(s):\n" + String.join("\n\n", leaks));
        }
    }
}
