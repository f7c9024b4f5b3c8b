package io.cuecast.core.testing;

import io.cuecast.core.time.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link Scheduler} on a {@link ManualClock}: tasks run on the test's thread when the test moves
 * time past their due instant, in due order. No threads, no sleeps.
 */
public final class ManualScheduler implements Scheduler {
    private record Task(Instant due, long seq, Runnable run, boolean[] cancelled) {}

    private final ManualClock clock;
    private final List<Task> tasks = new ArrayList<>();
    private long seq;

    public ManualScheduler(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayMs) {
        boolean[] cancelled = new boolean[1];
        tasks.add(new Task(clock.instant().plusMillis(delayMs), seq++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Moves the clock by {@code d}, running every task that falls due on the way, at its instant. */
    public void advance(Duration d) {
        Instant end = clock.instant().plus(d);
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> !t.due().isAfter(end))
                        .min(Comparator.comparing(Task::due).thenComparingLong(Task::seq)).orElse(null);
                if (next == null) {
                    break;
                }
                tasks.remove(next);
            }
            if (next.due().isAfter(clock.instant())) {
                clock.advance(Duration.between(clock.instant(), next.due()));
            }
            if (!next.cancelled()[0]) {
                next.run().run();
            }
        }
        if (end.isAfter(clock.instant())) {
            clock.advance(Duration.between(clock.instant(), end));
        }
    }

    /** Tasks not yet run nor cancelled. */
    public synchronized long pending() {
        return tasks.stream().filter(t -> !t.cancelled()[0]).count();
    }
}
