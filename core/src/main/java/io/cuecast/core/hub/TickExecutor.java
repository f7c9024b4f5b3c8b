package io.cuecast.core.hub;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Hands tasks to a pool in batches, once per tick, instead of one at a time. A hub reader that
 * wakes a pool thread for every packet costs a thread wake-up per audio and video frame (about
 * 4 000 a second for 50 streams); readers that can wait a tick (the HLS packager cuts segments of
 * seconds) share a few wake-ups per tick instead. Submission order is kept.
 */
public final class TickExecutor implements Executor, AutoCloseable {
    private final Executor delegate;
    private final ConcurrentLinkedQueue<Runnable> pending = new ConcurrentLinkedQueue<>();
    private final ScheduledFuture<?> ticker;

    /**
     * @param tickMillis longest a task waits before it is handed to {@code delegate}
     */
    public TickExecutor(Executor delegate, ScheduledExecutorService scheduler, long tickMillis) {
        this.delegate = delegate;
        this.ticker = scheduler.scheduleAtFixedRate(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    private volatile boolean closed;

    @Override
    public void execute(Runnable task) {
        if (closed) {
            // Work that arrives during shutdown (a packager's end, freeing its buffers) must still run:
            // parked in a queue nobody ticks any more, its buffers would never be released.
            try {
                delegate.execute(task);
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                task.run();
            }
            return;
        }
        pending.add(task);
        if (closed) {
            tick(); // closed between the check and the add: hand it over now
        }
    }

    private void tick() {
        Runnable task;
        while ((task = pending.poll()) != null) {
            delegate.execute(task);
        }
    }

    /** Stops ticking; tasks still pending are handed over, and later ones go straight to the delegate. */
    @Override
    public void close() {
        closed = true;
        ticker.cancel(false);
        tick();
    }
}
