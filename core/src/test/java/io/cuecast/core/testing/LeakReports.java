package io.cuecast.core.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Leaks Netty's detector reported in this test JVM. Kept free of Netty types so modules without
 * Netty load it too.
 */
public final class LeakReports {
    private static final List<String> LEAKS = new ArrayList<>();

    private LeakReports() {
    }

    static synchronized void add(String report) {
        LEAKS.add(report);
    }

    /** Takes every report out. */
    public static synchronized List<String> drain() {
        List<String> out = new ArrayList<>(LEAKS);
        LEAKS.clear();
        return out;
    }
}
