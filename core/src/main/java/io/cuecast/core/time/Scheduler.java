package io.cuecast.core.time;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task later: the one thing timers in the control plane need, narrow enough that tests drive
 * it by hand (a manual scheduler with a manual clock) instead of sleeping.
 */
@FunctionalInterface
public interface Scheduler {
    /** A scheduled task that can still be called off. */
    @FunctionalInterface
    interface Cancellable {
        /** Calls the task off if it has not started; idempotent. */
        void cancel();
    }

    /** Runs {@code task} once, after {@code delayMs}. */
    Cancellable schedule(Runnable task, long delayMs);

    /** A scheduler on a real executor. */
    static Scheduler of(ScheduledExecutorService executor) {
        return (task, delayMs) -> {
            ScheduledFuture<?> f = executor.schedule(task, delayMs, TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        };
    }
}
