package io.cuecast.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One answer: status, headers and either a whole body (owned: the writer sends or releases it) or
 * a {@link StreamingBody}. The writer adds Content-Length and Connection.
 */
public final class Response {
    /** The JSON the API speaks: records and maps to bytes. */
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final String TEXT = "text/plain; charset=utf-8";

    private final HttpResponseStatus status;
    private final HttpHeaders headers = new DefaultHttpHeaders();
    private final ByteBuf body;
    private final StreamingBody streaming;

    private Response(HttpResponseStatus status, ByteBuf body, StreamingBody streaming) {
        this.status = status;
        this.body = body;
        this.streaming = streaming;
    }

    /** A body of {@code contentType}; the response owns {@code body}. */
    public static Response of(HttpResponseStatus status, String contentType, ByteBuf body) {
        Response r = new Response(status, body, null);
        r.headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        return r;
    }

    /** {@code value} as JSON, never cached; an empty body when null (a 204). */
    public static Response json(HttpResponseStatus status, Object value) {
        if (value == null) {
            return empty(status).header(HttpHeaderNames.CACHE_CONTROL, "no-store");
        }
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a " + value.getClass().getSimpleName(), e);
        }
        return of(status, "application/json", Unpooled.wrappedBuffer(bytes))
                .header(HttpHeaderNames.CACHE_CONTROL, "no-store");
    }

    /** Plain UTF-8 text. */
    public static Response text(HttpResponseStatus status, String text) {
        return of(status, TEXT, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    /** {@code {"error": {"code", "message"}}}, never cached. */
    public static Response error(HttpResponseStatus status, String code, String message) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("code", code);
        err.put("message", message);
        return json(status, Map.of("error", err));
    }

    /** No body. */
    public static Response empty(HttpResponseStatus status) {
        return new Response(status, Unpooled.EMPTY_BUFFER, null);
    }

    /** A body written as it is produced, with chunked transfer encoding (DATA frames over h2). */
    public static Response streamed(HttpResponseStatus status, String contentType, StreamingBody body) {
        Response r = new Response(status, null, body);
        r.headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        return r;
    }

    /** Sets a header; returns this response. */
    public Response header(CharSequence name, Object value) {
        headers.set(name, value);
        return this;
    }

    public HttpResponseStatus status() {
        return status;
    }

    public HttpHeaders headers() {
        return headers;
    }

    /** The whole body, null for a streamed response. */
    public ByteBuf body() {
        return body;
    }

    /** The streamed body, null for a whole one. */
    public StreamingBody streaming() {
        return streaming;
    }

    /** The body as UTF-8 text, for tests and logs (does not consume it). */
    public String bodyText() {
        return body == null ? "" : body.toString(StandardCharsets.UTF_8);
    }

    /** Releases a whole body that will not be sent. */
    public void discard() {
        if (body != null && body.refCnt() > 0) {
            body.release();
        }
    }
}
