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
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, IDLE_SECONDS));
                        ch.pipeline().addLast(new HttpServerCodec(4096, MAX_HEADER_BYTES, 64 * 1024));
                        ch.pipeline().addLast(new LimitedAggregator(maxBody));
                        for (ChannelHandler h : handlers.get()) {
                            ch.pipeline().addLast(h);
                        }
                        ch.pipeline().addLast(NOT_FOUND);
                    }
                })
                .bind(host, port).sync().channel();
    }

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
            ctx.close();
        }
    }
}
