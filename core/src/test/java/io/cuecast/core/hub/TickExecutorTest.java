package io.cuecast.core.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TickExecutorTest {
    @Test
    void runsEveryTaskInOrderWithinAFewTicks() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (TickExecutor tick = new TickExecutor(Runnable::run, scheduler, 10)) {
            List<Integer> seen = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(100);
            long start = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                int n = i;
                tick.execute(() -> {
                    seen.add(n);
                    done.countDown();
                });
            }
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(seen).isSorted().hasSize(100);
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2000);
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void closeHandsOverWhatIsPending() {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        List<String> ran = new CopyOnWriteArrayList<>();
        TickExecutor tick = new TickExecutor(Runnable::run, scheduler, 60_000);
        tick.execute(() -> ran.add("a"));
        tick.close();
        scheduler.shutdownNow();
        assertThat(ran).containsExactly("a");
    }

    /** A task that arrives during shutdown (a packager's end freeing its buffers) still runs. */
    @Test
    void afterCloseTasksStillRunEvenWhenTheDelegateIsStopped() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        java.util.concurrent.ExecutorService pool = Executors.newSingleThreadExecutor();
        TickExecutor tick = new TickExecutor(pool, scheduler, 10_000);
        tick.close();
        java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(2);
        tick.execute(ran::countDown);
        pool.shutdown();
        tick.execute(ran::countDown); // the pool refuses: it runs on the caller
        org.assertj.core.api.Assertions.assertThat(ran.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        scheduler.shutdownNow();
    }
}
