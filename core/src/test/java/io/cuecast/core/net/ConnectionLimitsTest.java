package io.cuecast.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectionLimitsTest {
    private static InetAddress ip(int last) throws Exception {
        return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
    }

    @Test
    void refusesPastTheTotalAndPastThePerAddressCap() throws Exception {
        ConnectionLimits limits = new ConnectionLimits(5, 2);
        assertThat(limits.tryOpen(ip(1))).isNull();
        assertThat(limits.tryOpen(ip(1))).isNull();
        assertThat(limits.tryOpen(ip(1))).isEqualTo(ConnectionLimits.Refusal.PER_ADDRESS);
        assertThat(limits.tryOpen(ip(2))).isNull();
        assertThat(limits.tryOpen(ip(3))).isNull();
        assertThat(limits.tryOpen(ip(4))).isNull();
        assertThat(limits.tryOpen(ip(5))).isEqualTo(ConnectionLimits.Refusal.TOTAL);
        assertThat(limits.open()).isEqualTo(5);
        limits.close(ip(1));
        assertThat(limits.tryOpen(ip(5))).isNull();
        assertThat(limits.open(ip(1))).isEqualTo(1);
    }

    @Test
    void closedAddressesLeaveNoEntryBehind() throws Exception {
        ConnectionLimits limits = new ConnectionLimits(1000, 1);
        for (int i = 0; i < 200; i++) {
            assertThat(limits.tryOpen(ip(i))).isNull();
            limits.close(ip(i));
        }
        assertThat(limits.addresses()).isZero();
        assertThat(limits.open()).isZero();
    }

    @Test
    void concurrentOpensNeverAdmitMoreThanTheCaps() throws Exception {
        ConnectionLimits limits = new ConnectionLimits(50, 7);
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger admitted = new AtomicInteger();
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 100; i++) {
                        if (limits.tryOpen(ip(i % 3 + id % 2)) == null) {
                            admitted.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            th.start();
            all.add(th);
        }
        start.countDown();
        for (Thread th : all) {
            th.join(10_000);
        }
        // Four distinct addresses at most 7 each.
        assertThat(admitted.get()).isEqualTo(limits.open()).isLessThanOrEqualTo(28);
        for (int a = 0; a < 4; a++) {
            assertThat(limits.open(ip(a))).isLessThanOrEqualTo(7);
        }
    }
}
