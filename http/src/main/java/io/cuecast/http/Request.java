package io.cuecast.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * One HTTP request, detached from Netty's buffers and from the connection, so a handler can run on
 * any thread and be tested without a socket.
 *
 * @param method the method
 * @param path the decoded path, without the query
 * @param query the query parameters
 * @param headers the request headers
 * @param body the body, empty when none
 * @param keepAlive whether the connection stays open after the answer
 * @param params the path template's parameters, filled in by the router
 * @param executor the connection's thread: a handler that waits (a blocking playlist reload) finishes
 *     its answer there, never on the thread that woke it
 * @param remote the client's address (the rate limits of WHIP offers), null for requests made in process
 */
public record Request(HttpMethod method, String path, Map<String, List<String>> query, HttpHeaders headers,
                      byte[] body, boolean keepAlive, Map<String, String> params, Executor executor,
                      InetSocketAddress remote) {
    private static final byte[] NO_BODY = new byte[0];

    /** Copies what a handler needs out of a Netty request (the caller still releases it). */
    public static Request of(FullHttpRequest req, Executor connection, SocketAddress remote) {
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        return new Request(req.method(), q.path(), q.parameters(), req.headers().copy(),
                req.content().isReadable() ? ByteBufUtil.getBytes(req.content()) : NO_BODY, HttpUtil.isKeepAlive(req),
                Map.of(), connection, remote instanceof InetSocketAddress a ? a : null);
    }

    /** A request built by hand, for tests and internal calls. */
    public static Request of(HttpMethod method, String uri, HttpHeaders headers, byte[] body) {
        QueryStringDecoder q = new QueryStringDecoder(uri);
        return new Request(method, q.path(), q.parameters(), headers, body, true, Map.of(), Runnable::run, null);
    }

    /** A bodiless request without headers. */
    public static Request of(HttpMethod method, String uri) {
        return of(method, uri, new DefaultHttpHeaders(), NO_BODY);
    }

    /** The same request with the template's parameters. */
    public Request withParams(Map<String, String> values) {
        return new Request(method, path, query, headers, body, keepAlive, Map.copyOf(values), executor, remote);
    }

    /** A path parameter; the router only calls a handler whose template declares it. */
    public String param(String name) {
        String v = params.get(name);
        if (v == null) {
            throw new IllegalArgumentException("the route has no parameter {" + name + "}");
        }
        return v;
    }

    /** A header value, or null. */
    public String header(CharSequence name) {
        return headers.get(name);
    }

    /** The first value of a query parameter. */
    public Optional<String> queryFirst(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /** True for HEAD: the writer sends the headers of the GET answer without its body. */
    public boolean isHead() {
        return HttpMethod.HEAD.equals(method);
    }
}
