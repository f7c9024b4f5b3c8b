package io.cuecast.core.testing;

import io.netty.util.ResourceLeakDetector;

/**
 * Netty's leak detector, recording every leak it reports for {@link LeakCheck} to fail the test
 * class on: logged only, a leak would pass the build. Installed for every test JVM by the root pom
 * ({@code -Dio.netty.customResourceLeakDetector}); Netty finds it through these constructors.
 */
public final class FailingLeakDetector<T> extends ResourceLeakDetector<T> {
    public FailingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    @SuppressWarnings("deprecation")
    public FailingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        super(resourceType, samplingInterval, maxActive);
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        LeakReports.add("LEAK of a " + resourceType + ": " + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        LeakReports.add("LEAK of a " + resourceType + " (no records)");
        super.reportUntracedLeak(resourceType);
    }
}
