package io.cuecast.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Writes a {@link Response} on a connection, the same way on every port: Content-Length, keep-alive
 * or close, HEAD without the body. Call on the connection's event loop.
 */
public final class ResponseWriter {
    private ResponseWriter() {
    }

    /** Sends {@code r} as the answer to {@code request}. */
    public static void write(ChannelHandlerContext ctx, Request request, Response r) {
        if (r.streaming() != null) {
            if (request.isHead() || !ctx.channel().isActive()) {
                // A HEAD has no body to stream: the headers say what a GET would get.
                writeWhole(ctx, request.keepAlive(), true, r);
                return;
            }
            ChannelBodySink sink = new ChannelBodySink(ctx, request.keepAlive(), r);
            r.streaming().start(sink);
            return;
        }
        writeWhole(ctx, request.keepAlive(), request.isHead(), r);
    }

    static void writeWhole(ChannelHandlerContext ctx, boolean keepAlive, boolean head, Response r) {
        int length = r.body() == null ? 0 : r.body().readableBytes();
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status(),
                head || r.body() == null ? Unpooled.EMPTY_BUFFER : r.body());
        if (head) {
            r.discard();
        }
        out.headers().set(r.headers());
        HttpUtil.setContentLength(out, length);
        finish(ctx, keepAlive, out);
    }

    private static void finish(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse out) {
        if (keepAlive) {
            out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(out);
        } else {
            out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ChannelFuture f = ctx.writeAndFlush(out);
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
