package io.cuecast.server.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes JSON and error responses the same way everywhere. */
public final class JsonHttp {
    private JsonHttp() {
    }

    /** Sends {@code body} as JSON (or an empty 204 when null). */
    public static void send(ChannelHandlerContext ctx, ObjectMapper json, HttpResponseStatus status, Object body,
                            boolean keepAlive) {
        byte[] bytes;
        try {
            bytes = body == null ? new byte[0] : json.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize response", e);
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        if (body != null) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        }
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        sendRaw(ctx, r, keepAlive);
    }

    /** Sends {@code {"error": {"code", "message"}}}. */
    public static void error(ChannelHandlerContext ctx, ObjectMapper json, HttpResponseStatus status, String code,
                             String message, boolean keepAlive) {
        error(ctx, json, status, code, message, keepAlive, 0);
    }

    /** An error with a Retry-After header when {@code retryAfterSeconds} is positive. */
    public static void error(ChannelHandlerContext ctx, ObjectMapper json, HttpResponseStatus status, String code,
                             String message, boolean keepAlive, long retryAfterSeconds) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("code", code);
        err.put("message", message);
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(Map.of("error", err));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize error", e);
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (retryAfterSeconds > 0) {
            r.headers().set(HttpHeaderNames.RETRY_AFTER, String.valueOf(retryAfterSeconds));
        }
        sendRaw(ctx, r, keepAlive);
    }

    /** Sends a built response, closing the connection unless keep-alive. */
    public static void sendRaw(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
        HttpUtil.setContentLength(r, r.content().readableBytes());
        if (keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(r);
        } else {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** A text response. */
    public static void text(ChannelHandlerContext ctx, HttpResponseStatus status, String contentType, String text,
                            boolean keepAlive) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        sendRaw(ctx, r, keepAlive);
    }
}
