package io.cuecast.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.cuecast.server.StreamService;
import io.cuecast.server.cues.CueService;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP API ({@code /api/v1}, bearer token), {@code /metrics} (Prometheus text) and
 * {@code /healthz}. The event loop only parses; the database work runs on {@code blocking}.
 */
@ChannelHandler.Sharable
public final class AdminApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(AdminApiHandler.class);
    private static final String STREAMS = "/api/v1/streams";

    private final StreamService streams;
    private final CueService cues;
    private final byte[] token;
    private final Executor blocking;
    private final Supplier<String> metrics;
    private final ObjectMapper json = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * @param metrics renders the Prometheus text exposition
     */
    public AdminApiHandler(StreamService streams, CueService cues, String token, Executor blocking,
                           Supplier<String> metrics) {
        this.streams = streams;
        this.cues = cues;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.blocking = blocking;
        this.metrics = metrics;
    }

    /** A parsed request, detached from Netty buffers so it can cross threads. */
    private record Call(HttpMethod method, String path, String authorization, String contentType, byte[] body,
                        boolean keepAlive) {}

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        String path = new QueryStringDecoder(req.uri()).path();
        Call call = new Call(req.method(), path, req.headers().get(HttpHeaderNames.AUTHORIZATION),
                req.headers().get(HttpHeaderNames.CONTENT_TYPE), ByteBufUtil.getBytes(req.content()),
                HttpUtil.isKeepAlive(req));
        try {
            blocking.execute(() -> handle(ctx, call));
        } catch (RejectedExecutionException e) {
            JsonHttp.error(ctx, json, HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting_down", "server is stopping",
                    false);
        }
    }

    private void handle(ChannelHandlerContext ctx, Call call) {
        try {
            route(ctx, call);
        } catch (ApiException e) {
            JsonHttp.error(ctx, json, e.status(), e.code(), e.getMessage(), call.keepAlive(), e.retryAfterSeconds());
        } catch (RuntimeException e) {
            log.error("admin {} {} failed", call.method(), call.path(), e);
            JsonHttp.error(ctx, json, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error",
                    "internal error: " + e.getMessage(), call.keepAlive());
        }
    }

    private void route(ChannelHandlerContext ctx, Call call) {
        String path = call.path();
        if (path.equals("/metrics")) {
            requireMethod(call, HttpMethod.GET);
            JsonHttp.text(ctx, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8", metrics.get(),
                    call.keepAlive());
            return;
        }
        if (path.equals("/healthz")) {
            requireMethod(call, HttpMethod.GET);
            JsonHttp.send(ctx, json, HttpResponseStatus.OK, Map.of("status", "ok"), call.keepAlive());
            return;
        }
        if (!path.startsWith("/api/")) {
            throw new ApiException(HttpResponseStatus.NOT_FOUND, "not_found", "no such endpoint: " + path);
        }
        authorize(call);
        if (path.equals(STREAMS) || path.equals(STREAMS + "/")) {
            if (call.method().equals(HttpMethod.GET)) {
                JsonHttp.send(ctx, json, HttpResponseStatus.OK, Map.of("streams", streams.list()), call.keepAlive());
            } else if (call.method().equals(HttpMethod.POST)) {
                CreateStreamRequest body = parse(call, CreateStreamRequest.class);
                JsonHttp.send(ctx, json, HttpResponseStatus.CREATED, streams.create(body == null ? null : body.name()),
                        call.keepAlive());
            } else {
                throw notAllowed(call, "GET, POST");
            }
            return;
        }
        if (path.startsWith(STREAMS + "/")) {
            List<String> rest = List.of(path.substring(STREAMS.length() + 1).split("/", -1));
            String id = rest.get(0);
            if (rest.size() == 1) {
                if (call.method().equals(HttpMethod.GET)) {
                    JsonHttp.send(ctx, json, HttpResponseStatus.OK, streams.get(id), call.keepAlive());
                } else if (call.method().equals(HttpMethod.DELETE)) {
                    streams.delete(id);
                    JsonHttp.send(ctx, json, HttpResponseStatus.NO_CONTENT, null, call.keepAlive());
                } else {
                    throw notAllowed(call, "GET, DELETE");
                }
                return;
            }
            if (rest.size() == 2 && rest.get(1).equals("cues")) {
                if (call.method().equals(HttpMethod.POST)) {
                    requireJson(call);
                    JsonHttp.send(ctx, json, HttpResponseStatus.CREATED, CueService.view(cues.create(id, call.body())),
                            call.keepAlive());
                } else if (call.method().equals(HttpMethod.GET)) {
                    JsonHttp.send(ctx, json, HttpResponseStatus.OK,
                            Map.of("cues", cues.list(id).stream().map(CueService::view).toList()), call.keepAlive());
                } else {
                    throw notAllowed(call, "GET, POST");
                }
                return;
            }
            if (rest.size() == 3 && rest.get(1).equals("cues")) {
                requireMethod(call, HttpMethod.DELETE);
                JsonHttp.send(ctx, json, HttpResponseStatus.OK, CueService.view(cues.cancel(id, rest.get(2))),
                        call.keepAlive());
                return;
            }
            if (rest.size() == 2 && rest.get(1).equals("ladder")) {
                if (call.method().equals(HttpMethod.GET)) {
                    JsonHttp.send(ctx, json, HttpResponseStatus.OK, streams.ladder(id), call.keepAlive());
                } else if (call.method().equals(HttpMethod.PUT)) {
                    requireJson(call);
                    JsonHttp.send(ctx, json, HttpResponseStatus.OK, streams.setLadder(id, call.body()),
                            call.keepAlive());
                } else if (call.method().equals(HttpMethod.DELETE)) {
                    JsonHttp.send(ctx, json, HttpResponseStatus.OK, streams.resetLadder(id), call.keepAlive());
                } else {
                    throw notAllowed(call, "GET, PUT, DELETE");
                }
                return;
            }
            if (rest.size() == 2 && rest.get(1).equals("key")) {
                requireMethod(call, HttpMethod.POST);
                JsonHttp.send(ctx, json, HttpResponseStatus.OK, streams.rotateKey(id), call.keepAlive());
                return;
            }
        }
        throw new ApiException(HttpResponseStatus.NOT_FOUND, "not_found", "no such endpoint: " + path);
    }

    private void authorize(Call call) {
        String header = call.authorization();
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                    "missing 'Authorization: Bearer <admin token>' header");
        }
        byte[] offered = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(offered, token)) {
            throw new ApiException(HttpResponseStatus.UNAUTHORIZED, "unauthorized", "wrong admin token");
        }
    }

    private static void requireMethod(Call call, HttpMethod method) {
        if (!call.method().equals(method)) {
            throw notAllowed(call, method.name());
        }
    }

    private static ApiException notAllowed(Call call, String allowed) {
        return new ApiException(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                call.method() + " is not allowed on " + call.path() + " (allowed: " + allowed + ")");
    }

    private static void requireJson(Call call) {
        String ct = call.contentType();
        if (ct != null && !ct.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                    "request body must be application/json, got '" + ct + "'");
        }
    }

    private <T> T parse(Call call, Class<T> type) {
        if (call.body().length == 0) {
            return null;
        }
        String ct = call.contentType();
        if (ct != null && !ct.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                    "request body must be application/json, got '" + ct + "'");
        }
        try {
            return json.readValue(call.body(), type);
        } catch (UnrecognizedPropertyException e) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "unknown_field",
                    "unknown field '" + e.getPropertyName() + "' (known: " + e.getKnownPropertyIds() + ")");
        } catch (MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? "body" : e.getPath().get(e.getPath().size() - 1).getFieldName();
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "invalid_field",
                    "'" + field + "' has the wrong type: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "invalid_json",
                    "request body is not valid JSON: " + e.getOriginalMessage() + " at line "
                            + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (java.io.IOException e) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "invalid_json", "cannot read body: " + e.getMessage());
        }
    }
}
