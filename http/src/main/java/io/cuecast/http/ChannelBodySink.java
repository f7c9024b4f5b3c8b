package io.cuecast.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** A {@link BodySink} over a Netty connection: HTTP/1.1 chunks, or DATA frames on an h2 stream. */
final class ChannelBodySink implements BodySink {
    private final ChannelHandlerContext ctx;
    private final boolean keepAlive;
    private final Response head;

    ChannelBodySink(ChannelHandlerContext ctx, boolean keepAlive, Response head) {
        this.ctx = ctx;
        this.keepAlive = keepAlive;
        this.head = head;
    }

    @Override
    public Executor executor() {
        return ctx.executor();
    }

    @Override
    public void schedule(Runnable task, long delayMs) {
        ctx.executor().schedule(task, delayMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onClose(Runnable task) {
        ctx.channel().closeFuture().addListener(f -> task.run());
    }

    @Override
    public boolean isOpen() {
        return ctx.channel().isActive();
    }

    @Override
    public void begin() {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, head.status());
        r.headers().set(head.headers());
        HttpUtil.setTransferEncodingChunked(r, true);
        if (keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        ctx.write(r);
    }

    @Override
    public void chunk(ByteBuf data) {
        ctx.writeAndFlush(new DefaultHttpContent(data));
    }

    @Override
    public void end() {
        ChannelFuture f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void abort() {
        ctx.close();
    }

    @Override
    public void respond(Response response) {
        ResponseWriter.writeWhole(ctx, keepAlive, false, response);
    }
}
