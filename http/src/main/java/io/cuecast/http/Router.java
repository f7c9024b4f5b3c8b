package io.cuecast.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Method + path template → handler, and nothing more: {@code 404} when no template matches,
 * {@code 405} with {@code Allow} when one matches another method, {@code HEAD} answered by the GET
 * route, a body limit per route, filters in front of handlers, and errors rendered in one style.
 * Templates are literal segments, {@code {name}} for one segment and {@code {name...}} (last) for
 * the rest of the path. Socket-free: {@link #dispatch} takes a {@link Request} and completes a
 * {@link Response}; {@link RouterHandler} puts it on a Netty pipeline.
 */
public final class Router {
    private static final Logger log = LoggerFactory.getLogger(Router.class);

    private record Route(HttpMethod method, String[] template, Handler handler, List<Filter> filters, int maxBody,
                         Executor executor) {}

    private final List<Route> routes;
    private final ErrorStyle style;
    private final Function<Throwable, HttpError> errors;

    private Router(List<Route> routes, ErrorStyle style, Function<Throwable, HttpError> errors) {
        this.routes = List.copyOf(routes);
        this.style = style;
        this.errors = errors;
    }

    /** A new table whose errors read in {@code style}. */
    public static Builder builder(ErrorStyle style) {
        return new Builder(style);
    }

    /** Builds a route table; options apply to the routes added after them. */
    public static final class Builder {
        private final ErrorStyle style;
        private final List<Route> routes = new ArrayList<>();
        private List<Filter> filters = List.of();
        private int maxBody = 0;
        private Executor executor = Runnable::run;
        private Function<Throwable, HttpError> errors = e -> null;

        private Builder(ErrorStyle style) {
            this.style = style;
        }

        /** Maps exceptions that are not {@link HttpError}s (a service's domain errors); null means 500. */
        public Builder errors(Function<Throwable, HttpError> mapper) {
            this.errors = mapper;
            return this;
        }

        /** Handlers of the next routes run on {@code executor} (a blocking pool for database work). */
        public Builder executor(Executor e) {
            this.executor = e;
            return this;
        }

        /** The next routes take bodies of at most {@code bytes} (0: none). */
        public Builder maxBody(int bytes) {
            this.maxBody = bytes;
            return this;
        }

        /** The next routes run {@code filter} first (in addition to earlier filters). */
        public Builder filter(Filter filter) {
            List<Filter> f = new ArrayList<>(filters);
            f.add(filter);
            this.filters = List.copyOf(f);
            return this;
        }

        public Builder route(HttpMethod method, String template, Handler handler) {
            if (!template.startsWith("/")) {
                throw new IllegalArgumentException("a template starts with '/': " + template);
            }
            String[] t = segments(template);
            for (int i = 0; i < t.length - 1; i++) {
                if (t[i].endsWith("...}")) {
                    throw new IllegalArgumentException("{name...} must be the last segment: " + template);
                }
            }
            routes.add(new Route(method, t, handler, filters, maxBody, executor));
            return this;
        }

        public Builder get(String template, Handler handler) {
            return route(HttpMethod.GET, template, handler);
        }

        public Builder post(String template, Handler handler) {
            return route(HttpMethod.POST, template, handler);
        }

        public Builder put(String template, Handler handler) {
            return route(HttpMethod.PUT, template, handler);
        }

        public Builder delete(String template, Handler handler) {
            return route(HttpMethod.DELETE, template, handler);
        }

        public Builder options(String template, Handler handler) {
            return route(HttpMethod.OPTIONS, template, handler);
        }

        public Router build() {
            return new Router(routes, style, errors);
        }
    }

    /** Answers {@code request}; never completes exceptionally. */
    public CompletionStage<Response> dispatch(Request request) {
        String[] path = segments(request.path());
        Set<HttpMethod> allowed = new LinkedHashSet<>();
        Route chosen = null;
        Map<String, String> params = null;
        for (Route r : routes) {
            Map<String, String> p = match(r.template, path);
            if (p == null) {
                continue;
            }
            if (!r.method.equals(HttpMethod.OPTIONS)) {
                allowed.add(r.method); // a CORS preflight route alone does not make a resource
            }
            if (chosen == null && (r.method.equals(request.method())
                    || request.isHead() && r.method.equals(HttpMethod.GET) && !hasRoute(path, HttpMethod.HEAD))) {
                chosen = r;
                params = p;
            }
        }
        if (chosen == null && allowed.isEmpty()) {
            // No resource here (a preflight-only match included): 404.
            return done(style.render(HttpResponseStatus.NOT_FOUND, "not_found", "no such endpoint: " + request.path(), 0));
        }
        if (chosen == null) {
            if (allowed.contains(HttpMethod.GET)) {
                allowed.add(HttpMethod.HEAD);
            }
            String allow = String.join(", ", allowed.stream().map(HttpMethod::name).toList());
            return done(style.render(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                    request.method() + " is not allowed on " + request.path() + " (allowed: " + allow + ")", 0)
                    .header(HttpHeaderNames.ALLOW, allow));
        }
        if (request.body().length > chosen.maxBody) {
            return done(style.render(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large",
                    "request body is " + request.body().length + " bytes, over this endpoint's limit of "
                            + chosen.maxBody + " bytes", 0));
        }
        Route route = chosen;
        Request withParams = request.withParams(params);
        CompletableFuture<Response> answer = new CompletableFuture<>();
        try {
            route.executor.execute(() -> run(route, withParams, answer));
        } catch (RejectedExecutionException e) {
            // The route's bounded pool is full (or stopped): answer now instead of queueing without end.
            answer.complete(busy());
        }
        return answer;
    }

    private void run(Route route, Request request, CompletableFuture<Response> answer) {
        try {
            for (Filter f : route.filters) {
                Response refused = f.check(request);
                if (refused != null) {
                    answer.complete(refused);
                    return;
                }
            }
            route.handler.handle(request).whenComplete((r, e) -> answer.complete(e == null ? r : failure(request, e)));
        } catch (Throwable e) {
            answer.complete(failure(request, e));
        }
    }

    /** One place turns every exception into a response: HTTP errors, mapped domain errors, else 500. */
    private Response failure(Request request, Throwable e) {
        Throwable root = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (root instanceof RejectedExecutionException) {
            // The route's bounded pool is full, or a wait ended while the server stops (its
            // connection's loop is gone): either way, come back shortly.
            return busy();
        }
        HttpError err = root instanceof HttpError h ? h : errors.apply(root);
        if (err == null) {
            // The details (SQL, file names) stay in the log; the client gets a reference to them.
            String reference = Long.toString(System.nanoTime() & 0xFFFFFFFFFFL, 36);
            log.error("{} {} failed (reference {})", request.method(), request.path(), reference, root);
            return style.render(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error",
                    "internal error (reference " + reference + " in the server log)", 0);
        }
        return style.render(err.status(), err.code(), err.getMessage(), err.retryAfterSeconds());
    }

    private Response busy() {
        return style.render(HttpResponseStatus.SERVICE_UNAVAILABLE, "busy", "the server is busy or stopping; retry shortly",
                1);
    }

    private boolean hasRoute(String[] path, HttpMethod method) {
        for (Route r : routes) {
            if (r.method.equals(method) && match(r.template, path) != null) {
                return true;
            }
        }
        return false;
    }

    private static CompletionStage<Response> done(Response r) {
        return CompletableFuture.completedFuture(r);
    }

    /** {@code /a/b} → {@code [a, b]}; one trailing slash is ignored, an empty inner segment is kept. */
    private static String[] segments(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1); // "/api/v1/streams/" is "/api/v1/streams"
        }
        return p.isEmpty() ? new String[0] : p.split("/", -1);
    }

    private static Map<String, String> match(String[] template, String[] path) {
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.startsWith("{") && t.endsWith("...}")) {
                if (i >= path.length) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 4), String.join("/", List.of(path).subList(i, path.length)));
                return params;
            }
            if (i >= path.length) {
                return null;
            }
            if (t.startsWith("{") && t.endsWith("}")) {
                if (path[i].isEmpty()) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 1), path[i]);
            } else if (!t.equals(path[i])) {
                return null;
            }
        }
        return template.length == path.length ? params : null;
    }
}
