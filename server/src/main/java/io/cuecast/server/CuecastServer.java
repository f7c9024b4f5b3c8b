package io.cuecast.server;

import io.cuecast.config.CuecastConfig;
import io.cuecast.control.StreamService;
import io.cuecast.control.StreamView;
import io.cuecast.control.cues.CueService;
import io.cuecast.control.cues.SqliteCueStore;
import io.cuecast.control.relays.Relay;
import io.cuecast.control.relays.RelayTargets;
import io.cuecast.control.relays.SqliteRelayStore;
import io.cuecast.control.store.SqliteStreamStore;
import io.cuecast.control.store.StreamKeyIndex;
import io.cuecast.core.hub.HubRegistry;
import io.cuecast.core.hub.TickExecutor;
import io.cuecast.core.net.ConnectionLimits;
import io.cuecast.core.time.Scheduler;
import io.cuecast.hls.HlsOutput;
import io.cuecast.hls.HlsRoutes;
import io.cuecast.hls.HlsStream;
import io.cuecast.relay.cluster.ClusterHost;
import io.cuecast.relay.cluster.ClusterNode;
import io.cuecast.relay.edge.EdgeService;
import io.cuecast.relay.edge.OriginLocator;
import io.cuecast.relay.edge.Upstream;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import io.cuecast.hls.HlsService;
import io.cuecast.http.ErrorStyle;
import io.cuecast.http.HttpServers;
import io.cuecast.http.Router;
import io.cuecast.ingest.rtmp.RtmpMetrics;
import io.cuecast.ingest.rtmp.RtmpServer;
import io.cuecast.ingest.whip.DtlsCertificate;
import io.cuecast.ingest.whip.IceCandidates;
import io.cuecast.ingest.whip.WhipMetrics;
import io.cuecast.ingest.whip.WhipService;
import io.cuecast.ingest.whip.WhipUdpServer;
import io.cuecast.transcode.OpusToAac;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.util.concurrent.SynchronousQueue;
import io.cuecast.relay.RelayService;
import io.cuecast.relay.RelayTarget;
import io.cuecast.relay.RtmpUrl;
import io.cuecast.transcode.LadderService;
import io.cuecast.transcode.LadderStatus;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.internal.PlatformDependent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires every part of Cuecast together and owns their lifecycle. */
public final class CuecastServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CuecastServer.class);

    private final CuecastConfig config;
    private final Clock clock;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HubRegistry hubs;
    private final StreamKeyIndex keys = new StreamKeyIndex();
    private SqliteStreamStore store;
    private AdminToken token;
    /** Read by the ladder on publisher threads (ladderFor), written once at start. */
    private volatile StreamService streams;
    private HlsService hls;
    private LadderService ladders;
    private RtmpServer rtmp;
    private WhipUdpServer whipUdp;
    private WhipService whip;
    private EventLoopGroup whipLoop;
    private ExecutorService dtlsPool;
    private Channel httpChannel;
    private Channel adminChannel;
    private Channel httpsChannel;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private ExecutorService packagers;
    private ExecutorService blocking;
    private ExecutorService cueDatabase;
    private RelayService relays;
    private RelayTargets relayTargets;
    private CueService cues;
    private ScheduledExecutorService scheduler;
    private JvmGcMetrics gcMetrics;
    private TickExecutor packagerTicks;
    private EdgeService edge;
    private ClusterNode cluster;
    private String nodeId;
    private ExecutorService edgeHttp;
    /** Default per-stream cue rate (issue: 20 cues/s). */
    /** Admin API threads and queued calls; past them a call is answered 503 at once. */
    private static final int ADMIN_THREADS = 4;
    private static final int ADMIN_QUEUE = 256;
    /** Request bodies the public port aggregates: WHIP offers, the only bodies it takes. */
    private static final int PUBLIC_MAX_BODY = WhipService.MAX_OFFER_BYTES;
    /** Longest a packet waits before the HLS packager sees it. */
    private static final long PACKAGER_TICK_MS = 20;

    /** A server for {@code config}; nothing runs until {@link #start}. */
    public CuecastServer(CuecastConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.hubs = new HubRegistry(clock);
    }

    /** Opens the database and binds every port. */
    public CuecastServer start() throws InterruptedException {
        Path dataDir = Path.of(config.dataDir());
        store = new SqliteStreamStore(dataDir);
        token = AdminToken.resolve(config.admin().token(), dataDir);

        new JvmMemoryMetrics().bindTo(meters);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ClassLoaderMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);

        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> serverType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        boss = new MultiThreadIoEventLoopGroup(1, threads("cuecast-accept", false), io);
        // One event loop per core: more loops than cores only adds wake-ups (epoll_wait calls).
        workers = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                threads("cuecast-io", false), io);
        packagers = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                threads("cuecast-packager", true));
        // The admin API's pool: bounded, so a flood of operator calls is answered 503 by the router
        // instead of queueing without end. Public routes never use it.
        blocking = new ThreadPoolExecutor(ADMIN_THREADS, ADMIN_THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(ADMIN_QUEUE), threads("cuecast-admin", true));
        // Scheduled cues' database work: off the scheduler thread that drives every packager.
        cueDatabase = Executors.newSingleThreadExecutor(threads("cuecast-cues", true));
        scheduler = Executors.newSingleThreadScheduledExecutor(threads("cuecast-scheduler", true));

        StreamMeters streamMeters = new StreamMeters(meters);
        hubs.onHubCreated(streamMeters::attach);
        CuecastConfig.Hls h = config.hls();
        // Packagers cut segments of seconds: a 20 ms batch costs nothing and saves a thread wake-up
        // per frame.
        packagerTicks = new TickExecutor(packagers, scheduler, PACKAGER_TICK_MS);
        hls = new HlsService(hubs, h, clock, packagerTicks, Scheduler.of(scheduler), meters);
        // One x264 thread per rung: the rungs already encode in parallel on threads of their own, and
        // measured on the bench (docs/benchmarks.md) it costs 10 % less CPU than x264's own threading.
        ladders = new LadderService(hubs, this::ladderFor, h.segmentDurationMs(), 1, meters, config.ladder());
        if (config.ladder().enabled() || config.webrtc().enabled()) {
            // FFmpeg's libraries load once, in the background: the ladder and WHIP's Opus → AAC use them.
            ladders.preload();
        }
        streams = new StreamService(store, keys, hubs, clock, this::urls, id -> {
            hls.remove(id);
            streamMeters.remove(id);
            ladders.remove(id);
            cues.forget(id); // set below, before any request can delete
            relayTargets.forget(id);
        }, id -> ladders.status(id).map(CuecastServer::ladderView), config.ladder());

        int liveBudget = config.liveStreamBudget(Runtime.getRuntime().maxMemory(),
                PlatformDependent.maxDirectMemory());
        meters.gauge("cuecast.streams.live.max", liveBudget);
        log.info("memory budget: {} live streams (maxLiveStreams; heap {} MiB, direct {} MiB)", liveBudget,
                Runtime.getRuntime().maxMemory() >> 20, PlatformDependent.maxDirectMemory() >> 20);
        rtmp = new RtmpServer(config.rtmp(), keys::streamIdForKey, hubs, new RtmpMetrics(meters), liveBudget);
        rtmp.start(boss, workers, serverType);

        cues = new CueService(new SqliteCueStore(store), streams::exists, hubs, Scheduler.of(scheduler),
                cueDatabase, clock, config.cues().perSecond(), config.cues().maxOnScreenMs());
        cues.rearm();
        relayTargets = new RelayTargets(new SqliteRelayStore(store), streams::exists, RtmpUrl::parse, clock);
        relays = new RelayService(hubs, this::relayTargetsOf,
                workers, epoll ? EpollSocketChannel.class : NioSocketChannel.class,
                RelayService.tls(config.relays().trustCertFile().isEmpty() ? null
                        : new java.io.File(config.relays().trustCertFile())));
        relayTargets.onChange(relays::refresh);
        RelayMeters.register(meters, relays);
        // One table per port. The public port: players and viewers, no token, bodies of at most 8 KiB.
        Router.Builder publicRoutes = Router.builder(ErrorStyle.TEXT).maxBody(PUBLIC_MAX_BODY);
        new HlsRoutes(hlsOutputs(), config.http().corsOrigin(), meters).addTo(publicRoutes);
        new PublicState(cues, config.http().corsOrigin()).addTo(publicRoutes);
        // An edge serves the watch page of streams it does not know yet: its playlist answers 404 if no
        // upstream has the stream.
        new WatchPage(edge == null ? streams::exists : id -> true).addTo(publicRoutes);
        if (config.webrtc().enabled()) {
            startWhip(liveBudget, epoll, io);
            new WhipRoutes(whip, keys::streamIdForKey, config.http().corsOrigin()).addTo(publicRoutes);
        }
        HttpServers.Port publicPort = new HttpServers.Port(publicRoutes.build(), PUBLIC_MAX_BODY, null,
                config.http().requestTimeoutMs(), httpAdmission(config.http(), meters));
        httpChannel = HttpServers.bindWithH2c(config.http().host(), config.http().port(), boss, workers, serverType,
                publicPort);
        if (config.http().tls()) {
            httpsChannel = HttpServers.bindTls(config.http().host(), config.http().tlsPort(),
                    HttpServers.tlsContext(config.http().tlsCertFile(), config.http().tlsKeyFile()), boss, workers,
                    serverType, publicPort);
        }
        int adminMax = config.admin().maxBodyBytes();
        startCluster();
        ClusterRoutes clusterRoutes = new ClusterRoutes(nodeId(), config.cluster().role(), cluster, edge, cues,
                () -> streams.records().stream().map(r -> r.id()).toList(), id -> hubs.get(id).isPresent());
        Router admin = AdminRoutes.router(streams, cues, new RelayRoutes(relayTargets, relays, meters,
                        this::relayTargetsOf), clusterRoutes, token.value(), blocking, meters::scrape, adminMax);
        adminChannel = HttpServers.bind(config.admin().host(), config.admin().port(), boss, workers, serverType,
                new HttpServers.Port(admin, adminMax, "admin.maxBodyBytes"));
        log.info("started (transport {}): rtmp {}, http {}, admin {}", epoll ? "epoll" : "nio", rtmpPort(), httpPort(),
                adminPort());
        if (!isLoopback(config.admin().host())) {
            // Review L7: the bearer token crosses the network in clear, and /metrics and /healthz need none.
            log.warn("admin.host is {}: the admin API is reachable beyond this machine over plain HTTP, the token"
                    + " travels unencrypted and /metrics (every stream id) needs no token; put it behind TLS and a"
                    + " firewall, or keep it on 127.0.0.1", config.admin().host());
        }
        return this;
    }

    /**
     * Where the HLS routes find a stream: this node's packager, then (edge role) a mirror of the node
     * that has it.
     */
    private HlsRoutes.Outputs hlsOutputs() {
        HlsRoutes.Outputs local = id -> CompletableFuture.completedFuture(hls.stream(id).map(s -> (HlsOutput) s));
        CuecastConfig.Cluster c = config.cluster();
        if (!c.edge()) {
            return local;
        }
        List<URI> upstreams = c.upstreams().stream().map(URI::create).toList();
        edgeHttp = Executors.newFixedThreadPool(2, threads("cuecast-edge-http", true));
        // With Redis, the stream's owner first (found when asked: it changes on failover), then the list.
        OriginLocator locator = !c.redis() ? OriginLocator.fixed(upstreams) : id -> cluster == null
                ? CompletableFuture.completedFuture(upstreams)
                : cluster.call(() -> {
                    List<URI> out = new ArrayList<>();
                    cluster.ownerUrl(id).filter(u -> !u.equals(URI.create(advertisedUrl()))).ifPresent(out::add);
                    upstreams.stream().filter(u -> !out.contains(u)).forEach(out::add);
                    return out;
                });
        edge = new EdgeService(locator, new Upstream(edgeHttp, meters), packagers, scheduler,
                (int) Math.ceil(config.hls().segmentDurationMs() / 1000.0), meters);
        log.info("edge: mirroring streams this node does not produce from {}", upstreams);
        return id -> {
            var own = hls.stream(id).filter(HlsStream::live);
            return own.isPresent() ? CompletableFuture.completedFuture(own.map(s -> (HlsOutput) s)) : edge.find(id);
        };
    }

    /**
     * Cluster mode with Redis (cluster.redisUrl): membership, leases on the streams published here,
     * streams and keys shared, cues from any node. Redis away at start is logged and retried; this
     * node serves what it has meanwhile.
     */
    private void startCluster() {
        CuecastConfig.Cluster c = config.cluster();
        if (!c.redis()) {
            return;
        }
        cluster = new ClusterNode(nodeId(), c.role(), advertisedUrl(), c.redisUrl(), c.leaseMs(), c.renewMs(),
                new ClusterBridge(streams, hubs, hls, cues), meters);
        streams.onChange(new StreamService.Changes() {
            @Override
            public void changed(io.cuecast.control.store.StreamRecord r) {
                cluster.shareStream(new ClusterHost.SharedStream(r.id(), r.name(), r.keyHash(),
                        r.createdAt().toEpochMilli()));
            }

            @Override
            public void deleted(String id) {
                cluster.unshareStream(id);
            }
        });
        hubs.onHubCreated(hub -> cluster.publishing(hub.streamId()));
        hls.onSegment(cluster::segmentCompleted);
        cluster.start();
        log.info("cluster: node {} ({}) at {}, Redis {}", nodeId(), c.role(), advertisedUrl(),
                c.redisUrl().replaceAll("//[^@/]*@", "//***@"));
    }

    /** This node's id: cluster.nodeId, or the host name and HTTP port (looked up once: it may ask DNS). */
    synchronized String nodeId() {
        if (nodeId == null) {
            nodeId = config.cluster().nodeId().isEmpty() ? hostName() + ":" + httpPort() : config.cluster().nodeId();
        }
        return nodeId;
    }

    private static String hostName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "node";
        }
        return host;
    }

    /** The public base URL other nodes reach this node's HLS at. */
    String advertisedUrl() {
        String u = config.cluster().advertisedUrl();
        return u.isEmpty() ? "http://" + config.publicHost() + ":" + httpPort() : u.replaceAll("/$", "");
    }

    /**
     * WHIP: one UDP port on a loop of its own (media never waits behind HTTP or RTMP work), one
     * certificate for the process, and a pool for the blocking DTLS handshakes (one thread per
     * session at most, idle threads end).
     */
    private void startWhip(int liveBudget, boolean epoll, IoHandlerFactory io) throws InterruptedException {
        CuecastConfig.Webrtc w = config.webrtc();
        WhipMetrics whipMetrics = new WhipMetrics(meters);
        whipLoop = new MultiThreadIoEventLoopGroup(1, threads("cuecast-webrtc", false), io);
        whipUdp = new WhipUdpServer(w.host(), w.udpPort(), whipLoop,
                epoll ? EpollDatagramChannel.class : NioDatagramChannel.class, whipMetrics);
        dtlsPool = new ThreadPoolExecutor(0, w.maxSessions() + 2, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                threads("cuecast-dtls", true));
        List<InetSocketAddress> candidates = IceCandidates.of(w.advertisedAddresses(), w.host(), whipUdp.port());
        if (IceCandidates.onlyPrivate(candidates)) {
            log.warn("WHIP answers advertise only private or loopback addresses ({}): publishers outside this network"
                    + " cannot reach udp port {}; set webrtc.advertisedAddresses to the public IP or DNS name",
                    candidates.stream().map(c -> c.getAddress().getHostAddress()).toList(), whipUdp.port());
        }
        // Opus becomes AAC on the packagers' pool, serially per session: a few hundred µs per 20 ms.
        whip = new WhipService(w.maxSessions(), w.maxBitrateKbps(), w.handshakeTimeoutMs(), w.livenessTimeoutMs(),
                w.keyframeRequestMs(), w.jitterMs(), keys::streamIdForKey, hubs, () -> liveBudget, whipUdp,
                DtlsCertificate.generate(), dtlsPool, whipMetrics, candidates, OpusToAac::new, packagers);
    }

    /** The WHIP UDP port, or -1 when WebRTC is off. */
    public int webrtcPort() {
        return whipUdp == null ? -1 : whipUdp.port();
    }

    /**
     * The public port's connection caps (HTTP and HTTPS together): {@code http.maxConnections} and
     * {@code http.maxConnectionsPerAddress}, refusals counted by reason.
     */
    private static HttpServers.Admission httpAdmission(CuecastConfig.Http http, MeterRegistry meters) {
        ConnectionLimits limits = new ConnectionLimits(http.maxConnections(), http.maxConnectionsPerAddress());
        meters.gauge("cuecast.http.connections", limits, ConnectionLimits::open);
        return ch -> {
            InetAddress address = ch.remoteAddress().getAddress();
            ConnectionLimits.Refusal refusal = limits.tryOpen(address);
            if (refusal != null) {
                meters.counter("cuecast.http.connections.refused", "reason",
                        refusal == ConnectionLimits.Refusal.TOTAL ? "max_connections" : "max_connections_per_address")
                        .increment();
                return false;
            }
            ch.closeFuture().addListener(f -> limits.close(address));
            return true;
        };
    }

    private static ThreadFactory threads(String prefix, boolean daemon) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(daemon);
            return t;
        };
    }

    private static StreamView.Ladder ladderView(LadderStatus.Snapshot s) {
        return new StreamView.Ladder(s.state().name().toLowerCase(Locale.ROOT), s.detail(),
                s.renditions().stream().map(r -> new StreamView.Rendition(r.name(), r.width(), r.height(),
                        r.videoKbps(), r.fps())).toList(),
                s.framesDecoded(), s.keyframeSkips(), s.decodeErrors());
    }

    /** The ladder of a stream: its own (set through the admin API) or the server's. */
    private CuecastConfig.Ladder ladderFor(String streamId) {
        return streams == null ? config.ladder() : streams.ladderOverride(streamId).orElse(config.ladder());
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** A stream's push targets: its own (admin API), then the server's defaults (relays.defaults). */
    List<RelayTarget> relayTargetsOf(String streamId) {
        List<RelayTarget> out = new ArrayList<>();
        for (Relay r : relayTargets.of(streamId)) {
            out.add(new RelayTarget(r.id(), r.streamId(), r.url(), r.rendition(), r.enabled()));
        }
        List<CuecastConfig.DefaultRelay> defaults = config.relays().defaults();
        for (int i = 0; i < defaults.size(); i++) {
            out.add(new RelayTarget("default-" + i + "-" + streamId, streamId,
                    defaults.get(i).url().replace("{streamId}", streamId), defaults.get(i).rendition(), true));
        }
        return out;
    }

    /** The public URLs with the bound ports. */
    public StreamService.Urls urls() {
        return new StreamService.Urls("rtmp://" + config.publicHost() + ":" + rtmpPort() + "/" + config.rtmp().app(),
                "http://" + config.publicHost() + ":" + httpPort());
    }

    public int rtmpPort() {
        return rtmp.port();
    }

    public int httpPort() {
        return ((InetSocketAddress) httpChannel.localAddress()).getPort();
    }

    /** The HTTPS (HTTP/2) port, or -1 when no certificate is configured. */
    public int httpsPort() {
        return httpsChannel == null ? -1 : ((InetSocketAddress) httpsChannel.localAddress()).getPort();
    }

    public int adminPort() {
        return ((InetSocketAddress) adminChannel.localAddress()).getPort();
    }

    /** What is live now, by path (streams and their renditions). */
    public HubRegistry hubs() {
        return hubs;
    }

    /** The admin token in use. */
    public AdminToken adminToken() {
        return token;
    }

    /** The admin base URL. */
    public String adminUrl() {
        return "http://" + (config.admin().host().equals("0.0.0.0") ? config.publicHost() : config.admin().host())
                + ":" + adminPort();
    }

    /** Stops accepting, ends every live stream, and releases every resource. Idempotent. */
    @Override
    public synchronized void close() {
        if (boss == null) {
            return;
        }
        log.info("stopping");
        if (cluster != null) {
            cluster.close(); // releases this node's leases: a backup takes over without waiting for expiry
        }
        if (rtmp != null) {
            rtmp.close();
        }
        if (whipUdp != null) {
            whipUdp.close();
            whipLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            dtlsPool.shutdownNow();
        }
        for (Channel c : new Channel[] {httpChannel, httpsChannel, adminChannel}) {
            if (c != null) {
                c.close().syncUninterruptibly();
            }
        }
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        packagerTicks.close();
        if (edge != null) {
            edge.close();
            edgeHttp.shutdownNow();
        }
        hls.closeAll();
        if (relays != null) {
            relays.close();
        }
        for (ExecutorService e : new ExecutorService[] {packagers, blocking, scheduler, cueDatabase}) {
            e.shutdown();
        }
        try {
            packagers.awaitTermination(2, TimeUnit.SECONDS);
            blocking.awaitTermination(2, TimeUnit.SECONDS);
            // A cue being written finishes before the database closes (review L10).
            cueDatabase.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
        if (gcMetrics != null) {
            gcMetrics.close();
        }
        meters.close();
        boss = null;
        log.info("stopped");
    }
}
