package io.cuecast.ingest.rtmp;

import io.cuecast.config.CuecastConfig;
import io.cuecast.core.hub.HubRegistry;
import io.cuecast.ingest.PublishAuthorizer;
import io.cuecast.ingest.rtmp.codec.ChunkDecoder;
import io.cuecast.ingest.rtmp.codec.ChunkEncoder;
import io.cuecast.ingest.rtmp.codec.HandshakeHandler;
import io.cuecast.ingest.rtmp.codec.RtmpLimits;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;

/** Accepts RTMP publishers (Adobe RTMP 1.0) and feeds their streams into hubs. */
public final class RtmpServer implements AutoCloseable {
    private final CuecastConfig.Rtmp settings;
    private final PublishAuthorizer authorizer;
    private final HubRegistry hubs;
    private final RtmpMetrics metrics;
    private Channel channel;

    /** Creates the server; nothing is bound until {@link #start}. */
    public RtmpServer(CuecastConfig.Rtmp settings, PublishAuthorizer authorizer, HubRegistry hubs, RtmpMetrics metrics) {
        this.settings = settings;
        this.authorizer = authorizer;
        this.hubs = hubs;
        this.metrics = metrics;
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
                        ChunkDecoder chunks = new ChunkDecoder(settings.maxMessageBytes());
                        // Until it publishes, a connection only sends commands: keep what it can make us hold small.
                        chunks.heldLimit(RtmpLimits.HELD_BEFORE_PUBLISH);
                        ch.pipeline()
                                .addLast("handshake", new HandshakeHandler())
                                .addLast("decoder", chunks)
                                .addLast("encoder", new ChunkEncoder())
                                .addLast("connection", new RtmpConnection(settings, authorizer, hubs, metrics));
                    }
                })
                .bind(settings.host(), settings.port()).sync().channel();
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
