package io.cuecast.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AsciiString;
import java.io.File;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * Builds the Netty HTTP servers of every port: codec, size-limited aggregation, then the port's
 * {@link RouterHandler}; HTTP/2 streams (h2c or h2 over TLS) get the same router as child channels.
 */
public final class HttpServers {
    /** Request line and headers larger than this are refused by the codec (431/400). */
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    /** Idle keep-alive connections are closed after this many seconds. */
    private static final int IDLE_SECONDS = 60;

    /**
     * What one port serves.
     *
     * @param router the route table
     * @param maxBody largest request body aggregated
     * @param maxBodySetting the configuration key of {@code maxBody}, or null when it is fixed
     */
    public record Port(Router router, int maxBody, String maxBodySetting) {}

    private HttpServers() {
    }

    /** Plain HTTP/1.1 (the admin port). */
    public static Channel bind(String host, int port, EventLoopGroup boss, EventLoopGroup workers,
                               Class<? extends ServerChannel> type, Port spec) throws InterruptedException {
        RouterHandler handler = new RouterHandler(spec.router());
        return listen(host, port, boss, workers, type, ch -> http1(ch.pipeline(), spec, handler));
    }

    /**
     * Plain HTTP serving HTTP/1.1 and cleartext HTTP/2 (h2c, RFC 9113 §3.3 prior knowledge, and the
     * RFC 7540 §3.2 Upgrade that Java's and other clients still send), so a CDN or edge can pull
     * LL-HLS over one multiplexed connection without TLS.
     */
    public static Channel bindWithH2c(String host, int port, EventLoopGroup boss, EventLoopGroup workers,
                                      Class<? extends ServerChannel> type, Port spec) throws InterruptedException {
        RouterHandler handler = new RouterHandler(spec.router());
        return listen(host, port, boss, workers, type, ch -> {
            HttpServerCodec codec = new HttpServerCodec(4096, MAX_HEADER_BYTES, 64 * 1024);
            HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(codec, protocol ->
                    AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                            ? new Http2ServerUpgradeCodec(Http2FrameCodecBuilder.forServer().build(),
                                    http2Streams(spec, handler))
                            : null);
            ch.pipeline().addLast(new IdleStateHandler(0, 0, IDLE_SECONDS));
            ch.pipeline().addLast(new CleartextHttp2ServerUpgradeHandler(codec, upgrade,
                    new ChannelInboundHandlerAdapter() {
                        // Takes the place of the HTTP/1 codec, before the HTTP/1 handlers.
                        @Override
                        public void handlerAdded(ChannelHandlerContext ctx) {
                            // The multiplexer finds its frame codec when added: codec first.
                            ChannelHandler frames = Http2FrameCodecBuilder.forServer().build();
                            ctx.pipeline().addAfter(ctx.name(), null, frames);
                            ctx.pipeline().addAfter(ctx.pipeline().context(frames).name(), null,
                                    http2Streams(spec, handler));
                            ctx.pipeline().remove(this);
                        }
                    }));
            ch.pipeline().addLast(new LimitedAggregator(spec.maxBody(), spec.maxBodySetting()));
            ch.pipeline().addLast(handler);
        });
    }

    /**
     * HTTPS with ALPN: HTTP/2 when the client offers h2 (RFC 9113), else HTTP/1.1. Each HTTP/2 stream
     * becomes a child channel that speaks HTTP/1-style objects, so the same router serves both.
     */
    public static Channel bindTls(String host, int port, SslContext ssl, EventLoopGroup boss, EventLoopGroup workers,
                                  Class<? extends ServerChannel> type, Port spec) throws InterruptedException {
        RouterHandler handler = new RouterHandler(spec.router());
        return listen(host, port, boss, workers, type, ch -> {
            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
            ch.pipeline().addLast(new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                @Override
                protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                        ctx.pipeline().addLast(new IdleStateHandler(0, 0, IDLE_SECONDS));
                        ctx.pipeline().addLast(Http2FrameCodecBuilder.forServer().build());
                        ctx.pipeline().addLast(http2Streams(spec, handler));
                    } else {
                        http1(ctx.pipeline(), spec, handler);
                    }
                }
            });
        });
    }

    private static Channel listen(String host, int port, EventLoopGroup boss, EventLoopGroup workers,
                                  Class<? extends ServerChannel> type, Consumer<SocketChannel> pipeline)
            throws InterruptedException {
        return new ServerBootstrap().group(boss, workers).channel(type)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        pipeline.accept(ch);
                    }
                })
                .bind(host, port).sync().channel();
    }

    /** Each HTTP/2 stream as a child channel speaking HTTP/1-style objects to the same router. */
    private static Http2MultiplexHandler http2Streams(Port spec, RouterHandler handler) {
        return new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true));
                stream.pipeline().addLast(new LimitedAggregator(spec.maxBody(), spec.maxBodySetting()));
                stream.pipeline().addLast(handler);
            }
        });
    }

    private static void http1(ChannelPipeline p, Port spec, RouterHandler handler) {
        p.addLast(new IdleStateHandler(0, 0, IDLE_SECONDS));
        p.addLast(new HttpServerCodec(4096, MAX_HEADER_BYTES, 64 * 1024));
        p.addLast(new LimitedAggregator(spec.maxBody(), spec.maxBodySetting()));
        p.addLast(handler);
    }

    /** A server TLS context offering h2 then http/1.1 over ALPN, with the JDK's TLS. */
    public static SslContext tlsContext(String certFile, String keyFile) {
        try {
            return SslContextBuilder.forServer(new File(certFile), new File(keyFile))
                    .sslProvider(SslProvider.JDK)
                    .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(
                            ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot load the TLS certificate '" + certFile + "' and key '" + keyFile
                    + "': " + e.getMessage(), e);
        }
    }
}
