package io.cuecast.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.cuecast.server.admin.JsonHttp;
import io.cuecast.server.admin.LimitedAggregator;
import java.util.List;
import java.util.function.Supplier;

/** Builds the Netty HTTP/1.1 servers: codec, size-limited aggregation, handlers, then a 404. */
final class HttpServers {
    /** Request line and headers larger than this are refused by the codec (431/400). */
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    /** Idle keep-alive connections are closed after this many seconds. */
    private static final int IDLE_SECONDS = 60;

    private HttpServers() {
    }

    static Channel bind(String host, int port, EventLoopGroup boss, EventLoopGroup workers,
                        Class<? extends ServerChannel> type, int maxBody, Supplier<List<ChannelHandler>> handlers)
            throws InterruptedException {
        return new ServerBootstrap().group(boss, workers).channel(type)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        http1(ch.pipeline(), maxBody, handlers);
                    }
                })
                .bind(host, port).sync().channel();
    }

    /**
     * Plain HTTP serving HTTP/1.1 and cleartext HTTP/2 (h2c, RFC 9113 §3.3 prior knowledge, and the
     * RFC 7540 §3.2 Upgrade that Java's and other clients still send), so a CDN or edge can pull
     * LL-HLS over one multiplexed connection without TLS.
     */
    static Channel bindWithH2c(String host, int port, EventLoopGroup boss, EventLoopGroup workers,
                               Class<? extends ServerChannel> type, int maxBody,
                               Supplier<List<ChannelHandler>> handlers) throws InterruptedException {
        return new ServerBootstrap().group(boss, workers).channel(type)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        HttpServerCodec codec = new HttpServerCodec(4096, MAX_HEADER_BYTES, 64 * 1024);
                        io.netty.handler.codec.http.HttpServerUpgradeHandler upgrade =
                                new io.netty.handler.codec.http.HttpServerUpgradeHandler(codec, protocol ->
                                        io.netty.util.AsciiString.contentEquals(
                                                io.netty.handler.codec.http2.Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME,
                                                protocol)
                                                ? new io.netty.handler.codec.http2.Http2ServerUpgradeCodec(
                                                        io.netty.handler.codec.http2.Http2FrameCodecBuilder.forServer()
                                                                .build(), http2Streams(maxBody, handlers))
                                                : null);
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, IDLE_SECONDS));
                        ch.pipeline().addLast(new io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler(
                                codec, upgrade, new ChannelInboundHandlerAdapter() {
                                    // Takes the place of the HTTP/1 codec, before the HTTP/1 handlers.
                                    @Override
                                    public void handlerAdded(ChannelHandlerContext ctx) {
                                        // The multiplexer finds its frame codec when added: codec first.
                                        ChannelHandler frames = io.netty.handler.codec.http2.Http2FrameCodecBuilder
                                                .forServer().build();
                                        ctx.pipeline().addAfter(ctx.name(), null, frames);
                                        ctx.pipeline().addAfter(ctx.pipeline().context(frames).name(), null,
                                                http2Streams(maxBody, handlers));
                                        ctx.pipeline().remove(this);
                                    }
                                }));
                        ch.pipeline().addLast(new LimitedAggregator(maxBody));
                        for (ChannelHandler h : handlers.get()) {
                            ch.pipeline().addLast(h);
                        }
                        ch.pipeline().addLast(NOT_FOUND);
                    }
                })
                .bind(host, port).sync().channel();
    }

    /** Each HTTP/2 stream as a child channel speaking HTTP/1-style objects to the same handlers. */
    private static io.netty.handler.codec.http2.Http2MultiplexHandler http2Streams(
            int maxBody, Supplier<List<ChannelHandler>> handlers) {
        return new io.netty.handler.codec.http2.Http2MultiplexHandler(
                new ChannelInitializer<io.netty.handler.codec.http2.Http2StreamChannel>() {
                    @Override
                    protected void initChannel(io.netty.handler.codec.http2.Http2StreamChannel stream) {
                        stream.pipeline().addLast(new io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec(true));
                        stream.pipeline().addLast(new LimitedAggregator(maxBody));
                        for (ChannelHandler h : handlers.get()) {
                            stream.pipeline().addLast(h);
                        }
                        stream.pipeline().addLast(NOT_FOUND);
                    }
                });
    }

    private static void http1(io.netty.channel.ChannelPipeline p, int maxBody, Supplier<List<ChannelHandler>> handlers) {
        p.addLast(new IdleStateHandler(0, 0, IDLE_SECONDS));
        p.addLast(new HttpServerCodec(4096, MAX_HEADER_BYTES, 64 * 1024));
        p.addLast(new LimitedAggregator(maxBody));
        for (ChannelHandler h : handlers.get()) {
            p.addLast(h);
        }
        p.addLast(NOT_FOUND);
    }

    /**
     * HTTPS with ALPN: HTTP/2 when the client offers h2 (RFC 9113), else HTTP/1.1. Each HTTP/2 stream
     * becomes a child channel that speaks HTTP/1-style objects, so the same handlers serve both.
     */
    static Channel bindTls(String host, int port, io.netty.handler.ssl.SslContext ssl, EventLoopGroup boss,
                           EventLoopGroup workers, Class<? extends ServerChannel> type, int maxBody,
                           Supplier<List<ChannelHandler>> handlers) throws InterruptedException {
        return new ServerBootstrap().group(boss, workers).channel(type)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        ch.pipeline().addLast(new io.netty.handler.ssl.ApplicationProtocolNegotiationHandler(
                                io.netty.handler.ssl.ApplicationProtocolNames.HTTP_1_1) {
                            @Override
                            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                                if (io.netty.handler.ssl.ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                                    ctx.pipeline().addLast(new IdleStateHandler(0, 0, IDLE_SECONDS));
                                    ctx.pipeline().addLast(io.netty.handler.codec.http2.Http2FrameCodecBuilder
                                            .forServer().build());
                                    ctx.pipeline().addLast(http2Streams(maxBody, handlers));
                                } else {
                                    http1(ctx.pipeline(), maxBody, handlers);
                                }
                            }
                        });
                    }
                })
                .bind(host, port).sync().channel();
    }

    /** A server TLS context offering h2 then http/1.1 over ALPN, with the JDK's TLS. */
    static io.netty.handler.ssl.SslContext tlsContext(String certFile, String keyFile) {
        try {
            return io.netty.handler.ssl.SslContextBuilder
                    .forServer(new java.io.File(certFile), new java.io.File(keyFile))
                    .sslProvider(io.netty.handler.ssl.SslProvider.JDK)
                    .ciphers(io.netty.handler.codec.http2.Http2SecurityUtil.CIPHERS,
                            io.netty.handler.ssl.SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new io.netty.handler.ssl.ApplicationProtocolConfig(
                            io.netty.handler.ssl.ApplicationProtocolConfig.Protocol.ALPN,
                            io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            io.netty.handler.ssl.ApplicationProtocolNames.HTTP_2,
                            io.netty.handler.ssl.ApplicationProtocolNames.HTTP_1_1))
                    .build();
        } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot load the TLS certificate '" + certFile + "' and key '" + keyFile
                    + "': " + e.getMessage(), e);
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpServers.class);
    private static final ChannelHandler NOT_FOUND = new NotFound();

    @ChannelHandler.Sharable
    private static final class NotFound extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof FullHttpRequest req) {
                    if (req.decoderResult().isFailure()) {
                        JsonHttp.text(ctx, HttpResponseStatus.BAD_REQUEST, "text/plain; charset=utf-8",
                                "malformed HTTP request: " + req.decoderResult().cause().getMessage() + "\n", false);
                        return;
                    }
                    JsonHttp.text(ctx, HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8",
                            "not found: " + req.uri() + "\n", HttpUtil.isKeepAlive(req));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("http {}: closing after {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
