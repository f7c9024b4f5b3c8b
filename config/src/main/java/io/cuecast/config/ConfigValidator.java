package io.cuecast.config;

/** Checks ranges and relations between keys; each message names the key. */
final class ConfigValidator {
    private ConfigValidator() {
    }

    static void validate(CuecastConfig c) {
        notBlank("dataDir", c.dataDir());
        notBlank("publicHost", c.publicHost());
        notBlank("rtmp.host", c.rtmp().host());
        port("rtmp.port", c.rtmp().port());
        notBlank("rtmp.app", c.rtmp().app());
        if (!c.rtmp().app().matches("[A-Za-z0-9_-]+")) {
            throw new ConfigException("'rtmp.app' must be letters, digits, '-' or '_', got '" + c.rtmp().app() + "'");
        }
        range("rtmp.maxMessageBytes", c.rtmp().maxMessageBytes(), 64 * 1024, 64 * 1024 * 1024);
        range("rtmp.outChunkSize", c.rtmp().outChunkSize(), 128, 65536);
        range("rtmp.handshakeTimeoutMs", c.rtmp().handshakeTimeoutMs(), 100, 600_000);
        range("rtmp.idleTimeoutMs", c.rtmp().idleTimeoutMs(), 100, 3_600_000);
        notBlank("http.host", c.http().host());
        port("http.port", c.http().port());
        port("http.tlsPort", c.http().tlsPort());
        if (c.http().tlsCertFile().isEmpty() != c.http().tlsKeyFile().isEmpty()) {
            throw new ConfigException("'http.tlsCertFile' and 'http.tlsKeyFile' must be set together");
        }
        for (String[] f : new String[][] {{"http.tlsCertFile", c.http().tlsCertFile()},
                {"http.tlsKeyFile", c.http().tlsKeyFile()}}) {
            if (!f[1].isEmpty() && !java.nio.file.Files.isReadable(java.nio.file.Path.of(f[1]))) {
                throw new ConfigException("'" + f[0] + "' names a file that cannot be read: " + f[1]);
            }
        }
        notBlank("admin.host", c.admin().host());
        port("admin.port", c.admin().port());
        range("admin.maxBodyBytes", c.admin().maxBodyBytes(), 1024, 16 * 1024 * 1024);
        if (!c.admin().token().isEmpty() && c.admin().token().length() < 16) {
            throw new ConfigException("'admin.token' must be at least 16 characters (or empty to generate one)");
        }
        range("hls.segmentDurationMs", c.hls().segmentDurationMs(), 500, 30_000);
        range("hls.windowSegments", c.hls().windowSegments(), 3, 100);
        range("hls.endGraceMs", c.hls().endGraceMs(), 0, 600_000);
        range("hls.retainEndedMs", c.hls().retainEndedMs(), 0, 86_400_000);
        range("hls.partDurationMs", c.hls().partDurationMs(), 100, 5_000);
        if (c.hls().partDurationMs() * 2 > c.hls().segmentDurationMs()) {
            throw new ConfigException("'hls.partDurationMs' must be at most half of 'hls.segmentDurationMs'");
        }
        int r = c.rtmp().port(), h = c.http().port(), a = c.admin().port();
        if (r != 0 && (r == h || r == a) || h != 0 && h == a) {
            throw new ConfigException("'rtmp.port', 'http.port' and 'admin.port' must differ");
        }
    }

    private static void notBlank(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException("'" + key + "' must not be empty");
        }
    }

    private static void port(String key, int value) {
        // 0 asks the OS for a free port; tests use it.
        range(key, value, 0, 65535);
    }

    private static void range(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ConfigException("'" + key + "' must be between " + min + " and " + max + ", got " + value);
        }
    }
}
