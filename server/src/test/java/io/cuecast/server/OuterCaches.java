package io.cuecast.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The outer caches of docs/cdn, started as operators would run them (the shipped config with its
 * placeholders filled), in front of a Cuecast public port.
 */
final class OuterCaches {
    private OuterCaches() {
    }

    /** A cache process and the port it listens on. */
    record Cache(String name, Process process, int port) implements AutoCloseable {
        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    static Path repoFile(String relative) {
        Path p = Path.of(relative);
        return Files.exists(p) ? p : Path.of("..").resolve(relative);
    }

    static Cache nginx(Path logDir, int upstreamPort) throws Exception {
        Files.createDirectories(logDir);
        Path dir = readableDir("nginx");
        int port = TestServer.freePort();
        String conf = Files.readString(repoFile("docs/cdn/nginx.conf"))
                .replace("CUECAST_UPSTREAM", "127.0.0.1:" + upstreamPort)
                .replace("LISTEN_PORT", "127.0.0.1:" + port)
                .replace("CACHE_DIR", dir.toString())
                .replace("worker_processes auto;", "worker_processes 1;");
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, conf);
        String binary = Files.exists(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
        Process p = new ProcessBuilder(binary, "-p", dir.toString(), "-c", file.toString())
                .redirectErrorStream(true).redirectOutput(logDir.resolve("nginx.out").toFile()).start();
        TestServer.waitForPort(port, p, logDir.resolve("nginx.out"), 20);
        return new Cache("nginx proxy_cache_lock", p, port);
    }

    static Cache varnish(Path logDir, int upstreamPort) throws Exception {
        Files.createDirectories(logDir);
        Path dir = readableDir("varnish");
        int port = TestServer.freePort();
        String vcl = Files.readString(repoFile("docs/cdn/varnish.vcl"))
                .replace("CUECAST_HOST", "127.0.0.1").replace("CUECAST_PORT", Integer.toString(upstreamPort));
        Path file = dir.resolve("cuecast.vcl");
        Files.writeString(file, vcl);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        String binary = Files.exists(Path.of("/usr/sbin/varnishd")) ? "/usr/sbin/varnishd" : "varnishd";
        Process p = new ProcessBuilder(List.of(binary, "-F", "-n", dir.resolve("work").toString(),
                "-a", "127.0.0.1:" + port, "-f", file.toString(), "-s", "malloc,256m"))
                .redirectErrorStream(true).redirectOutput(logDir.resolve("varnish.out").toFile()).start();
        TestServer.waitForPort(port, p, logDir.resolve("varnish.out"), 20);
        return new Cache("Varnish", p, port);
    }

    /**
     * nginx workers and varnishd drop root to a user of their own: their files must not sit in a
     * test's private (0700) directory.
     */
    private static Path readableDir(String name) throws IOException {
        return Files.createTempDirectory(Path.of("target").toAbsolutePath(), name,
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
    }
}
