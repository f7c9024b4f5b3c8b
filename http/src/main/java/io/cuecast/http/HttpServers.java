package io.cuecast.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AsciiString;
import java.io.File;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * Builds the Netty HTTP servers of every port: codec, size-limited aggregation, then the port's
 * {@link RouterHandler}; HTTP/2 streams (h2c or h2 over TLS) get the same router as child channels.
 */
public final class HttpServers {
    /** Request line and headers larger than this are refused by the codec (431/400). */
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    /**
     * Connections with nothing read and nothing written (no write progress either: a client that
     * stopped reading its response counts as idle) are closed after this many seconds, on every
     * protocol: HTTP/1.1, h2c and h2 over TLS.
     */
    private static final int IDLE_SECONDS = 60;
    /**
     * Concurrent HTTP/2 streams per connection (RFC 9113 §6.5.2 SETTINGS_MAX_CONCURRENT_STREAMS), so
     * one connection holds at most this many requests and their responses; 100 is the floor the RFC
     * recommends and what browsers and CDNs expect.
     */
    public static final int MAX_CONCURRENT_STREAMS = 100;
    /** A channel buffering more than this for a slow client is unwritable until it drains to the low mark. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);
    /** The request-read deadline of ports that do not set one. */
    public static final long DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

    /** Decides at accept whether a connection may open (connection caps); told nothing else. */
    @FunctionalInterface
    public interface Admission {
        /** Every connection is admitted. */
        Admission ALL = ch -> true;

        /**
         * @return false to close {@code ch} at once; when true, the implementation releases whatever
         *     it counted when {@code ch} closes (its {@code closeFuture()})
         */
        boolean admit(SocketChannel ch);
    }

    /**
     * What one port serves.
     *
     * @param router the route table
     * @param maxBody largest request body aggregated
     * @param maxBodySetting the configuration key of {@code maxBody}, or null when it is fixed
     * @param requestTimeoutMs time from a request's first byte to the whole request (slowloris)
     * @param admission connection caps
     */
    public record Port(Router router, int maxBody, String maxBodySetting, long requestTimeoutMs, Admission admission) {
        /** A port with the default request deadline and no connection caps. */
        public Port(Router router, int maxBody, String maxBodySetting) {
            this(router, maxBody, maxBodySetting, DEFAULT_REQUEST_TIMEOUT_MS, Admission.ALL);
        }
    }

    private HttpServers() {
    }

    /** Plain HTTP/1.1 (the admin port). */
    public static Channel bind(String host, int port, EventLoopGroup boss, EventLoopGroup workers,
                               Class<? extends ServerChannel> type, Port spec) throws InterruptedException {
        RouterHandler handler = new RouterHandler(spec.router());
        return listen(host, port, boss, workers, type, spec, ch -> http1(ch.pipeline(), spec, handler));
    }

    /**
     * Plain HTTP serving HTTP/1.1 and cleartext HTTP/2 (h2c, RFC 9113 §3.3 prior knowledge, and the
     * RFC 7540 §3.2 Upgrade that Java's and other clients still send), so a CDN or edge can pull
     * LL-HLS over one multiplexed connection without TLS.
     */
    public static Channel bindWithH2c(String host, int port, EventLoopGroup boss, EventLoopGroup workers,
                                      Class<? extends ServerChannel> type, Port spec) throws InterruptedException {
        RouterHandler handler = new RouterHandler(spec.router());
        return listen(host, port, boss, workers, type, spec, ch -> {
            HttpServerCodec codec = new HttpServerCodec(4096, MAX_HEADER_BYTES, 64 * 1024);
            HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(codec, protocol ->
                    AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                            ? new Http2ServerUpgradeCodec(frameCodec(), http2Streams(spec, handler))
                            : null,
                    // A request that asks to upgrade may carry a body (Java's client upgrades its first
                    // request, a WHIP POST included); Netty's default of 0 answers it 413.
                    spec.maxBody());
            Http1Flow flow = new Http1Flow(spec.requestTimeoutMs());
            ch.pipeline().addLast(idle());
            ch.pipeline().addLast(flow.bytes());
            ch.pipeline().addLast(new CleartextHttp2ServerUpgradeHandler(codec, upgrade,
                    new ChannelInboundHandlerAdapter() {
                        // Takes the place of the HTTP/1 codec, before the HTTP/1 handlers.
                        @Override
                        public void handlerAdded(ChannelHandlerContext ctx) {
                            // The multiplexer finds its frame codec when added: codec first.
                            ChannelHandler frames = frameCodec();
                            ctx.pipeline().addAfter(ctx.name(), null, frames);
                            ctx.pipeline().addAfter(ctx.pipeline().context(frames).name(), null,
                                    http2Streams(spec, handler));
                            ctx.pipeline().remove(this);
                        }
                    }));
            ch.pipeline().addLast(new LimitedAggregator(spec.maxBody(), spec.maxBodySetting()));
            ch.pipeline().addLast(flow.requests());
            ch.pipeline().addLast(handler);
            ch.pipeline().addLast(new IdleCloser());
        });
    }

    /**
     * HTTPS with ALPN: HTTP/2 when the client offers h2 (RFC 9113), else HTTP/1.1. Each HTTP/2 stream
     * becomes a child channel that speaks HTTP/1-style objects, so the same router serves both.
     */
    public static Channel bindTls(String host, int port, SslContext ssl, EventLoopGroup boss, EventLoopGroup workers,
                                  Class<? extends ServerChannel> type, Port spec) throws InterruptedException {
        RouterHandler handler = new RouterHandler(spec.router());
        return listen(host, port, boss, workers, type, spec, ch -> {
            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
            ch.pipeline().addLast(new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                @Override
                protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                        h2(ctx.pipeline(), spec, handler);
                    } else {
                        http1(ctx.pipeline(), spec, handler);
                    }
                }
            });
        });
    }

    private static Channel listen(String host, int port, EventLoopGroup boss, EventLoopGroup workers,
                                  Class<? extends ServerChannel> type, Port spec, Consumer<SocketChannel> pipeline)
            throws InterruptedException {
        return new ServerBootstrap().group(boss, workers).channel(type)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (!spec.admission().admit(ch)) {
                            ch.close();
                            return;
                        }
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
        Http1Flow flow = new Http1Flow(spec.requestTimeoutMs());
        p.addLast(idle());
        p.addLast(flow.bytes());
        p.addLast(new HttpServerCodec(4096, MAX_HEADER_BYTES, 64 * 1024));
        p.addLast(new LimitedAggregator(spec.maxBody(), spec.maxBodySetting()));
        p.addLast(flow.requests());
        p.addLast(handler);
        p.addLast(new IdleCloser());
    }

    /** An HTTP/2 connection (after ALPN): frames, streams, and closing when idle. */
    static void h2(ChannelPipeline p, Port spec, RouterHandler handler) {
        p.addLast(idle());
        p.addLast(frameCodec());
        p.addLast(http2Streams(spec, handler));
        p.addLast(new IdleCloser());
    }

    /** Idle by reads, writes and write progress (a client not reading its response makes no progress). */
    private static IdleStateHandler idle() {
        return new IdleStateHandler(true, 0, 0, IDLE_SECONDS, TimeUnit.SECONDS);
    }

    /** The server's HTTP/2 frame codec, announcing {@link #MAX_CONCURRENT_STREAMS}. */
    static Http2FrameCodec frameCodec() {
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(MAX_CONCURRENT_STREAMS))
                .build();
    }

    /** Closes a connection on an idle event, the last handler of every connection's pipeline. */
    static final class IdleCloser extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
                return;
            }
            super.userEventTriggered(ctx, evt);
        }
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
