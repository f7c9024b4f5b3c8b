package io.cuecast.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Blocking-reload waiters (review H2): bounded, removed when they time out, completed at once on an
 * ended stream, and woken at a cost proportional to the waiters woken.
 */
class WaitersTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    static RenditionTimeline timeline(int maxWaiters) {
        RenditionTimeline t = new RenditionTimeline("t", 6, 2, maxWaiters);
        t.partTarget(0.334);
        t.addInit(new byte[] {1}, null);
        return t;
    }

    /** Before the fix an ended timeline took waiters for msn next and next+1 and held them until close (5 min). */
    @Test
    void aWaitOnAnEndedRenditionAnswersAtOnce() {
        RenditionTimeline t = timeline(100);
        t.addPart(Unpooled.directBuffer(1).writeByte(0), 0.3, true);
        t.completeSegment(0.3, T0, "init-t-0.mp4", 9);
        t.end();
        assertThat(t.await(1, 0, 60_000)).isDone();
        assertThat(t.await(2, -1, 60_000)).isDone();
        assertThat(t.waiting()).isZero();
        t.close();
    }

    @Test
    void aWaiterThatTimesOutLeavesNothingBehind() throws Exception {
        RenditionTimeline t = timeline(100);
        CompletableFuture<Void> f = t.await(0, 3, 50);
        assertThat(t.waiting()).isEqualTo(1);
        f.handle((v, e) -> null).get();
        assertThat(f).isCompletedExceptionally();
        // The removal is the future's own completion callback: it may run just after ours.
        for (int i = 0; i < 100 && t.waiting() > 0; i++) {
            Thread.sleep(10);
        }
        assertThat(t.waiting()).isZero();
        t.close();
    }

    @Test
    void pastTheBoundAWaitIsRefused() {
        RenditionTimeline t = timeline(3);
        for (int i = 0; i < 3; i++) {
            assertThat(t.await(0, 1, 60_000)).isNotNull();
        }
        assertThat(t.await(0, 1, 60_000)).as("over the bound").isNull();
        // An answer that needs no wait is never refused.
        t.addPart(Unpooled.directBuffer(1).writeByte(0), 0.3, true);
        assertThat(t.await(0, 0, 60_000)).isDone();
        t.close();
    }

    @Test
    void wakingLeavesTheUnsatisfiedInPlaceInOrder() {
        RenditionTimeline t = timeline(100_000);
        List<CompletableFuture<Void>> later = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            later.add(t.await(1, 0, 60_000)); // the next segment's first part
        }
        CompletableFuture<Void> segment = t.await(0, -1, 60_000);
        CompletableFuture<Void> part1 = t.await(0, 1, 60_000);
        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            t.addPart(Unpooled.directBuffer(1).writeByte(i), 0.3, i == 0);
        }
        long wakes = System.nanoTime() - start;
        assertThat(part1).isDone();
        assertThat(segment).isNotDone();
        assertThat(later).noneMatch(CompletableFuture::isDone);
        assertThat(t.waiting()).isEqualTo(50_001);
        t.completeSegment(1.5, T0, "init-t-0.mp4", 45);
        assertThat(segment).isDone();
        t.addPart(Unpooled.directBuffer(1).writeByte(9), 0.3, true);
        assertThat(later).allMatch(CompletableFuture::isDone);
        assertThat(t.waiting()).isZero();
        System.out.printf("5 parts with 50 001 waiters not due: %.2f ms%n", wakes / 1e6);
        t.close();
    }
}
