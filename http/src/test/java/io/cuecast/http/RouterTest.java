package io.cuecast.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The router without a socket: a table of requests and the answers they must get. */
class RouterTest {
    /** Domain errors of a service that knows no HTTP, mapped in one place. */
    static final class NotFound extends RuntimeException {
        NotFound(String m) {
            super(m);
        }
    }

    private static Handler echo(String name) {
        return r -> CompletableFuture.completedFuture(Response.text(HttpResponseStatus.OK, name + " " + r.params()));
    }

    private static final Filter BEARER = r -> "Bearer t".equals(r.header(HttpHeaderNames.AUTHORIZATION)) ? null
            : Response.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized", "wrong admin token");

    static final Router ROUTER = Router.builder(ErrorStyle.JSON)
            .errors(e -> e instanceof NotFound ? new HttpError(HttpResponseStatus.NOT_FOUND, "stream_not_found",
                    e.getMessage()) : null)
            .get("/healthz", echo("health"))
            .filter(BEARER)
            .get("/api/v1/streams", echo("list"))
            .maxBody(16)
            .post("/api/v1/streams", echo("create"))
            .maxBody(0)
            .get("/api/v1/streams/{id}", echo("get"))
            .delete("/api/v1/streams/{id}", echo("delete"))
            .delete("/api/v1/streams/{id}/cues/{cueId}", echo("cancel"))
            .get("/api/v1/streams/{id}/missing", r -> {
                throw new NotFound("no stream with id '" + r.param("id") + "'");
            })
            .get("/api/v1/streams/{id}/later", r -> CompletableFuture.failedFuture(new NotFound("later")))
            .get("/api/v1/streams/{id}/bug", r -> {
                throw new IllegalStateException("boom");
            })
            .get("/api/v1/bad", r -> {
                throw new HttpError(HttpResponseStatus.TOO_MANY_REQUESTS, "rate_limited", "slow down", 2);
            })
            .get("/files/{path...}", echo("file"))
            .build();

    static Stream<Arguments> table() {
        return Stream.of(
                // method, uri, authorized, body, status, body contains, Allow
                Arguments.of("GET", "/healthz", false, "", 200, "health {}", null),
                Arguments.of("GET", "/api/v1/streams", false, "", 401, "\"code\":\"unauthorized\"", null),
                Arguments.of("GET", "/api/v1/streams", true, "", 200, "list {}", null),
                Arguments.of("GET", "/api/v1/streams/", true, "", 200, "list {}", null),
                Arguments.of("GET", "/api/v1/streams/abc?x=1", true, "", 200, "get {id=abc}", null),
                Arguments.of("DELETE", "/api/v1/streams/abc/cues/cue_1", true, "", 200, "cancel {", null),
                Arguments.of("PUT", "/api/v1/streams/abc", true, "", 405, "PUT is not allowed on /api/v1/streams/abc",
                        "GET, DELETE, HEAD"),
                Arguments.of("DELETE", "/api/v1/streams", true, "", 405, "method_not_allowed", "GET, POST, HEAD"),
                Arguments.of("GET", "/api/v2/streams", true, "", 404, "no such endpoint: /api/v2/streams", null),
                Arguments.of("GET", "/api/v1/streams/abc/extra/more", true, "", 404, "not_found", null),
                Arguments.of("GET", "/api/v1/streams//cues", true, "", 404, "not_found", null),
                Arguments.of("POST", "/api/v1/streams", true, "{\"name\":\"x\"}", 200, "create", null),
                Arguments.of("POST", "/api/v1/streams", true, "{\"name\":\"a much longer name\"}", 413,
                        "over this endpoint's limit of 16 bytes", null),
                Arguments.of("GET", "/api/v1/streams/abc", true, "x", 413, "payload_too_large", null),
                Arguments.of("GET", "/api/v1/streams/abc/missing", true, "", 404,
                        "{\"code\":\"stream_not_found\",\"message\":\"no stream with id 'abc'\"}", null),
                Arguments.of("GET", "/api/v1/streams/abc/later", true, "", 404, "stream_not_found", null),
                // Review L4: the exception's text (SQL, paths) stays in the log, not in the answer.
                Arguments.of("GET", "/api/v1/streams/abc/bug", true, "", 500, "internal error (reference ", null),
                Arguments.of("GET", "/files/a/b/c.js", true, "", 200, "file {path=a/b/c.js}", null),
                Arguments.of("GET", "/files", true, "", 404, "not_found", null));
    }

    @ParameterizedTest(name = "{0} {1} → {4}")
    @MethodSource("table")
    void routes(String method, String uri, boolean authorized, String body, int status, String contains,
                String allow) {
        DefaultHttpHeaders headers = new DefaultHttpHeaders();
        if (authorized) {
            headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer t");
        }
        Response r = ROUTER.dispatch(Request.of(HttpMethod.valueOf(method), uri, headers,
                body.getBytes(StandardCharsets.UTF_8))).toCompletableFuture().join();
        assertThat(r.status().code()).as(r.bodyText()).isEqualTo(status);
        assertThat(r.bodyText()).contains(contains);
        assertThat(r.headers().get(HttpHeaderNames.ALLOW)).isEqualTo(allow);
    }

    @Test
    void anInternalErrorsTextStaysInTheLog() {
        DefaultHttpHeaders h = new DefaultHttpHeaders();
        h.set(HttpHeaderNames.AUTHORIZATION, "Bearer t");
        Response r = ROUTER.dispatch(Request.of(HttpMethod.GET, "/api/v1/streams/abc/bug", h, new byte[0]))
                .toCompletableFuture().join();
        assertThat(r.status().code()).isEqualTo(500);
        assertThat(r.bodyText()).doesNotContain("boom");
    }

    @Test
    void headIsAnsweredByTheGetRoute() {
        Response r = ROUTER.dispatch(Request.of(HttpMethod.HEAD, "/healthz")).toCompletableFuture().join();
        assertThat(r.status().code()).isEqualTo(200);
        assertThat(r.bodyText()).isEqualTo("health {}");
    }

    @Test
    void retryAfterComesWithTheError() {
        DefaultHttpHeaders h = new DefaultHttpHeaders();
        h.set(HttpHeaderNames.AUTHORIZATION, "Bearer t");
        Response r = ROUTER.dispatch(Request.of(HttpMethod.GET, "/api/v1/bad", h, new byte[0]))
                .toCompletableFuture().join();
        assertThat(r.status().code()).isEqualTo(429);
        assertThat(r.headers().get("Retry-After")).isEqualTo("2");
    }

    @Test
    void handlersRunOnTheRoutesExecutorAndAStoppedPoolIs503() {
        List<Runnable> queued = new ArrayList<>();
        Executor later = queued::add;
        Executor stopped = task -> {
            throw new RejectedExecutionException("stopped");
        };
        Router r = Router.builder(ErrorStyle.TEXT)
                .executor(later).get("/a", echo("a"))
                .executor(stopped).get("/b", echo("b"))
                .build();
        CompletableFuture<Response> a = r.dispatch(Request.of(HttpMethod.GET, "/a")).toCompletableFuture();
        assertThat(a).isNotDone();
        queued.forEach(Runnable::run);
        assertThat(a.join().bodyText()).isEqualTo("a {}");
        Response b = r.dispatch(Request.of(HttpMethod.GET, "/b")).toCompletableFuture().join();
        assertThat(b.status().code()).isEqualTo(503);
        assertThat(b.bodyText()).isEqualTo("the server is busy or stopping; retry shortly\n");
        assertThat(b.headers().get("Retry-After")).isEqualTo("1");
    }

    @Test
    void aWaitThatEndsAfterTheLoopStoppedIs503NotAnError() {
        Router r = Router.builder(ErrorStyle.TEXT)
                .get("/wait", req -> CompletableFuture.failedFuture(new RejectedExecutionException("event executor terminated")))
                .build();
        Response answer = r.dispatch(Request.of(HttpMethod.GET, "/wait")).toCompletableFuture().join();
        assertThat(answer.status().code()).isEqualTo(503);
    }

    @Test
    void textStyleErrorsAreOneLine() {
        Router r = Router.builder(ErrorStyle.TEXT).get("/hls/{stream}/master.m3u8", echo("m")).build();
        Response missing = r.dispatch(Request.of(HttpMethod.GET, "/nope")).toCompletableFuture().join();
        assertThat(missing.bodyText()).isEqualTo("no such endpoint: /nope\n");
        assertThat(missing.headers().get(HttpHeaderNames.CONTENT_TYPE)).startsWith("text/plain");
        Response post = r.dispatch(Request.of(HttpMethod.POST, "/hls/x/master.m3u8")).toCompletableFuture().join();
        assertThat(post.status().code()).isEqualTo(405);
        assertThat(post.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("GET, HEAD");
    }
}
