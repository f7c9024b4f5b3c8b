package io.cuecast.ingest.rtmp;

import io.cuecast.config.CuecastConfig;
import io.cuecast.core.hub.HubRegistry;
import io.cuecast.core.net.ConnectionLimits;
import io.cuecast.ingest.PublishAuthorizer;
import io.cuecast.rtmp.ChunkDecoder;
import io.cuecast.rtmp.ChunkEncoder;
import io.cuecast.rtmp.HandshakeHandler;
import io.cuecast.rtmp.RtmpLimits;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Accepts RTMP publishers (Adobe RTMP 1.0) and feeds their streams into hubs. */
public final class RtmpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RtmpServer.class);
    private static final long REFUSAL_LOG_INTERVAL_NANOS = 10_000_000_000L;
    private final CuecastConfig.Rtmp settings;
    private final PublishAuthorizer authorizer;
    private final HubRegistry hubs;
    private final RtmpMetrics metrics;
    private final ConnectionLimits limits;
    private final int maxLiveStreams;
    /** When a refusal was last logged: a flood of refused connections logs one line per interval. */
    private final AtomicLong lastRefusalLog = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong refusedSinceLog = new AtomicLong();
    private Channel channel;

    /** Creates the server with no bound on live streams; nothing is bound until {@link #start}. */
    public RtmpServer(CuecastConfig.Rtmp settings, PublishAuthorizer authorizer, HubRegistry hubs, RtmpMetrics metrics) {
        this(settings, authorizer, hubs, metrics, Integer.MAX_VALUE);
    }

    /**
     * Creates the server; nothing is bound until {@link #start}.
     *
     * @param maxLiveStreams live streams the server's memory carries; a publish of one more is refused
     */
    public RtmpServer(CuecastConfig.Rtmp settings, PublishAuthorizer authorizer, HubRegistry hubs, RtmpMetrics metrics,
                      int maxLiveStreams) {
        this.maxLiveStreams = maxLiveStreams;
        this.settings = settings;
        this.authorizer = authorizer;
        this.hubs = hubs;
        this.metrics = metrics;
        this.limits = new ConnectionLimits(settings.maxConnections(), settings.maxConnectionsPerAddress());
    }

    /** Binds the port on the given event loops. */
    public void start(EventLoopGroup boss, EventLoopGroup workers, Class<? extends ServerChannel> type)
            throws InterruptedException {
        channel = new ServerBootstrap()
                .group(boss, workers)
                .channel(type)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (!admit(ch)) {
                            return;
                        }
                        ChunkDecoder chunks = new ChunkDecoder(settings.maxMessageBytes());
                        // Until it publishes, a connection only sends commands: keep what it can make us hold small.
                        chunks.heldLimit(RtmpLimits.HELD_BEFORE_PUBLISH);
                        ch.pipeline()
                                .addLast("handshake", new HandshakeHandler())
                                .addLast("decoder", chunks)
                                .addLast("encoder", new ChunkEncoder())
                                .addLast("connection", new RtmpConnection(settings, authorizer, hubs, metrics, maxLiveStreams));
                    }
                })
                .bind(settings.host(), settings.port()).sync().channel();
    }

    /**
     * Applies {@code rtmp.maxConnections} and {@code rtmp.maxConnectionsPerAddress} at accept: a
     * refused socket is closed before a byte is read (an RTMP client reports the connection as reset).
     */
    private boolean admit(SocketChannel ch) {
        InetAddress address = ch.remoteAddress().getAddress();
        ConnectionLimits.Refusal refusal = limits.tryOpen(address);
        if (refusal == null) {
            ch.closeFuture().addListener(f -> limits.close(address));
            return true;
        }
        metrics.refused(refusal == ConnectionLimits.Refusal.TOTAL ? "max_connections" : "max_connections_per_address");
        long refused = refusedSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long last = lastRefusalLog.get();
        if ((last == Long.MIN_VALUE || now - last > REFUSAL_LOG_INTERVAL_NANOS) && lastRefusalLog.compareAndSet(last, now)) {
            refusedSinceLog.set(0);
            log.warn("rtmp {}: connection refused, {} ({} refused since the last such line)", ch.remoteAddress(),
                    refusal == ConnectionLimits.Refusal.TOTAL
                            ? "rtmp.maxConnections (" + settings.maxConnections() + ") reached"
                            : "rtmp.maxConnectionsPerAddress (" + settings.maxConnectionsPerAddress() + ") reached",
                    refused);
        }
        ch.close();
        return false;
    }

    /** Connections admitted and still open. */
    public int openConnections() {
        return limits.open();
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }
}
