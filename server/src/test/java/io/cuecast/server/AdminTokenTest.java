package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Review M8: the admin token file is private from its creation, and two first starts agree. */
class AdminTokenTest {
    @TempDir
    Path dir;

    @Test
    void aGeneratedTokenIsPrivateAndLeavesNoTemporaryFile() throws Exception {
        Path data = dir.resolve("data");
        AdminToken t = AdminToken.resolve("", data);
        assertThat(t.generated()).isTrue();
        assertThat(Files.getPosixFilePermissions(t.file())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(data)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        try (var files = Files.list(data)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("admin-token");
        }
        AdminToken again = AdminToken.resolve("", data);
        assertThat(again.generated()).isFalse();
        assertThat(again.value()).isEqualTo(t.value());
    }

    /** The old code wrote a fixed temp name and replaced the file: racing starts printed different tokens. */
    @Test
    void racingFirstStartsAllEndWithTheTokenInTheFile() throws Exception {
        Path data = dir.resolve("race");
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<AdminToken>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return AdminToken.resolve("", data);
            }));
        }
        go.countDown();
        String inFile = null;
        int generated = 0;
        List<String> values = new ArrayList<>();
        for (Future<AdminToken> f : results) {
            AdminToken t = f.get(10, TimeUnit.SECONDS);
            values.add(t.value());
            generated += t.generated() ? 1 : 0;
        }
        pool.shutdown();
        inFile = Files.readString(data.resolve("admin-token")).trim();
        assertThat(values).containsOnly(inFile);
        assertThat(generated).isEqualTo(1);
    }
}
