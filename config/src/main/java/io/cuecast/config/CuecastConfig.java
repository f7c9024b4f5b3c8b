package io.cuecast.config;

import java.util.List;

/**
 * The whole typed configuration. Defaults live in {@link #defaults()}, in field order; every key
 * is documented in {@code cuecast.example.yaml}, which a test parses so the two cannot drift.
 *
 * @param dataDir directory of the SQLite database and the generated admin token (default {@code ./data})
 * @param publicHost host name put into the URLs the API hands out (default {@code 127.0.0.1})
 * @param maxLiveStreams streams live at once; a publish of one more is refused (default 0: as many as
 *     the JVM's heap and direct memory carry at {@link #MEMORY_PER_STREAM} each)
 * @param rtmp RTMP ingest
 * @param http public HTTP (HLS playback)
 * @param admin admin HTTP API and metrics
 * @param hls HLS packaging
 * @param ladder ABR ladder (transcoded renditions) every stream gets unless the admin API overrides it
 */
public record CuecastConfig(String dataDir, String publicHost, int maxLiveStreams, Rtmp rtmp, Http http, Admin admin,
                            Hls hls, Ladder ladder, Cues cues, Relays relays, Webrtc webrtc, Cluster cluster) {

    /**
     * Several nodes. Left at its defaults (role {@code origin}, no Redis, no upstreams) the server is
     * a single node exactly as without this section.
     *
     * @param role {@code origin} (publishers come here; default), {@code edge} (serves the streams of
     *     other nodes, mirrored) or {@code both}
     * @param nodeId this node's name in the cluster (default empty: host name and HTTP port)
     * @param redisUrl the shared store, {@code redis://[user:password@]host:port[/db]} or
     *     {@code redis-sentinel://…}; empty for none (default)
     * @param upstreams public base URLs an edge mirrors from, tried in order, after the owner Redis
     *     names (default none), for example {@code http://origin-a:8080}; another edge's URL makes a
     *     second tier
     * @param advertisedUrl the public base URL other nodes reach this node's HLS at (default empty:
     *     {@code http://publicHost:http.port})
     * @param leaseMs a stream's owner lease; a node that cannot renew it for half this long stops
     *     serving as the owner (default 4000)
     * @param renewMs how often an owner renews its lease and a node its membership (default 1000)
     */
    public record Cluster(String role, String nodeId, String redisUrl, List<String> upstreams, String advertisedUrl,
                          int leaseMs, int renewMs) {
        public Cluster {
            upstreams = upstreams == null ? List.of() : List.copyOf(upstreams);
        }

        /** True when this node serves other nodes' streams. */
        public boolean edge() {
            return role.equals("edge") || role.equals("both");
        }

        /** True when publishers may publish here. */
        public boolean origin() {
            return role.equals("origin") || role.equals("both");
        }

        /** True when a shared store is configured. */
        public boolean redis() {
            return !redisUrl.isEmpty();
        }
    }

    /**
     * WebRTC ingest over WHIP (RFC 9725): signalling on the public HTTP port, media on one UDP port.
     *
     * @param enabled accept WHIP publishers (default true)
     * @param host address the UDP port binds (default {@code 0.0.0.0})
     * @param udpPort the one UDP port every session shares (default 8189; 0 picks a free one, for tests)
     * @param advertisedAddresses addresses put into answers as ICE candidates, for a host behind NAT or
     *     in a container: public IPs or DNS names, each with {@code :port} when the forwarded UDP port
     *     differs from {@code udpPort} (default none: the machine's interface addresses)
     * @param maxSessions WHIP publishers at once; one more gets 503 (default 50)
     * @param maxBitrateKbps a publisher sending more than this on average over 5 s is disconnected (default 20000)
     * @param handshakeTimeoutMs time from the answer to ICE and DTLS done (default 10000)
     * @param livenessTimeoutMs a session that receives nothing authenticated this long ends (default 30000)
     * @param keyframeRequestMs a keyframe is asked for this often from browsers, which otherwise send one
     *     only every few minutes; OBS and FFmpeg ignore it and keep their own GOP (default 2000)
     * @param jitterMs how long a packet missing from a sequence is waited for (and NACKed) before its frame
     *     is given up (default 250)
     */
    public record Webrtc(boolean enabled, String host, int udpPort, List<String> advertisedAddresses, int maxSessions,
                         int maxBitrateKbps, int handshakeTimeoutMs, int livenessTimeoutMs, int keyframeRequestMs,
                         int jitterMs) {
        public Webrtc {
            advertisedAddresses = advertisedAddresses == null ? List.of() : List.copyOf(advertisedAddresses);
        }
    }

    /**
     * Push relays every stream gets, besides its own (added through the admin API).
     *
     * @param defaults targets of every live stream, for example a recorder (default none)
     * @param trustCertFile PEM certificates rtmps receivers are verified against instead of the JDK's
     *     trust store, for private receivers with their own CA (default empty: the JDK's)
     */
    public record Relays(List<DefaultRelay> defaults, String trustCertFile) {
        public Relays {
            defaults = defaults == null ? List.of() : List.copyOf(defaults);
        }
    }

    /**
     * A push target of every stream.
     *
     * @param url {@code rtmp(s)://host[:port]/app/name}; {@code {streamId}} in it is replaced by the stream's id
     * @param rendition {@code source} or a ladder rung name (default {@code source})
     */
    public record DefaultRelay(String url, String rendition) {}
    /**
     * What one live stream may need of each of heap and direct memory: its HLS window (8 segments of
     * 2 s at 20 Mbit/s is 40 MB) and reader queues (bounded at 32 MiB each).
     */
    public static final long MEMORY_PER_STREAM = 64L * 1024 * 1024;

    /**
     * {@code maxLiveStreams} resolved: the configured number, or what 80 % of the smaller of the
     * heap and direct-memory limits holds at {@link #MEMORY_PER_STREAM} per stream (at least one).
     */
    public int liveStreamBudget(long maxHeap, long maxDirect) {
        if (maxLiveStreams > 0) {
            return maxLiveStreams;
        }
        long memory = Math.min(maxHeap, maxDirect) * 8 / 10;
        return (int) Math.max(1, Math.min(100_000, memory / MEMORY_PER_STREAM));
    }

    /**
     * Product cue settings.
     *
     * @param perSecond cues each stream may post per second, bursts up to the same number (default 20)
     * @param maxOnScreenMs longest a product stays on screen: a show, update or offer cue without
     *     {@code durationMs} gets this duration, and a longer one is refused (default 3600000, one hour)
     */
    public record Cues(int perSecond, long maxOnScreenMs) {}

    /**
     * RTMP ingest settings.
     *
     * @param host bind address (default {@code 0.0.0.0})
     * @param port TCP port (default 1935)
     * @param app application name in the publish URL, {@code rtmp://host:port/APP} (default {@code live})
     * @param maxMessageBytes largest RTMP message accepted; bigger ones close the connection (default 8 MiB)
     * @param outChunkSize chunk size we announce and send with (default 4096)
     * @param handshakeTimeoutMs time from accept to a completed handshake (default 5000)
     * @param connectTimeoutMs time from the handshake to {@code connect} (default 5000)
     * @param publishTimeoutMs time from {@code connect} to {@code publish} (default 10000)
     * @param idleTimeoutMs a publisher that sends nothing for this long is disconnected (default 20000)
     * @param maxConnections RTMP connections open at once; more are closed at accept (default 1000)
     * @param maxConnectionsPerAddress RTMP connections open at once from one remote address (default 20)
     */
    public record Rtmp(String host, int port, String app, int maxMessageBytes, int outChunkSize,
                       int handshakeTimeoutMs, int connectTimeoutMs, int publishTimeoutMs, int idleTimeoutMs,
                       int maxConnections, int maxConnectionsPerAddress) {}

    /**
     * Public HTTP settings.
     *
     * @param host bind address (default {@code 0.0.0.0})
     * @param port TCP port (default 8080)
     * @param corsOrigin value of Access-Control-Allow-Origin (default {@code *})
     * @param tlsPort HTTPS port with HTTP/2 (ALPN h2, falling back to HTTP/1.1), used only when a certificate is set (default 8443)
     * @param tlsCertFile PEM certificate chain; empty for no HTTPS (default empty)
     * @param tlsKeyFile PEM private key (PKCS#8) of that certificate (default empty)
     * @param requestTimeoutMs time from a request's first byte to the whole request; a slower one gets 408 (default 10000)
     * @param maxConnections public HTTP(S) connections open at once; more are closed at accept (default 10000)
     * @param maxConnectionsPerAddress of those, from one remote address (default 1000: players behind one NAT)
     */
    public record Http(String host, int port, String corsOrigin, int tlsPort, String tlsCertFile, String tlsKeyFile,
                       int requestTimeoutMs, int maxConnections, int maxConnectionsPerAddress) {
        /** True when HTTPS is configured. */
        public boolean tls() {
            return !tlsCertFile.isEmpty();
        }
    }

    /**
     * Admin API settings.
     *
     * @param host bind address (default {@code 127.0.0.1}: the admin API is not public unless asked)
     * @param port TCP port (default 8081)
     * @param token bearer token; when empty one is generated into the data directory on first start
     * @param maxBodyBytes largest request body accepted (default 65536)
     */
    public record Admin(String host, int port, String token, int maxBodyBytes) {}

    /**
     * HLS packaging settings.
     *
     * @param segmentDurationMs target segment duration; segments are cut at the first keyframe at or after it (default 2000)
     * @param windowSegments segments kept in the live playlist and in memory (default 6)
     * @param endGraceMs after the publisher leaves, wait this long for a reconnect before ending the playlist (default 10000)
     * @param retainEndedMs an ended playlist and its segments stay available this long, then are freed (default 300000)
     * @param partDurationMs LL-HLS part target: 200 ms makes six 30 fps frames per part, ten parts per 2 s segment (default 200)
     */
    public record Hls(int segmentDurationMs, int windowSegments, int endGraceMs, int retainEndedMs,
                      int partDurationMs) {}

    /**
     * The ABR ladder: renditions transcoded in-process from each stream's video.
     *
     * @param enabled transcode at all; false offers the source alone (default true)
     * @param passthrough offer the source itself as the top rendition; rung keyframes then follow the
     *     source's, otherwise they are forced every hls.segmentDurationMs (default true)
     * @param maxLagMs when transcoding is this far behind the source, skip to the next keyframe and count it (default 2000)
     * @param rungs renditions to make, by short side; rungs larger than the source are skipped
     * @param maxConcurrent ladders transcoding at once, server-wide; a stream over it plays its source
     *     alone until one frees (0, the default: {@link #LADDERS_PER_CORE} per core)
     * @param maxSourcePixels largest source picture (width × height) the ladder decodes, server-wide;
     *     a bigger source plays alone (default 3840 × 2160)
     */
    public record Ladder(boolean enabled, boolean passthrough, int maxLagMs, List<Rung> rungs, int maxConcurrent,
                         long maxSourcePixels) {
        /**
         * Real-time 720p30 ladders (the default three rungs) one core carries: measured 6 on 2 cores,
         * the 7th falling behind (issue 10, docs/benchmarks.md).
         */
        public static final int LADDERS_PER_CORE = 3;
        /** 4K UHD. */
        public static final long DEFAULT_MAX_SOURCE_PIXELS = 3840L * 2160;

        public Ladder {
            rungs = rungs == null ? List.of() : List.copyOf(rungs);
        }

        /** A ladder with the server-wide limits at their defaults. */
        public Ladder(boolean enabled, boolean passthrough, int maxLagMs, List<Rung> rungs) {
            this(enabled, passthrough, maxLagMs, rungs, 0, DEFAULT_MAX_SOURCE_PIXELS);
        }

        /** {@code maxConcurrent} resolved: the configured number, or per core when 0. */
        public int concurrentLadders(int cores) {
            return maxConcurrent > 0 ? maxConcurrent : LADDERS_PER_CORE * Math.max(1, cores);
        }
    }

    /**
     * One transcoded rendition.
     *
     * @param shortSide height of a landscape picture, width of a portrait one, in pixels (even)
     * @param videoKbps x264 target bitrate
     * @param maxrateKbps VBV maximum rate; 0 means 110 % of videoKbps
     * @param bufsizeKbps VBV buffer size; 0 means twice videoKbps
     * @param preset x264 preset (ultrafast … veryslow)
     * @param profile H.264 profile: baseline, main or high
     * @param tune x264 tune, empty for none; zerolatency (default) keeps the rung as live as the source
     * @param maxFps frame rate cap; faster sources have frames dropped evenly
     */
    public record Rung(int shortSide, int videoKbps, int maxrateKbps, int bufsizeKbps, String preset,
                       String profile, String tune, int maxFps) {
        /** The rendition's name in URLs, for example {@code 480p}. */
        public String name() {
            return shortSide + "p";
        }

        /** VBV maximum rate with the default applied. */
        public int effectiveMaxrateKbps() {
            return maxrateKbps > 0 ? maxrateKbps : videoKbps * 11 / 10;
        }

        /** VBV buffer size with the default applied. */
        public int effectiveBufsizeKbps() {
            return bufsizeKbps > 0 ? bufsizeKbps : videoKbps * 2;
        }
    }

    /** A rung with the defaults for everything but its size and bitrate. */
    public static Rung rung(int shortSide, int videoKbps) {
        return new Rung(shortSide, videoKbps, 0, 0, "veryfast", "main", "zerolatency", 30);
    }

    /** The default ladder: the source, then 480p, 360p and 240p. */
    public static Ladder defaultLadder() {
        return new Ladder(true, true, 2000, List.of(rung(480, 1000), rung(360, 600), rung(240, 300)));
    }

    /** The embedded defaults: what {@code scripts/run} uses with no file and no environment. */
    public static CuecastConfig defaults() {
        return new CuecastConfig(
                "./data",
                "127.0.0.1",
                0,
                new Rtmp("0.0.0.0", 1935, "live", 8 * 1024 * 1024, 4096, 5_000, 5_000, 10_000, 20_000, 1000, 20),
                new Http("0.0.0.0", 8080, "*", 8443, "", "", 10_000, 10_000, 1000),
                new Admin("127.0.0.1", 8081, "", 64 * 1024),
                new Hls(2000, 6, 10_000, 300_000, 200),
                defaultLadder(),
                new Cues(20, 3_600_000L),
                new Relays(List.of(), ""),
                new Webrtc(true, "0.0.0.0", 8189, List.of(), 50, 20_000, 10_000, 30_000, 2_000, 250),
                new Cluster("origin", "", "", List.of(), "", 4000, 1000));
    }
}
