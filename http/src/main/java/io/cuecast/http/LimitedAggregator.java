package io.cuecast.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Aggregates request bodies up to the port's limit; beyond it answers 413 naming the limit (and the
 * setting that raises it, on ports that have one) without reading the body into memory.
 */
public final class LimitedAggregator extends HttpObjectAggregator {
    private final int limit;
    private final String setting;

    /** @param setting the configuration key of {@code limit}, or null when it is fixed */
    public LimitedAggregator(int limit, String setting) {
        super(limit);
        this.limit = limit;
        this.setting = setting;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        Response error = Response.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large",
                "request body exceeds the limit of " + limit + " bytes" + (setting == null ? "" : " ('" + setting + "')"));
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, error.status(), error.body());
        r.headers().set(error.headers());
        HttpUtil.setContentLength(r, r.content().readableBytes());
        if (oversized instanceof FullHttpMessage || !HttpUtil.isKeepAlive(oversized)) {
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        } else {
            // Keep the connection: the aggregator discards the rest of this body, so a client still
            // sending it is not reset before it can read the answer.
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
    }
}
