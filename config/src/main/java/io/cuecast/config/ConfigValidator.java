package io.cuecast.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks ranges and relations between keys; each message names the key. */
public final class ConfigValidator {
    /** x264's presets, fastest first. */
    public static final List<String> PRESETS = List.of("ultrafast", "superfast", "veryfast",
            "faster", "fast", "medium", "slow", "slower", "veryslow");
    /** Profiles a rung may ask for (8-bit 4:2:0, what every player decodes). */
    public static final List<String> PROFILES = List.of("baseline", "main", "high");
    /** x264 tunes that fit live video; empty for none. */
    public static final List<String> TUNES = List.of("", "zerolatency", "film", "animation",
            "grain", "stillimage", "fastdecode");

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
        range("cues.perSecond", c.cues().perSecond(), 1, 1000);
        cluster(c.cluster());
        notBlank("webrtc.host", c.webrtc().host());
        range("webrtc.udpPort", c.webrtc().udpPort(), 0, 65535);
        range("webrtc.maxSessions", c.webrtc().maxSessions(), 1, 10_000);
        range("webrtc.maxBitrateKbps", c.webrtc().maxBitrateKbps(), 500, 1_000_000);
        range("webrtc.handshakeTimeoutMs", c.webrtc().handshakeTimeoutMs(), 1000, 60_000);
        range("webrtc.livenessTimeoutMs", c.webrtc().livenessTimeoutMs(), 1000, 600_000);
        range("webrtc.keyframeRequestMs", c.webrtc().keyframeRequestMs(), 0, 60_000);
        range("webrtc.jitterMs", c.webrtc().jitterMs(), 0, 5_000);
        for (int i = 0; i < c.webrtc().advertisedAddresses().size(); i++) {
            String a = c.webrtc().advertisedAddresses().get(i);
            if (a == null || a.isBlank() || !a.matches("[A-Za-z0-9.:\\[\\]-]+")) {
                throw new ConfigException("'webrtc.advertisedAddresses[" + i + "]' must be an IP address or a DNS name, got '"
                        + a + "'");
            }
        }
        range("maxLiveStreams", c.maxLiveStreams(), 0, 100_000);
        if (!c.relays().trustCertFile().isEmpty() && !java.nio.file.Files.isReadable(
                java.nio.file.Path.of(c.relays().trustCertFile()))) {
            throw new ConfigException("'relays.trustCertFile' is not a readable file: " + c.relays().trustCertFile());
        }
        for (int i = 0; i < c.relays().defaults().size(); i++) {
            CuecastConfig.DefaultRelay r = c.relays().defaults().get(i);
            if (r.url() == null || !r.url().matches("(?i)rtmps?://.+/.+/.+")) {
                throw new ConfigException("'relays.defaults[" + i + "].url' must be rtmp://HOST[:PORT]/APP/NAME or"
                        + " rtmps://…, got '" + r.url() + "'");
            }
            if (r.rendition() == null || !r.rendition().matches("[a-z0-9]{1,16}")) {
                throw new ConfigException("'relays.defaults[" + i + "].rendition' must be 'source' or a rung name");
            }
        }
        if (c.cues().maxOnScreenMs() < 1000 || c.cues().maxOnScreenMs() > 24L * 3600 * 1000) {
            throw new ConfigException("'cues.maxOnScreenMs' must be between 1000 and 86400000, got "
                    + c.cues().maxOnScreenMs());
        }
        range("rtmp.connectTimeoutMs", c.rtmp().connectTimeoutMs(), 100, 600_000);
        range("rtmp.publishTimeoutMs", c.rtmp().publishTimeoutMs(), 100, 600_000);
        range("rtmp.maxConnections", c.rtmp().maxConnections(), 1, 1_000_000);
        range("rtmp.maxConnectionsPerAddress", c.rtmp().maxConnectionsPerAddress(), 1, 1_000_000);
        range("rtmp.idleTimeoutMs", c.rtmp().idleTimeoutMs(), 100, 3_600_000);
        notBlank("http.host", c.http().host());
        port("http.port", c.http().port());
        port("http.tlsPort", c.http().tlsPort());
        range("http.requestTimeoutMs", c.http().requestTimeoutMs(), 100, 600_000);
        range("http.maxConnections", c.http().maxConnections(), 1, 10_000_000);
        range("http.maxConnectionsPerAddress", c.http().maxConnectionsPerAddress(), 1, 10_000_000);
        if (!c.http().corsOrigin().matches("[\\x21-\\x7e]+")) {
            // It goes into every response header: a CR or LF would break every response (review L10).
            throw new ConfigException("'http.corsOrigin' must be one header value without spaces or control"
                    + " characters, got '" + c.http().corsOrigin() + "'");
        }
        if (c.http().tlsCertFile().isEmpty() != c.http().tlsKeyFile().isEmpty()) {
            throw new ConfigException("'http.tlsCertFile' and 'http.tlsKeyFile' must be set together");
        }
        for (String[] f : new String[][] {{"http.tlsCertFile", c.http().tlsCertFile()},
                {"http.tlsKeyFile", c.http().tlsKeyFile()}}) {
            if (!f[1].isEmpty() && !Files.isReadable(Path.of(f[1]))) {
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
        validateLadder("ladder", c.ladder());
        int r = c.rtmp().port(), h = c.http().port(), a = c.admin().port();
        if (r != 0 && (r == h || r == a) || h != 0 && h == a) {
            throw new ConfigException("'rtmp.port', 'http.port' and 'admin.port' must differ");
        }
    }

    /**
     * Checks a ladder, from the config file or from the admin API.
     *
     * @param key prefix for messages, for example {@code ladder}
     * @throws ConfigException naming the first wrong key
     */
    public static void validateLadder(String key, CuecastConfig.Ladder l) {
        range(key + ".maxLagMs", l.maxLagMs(), 200, 60_000);
        range(key + ".maxConcurrent", l.maxConcurrent(), 0, 10_000);
        if (l.maxSourcePixels() < 64L * 64 || l.maxSourcePixels() > 16384L * 16384) {
            throw new ConfigException("'" + key + ".maxSourcePixels' must be between 4096 and 268435456, got "
                    + l.maxSourcePixels());
        }
        if (l.rungs().size() > 8) {
            throw new ConfigException("'" + key + ".rungs' has " + l.rungs().size() + " rungs; at most 8");
        }
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < l.rungs().size(); i++) {
            CuecastConfig.Rung r = l.rungs().get(i);
            String k = key + ".rungs[" + i + "]";
            if (r == null) {
                throw new ConfigException("'" + k + "' must be a mapping of keys");
            }
            range(k + ".shortSide", r.shortSide(), 64, 2160);
            if (r.shortSide() % 2 != 0) {
                throw new ConfigException("'" + k + ".shortSide' must be even (4:2:0 video), got " + r.shortSide());
            }
            if (!seen.add(r.shortSide())) {
                throw new ConfigException("'" + k + ".shortSide' " + r.shortSide() + " appears twice");
            }
            range(k + ".videoKbps", r.videoKbps(), 50, 50_000);
            if (r.maxrateKbps() != 0) {
                range(k + ".maxrateKbps", r.maxrateKbps(), r.videoKbps(), 100_000);
            }
            if (r.bufsizeKbps() != 0) {
                range(k + ".bufsizeKbps", r.bufsizeKbps(), 50, 200_000);
            }
            oneOf(k + ".preset", r.preset(), PRESETS);
            oneOf(k + ".profile", r.profile(), PROFILES);
            oneOf(k + ".tune", r.tune(), TUNES);
            range(k + ".maxFps", r.maxFps(), 1, 120);
        }
    }

    private static void cluster(CuecastConfig.Cluster k) {
        oneOf("cluster.role", k.role(), List.of("origin", "edge", "both"));
        if (!k.nodeId().isEmpty() && !k.nodeId().matches("[A-Za-z0-9._:-]{1,64}")) {
            throw new ConfigException("'cluster.nodeId' must be 1-64 letters, digits, '.', '_', ':' or '-', got '"
                    + k.nodeId() + "'");
        }
        if (k.redis() && !k.redisUrl().matches("(redis|rediss|redis-sentinel)://.+")) {
            throw new ConfigException("'cluster.redisUrl' must start with redis://, rediss:// or redis-sentinel://");
        }
        for (int i = 0; i < k.upstreams().size(); i++) {
            url("cluster.upstreams[" + i + "]", k.upstreams().get(i));
        }
        if (!k.advertisedUrl().isEmpty()) {
            url("cluster.advertisedUrl", k.advertisedUrl());
        }
        if (k.role().equals("edge") && !k.redis() && k.upstreams().isEmpty()) {
            throw new ConfigException("'cluster.role' edge needs 'cluster.redisUrl' or 'cluster.upstreams' to find"
                    + " the streams it serves");
        }
        range("cluster.renewMs", k.renewMs(), 100, 60_000);
        range("cluster.leaseMs", k.leaseMs(), 500, 600_000);
        if (k.leaseMs() < 3 * k.renewMs()) {
            throw new ConfigException("'cluster.leaseMs' (" + k.leaseMs() + ") must be at least three times"
                    + " 'cluster.renewMs' (" + k.renewMs() + "): a lease must survive a lost renewal");
        }
    }

    private static void url(String key, String value) {
        if (!value.matches("https?://[^/\\s]+/?")) {
            throw new ConfigException("'" + key + "' must be a base URL like http://host:8080, got '" + value + "'");
        }
    }

    private static void oneOf(String key, String value, List<String> allowed) {
        if (value == null || !allowed.contains(value)) {
            throw new ConfigException("'" + key + "' must be one of " + allowed + ", got '" + value + "'");
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
