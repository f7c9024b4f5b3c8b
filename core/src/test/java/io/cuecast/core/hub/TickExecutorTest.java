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
}
