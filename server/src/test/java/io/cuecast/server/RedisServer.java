package io.cuecast.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's) on a free loopback port, in memory only (no RDB, no AOF),
 * for the cluster tests; {@code scripts/test} installs it.
 */
final class RedisServer implements AutoCloseable {
    final int port;
    final String password;
    private final Path dir;
    private Process process;

    RedisServer(Path dir, String password) throws Exception {
        this(dir, password, TestServer.freePort());
    }

    RedisServer(Path dir, String password, int port) throws Exception {
        this.dir = dir;
        this.password = password;
        this.port = port;
        start();
    }

    void start() throws Exception {
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "yes"));
        if (password != null) {
            cmd.addAll(List.of("--requirepass", password));
        }
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        TestServer.waitForPort(port, process, dir.resolve("redis.log"), 10);
    }

    /** Kills it at once (SIGKILL): everything it held is gone, as after a crash without persistence. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** The URL a node is configured with. */
    String url() {
        return "redis://" + (password == null ? "" : ":" + password + "@") + "127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
