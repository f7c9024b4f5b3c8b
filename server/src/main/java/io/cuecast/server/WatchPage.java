package io.cuecast.server;

import io.cuecast.http.Request;
import io.cuecast.http.Response;
import io.cuecast.http.Router;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * The public pages: the demo player {@code GET /watch/{streamId}} and the host's go-live page
 * {@code GET /golive/{streamId}} (publishing from the browser over WHIP), with their assets under
 * {@code /assets/}, hls.js included, all from the jar: nothing is loaded from a CDN.
 */
final class WatchPage {
    private record Asset(byte[] bytes, String contentType) {}

    private static final String[] DEMO_IMAGES = {"mug", "sneaker", "lamp", "headphones"};
    private final Map<String, Asset> assets;
    private final Asset page;
    private final Asset goLive;
    private final Predicate<String> streamExists;

    /** @param streamExists answers from memory: the page is served on the event loop */
    WatchPage(Predicate<String> streamExists) {
        this.streamExists = streamExists;
        this.page = load("web/watch.html", "text/html; charset=utf-8");
        this.goLive = load("web/golive.html", "text/html; charset=utf-8");
        Map<String, Asset> a = new HashMap<>(Map.of(
                "golive.js", load("web/golive.js", "text/javascript; charset=utf-8"),
                "golive.css", load("web/golive.css", "text/css; charset=utf-8"),
                "watch.js", load("web/watch.js", "text/javascript; charset=utf-8"),
                "watch.css", load("web/watch.css", "text/css; charset=utf-8"),
                "hls.min.js", load("web/vendor/hls.min.js", "text/javascript; charset=utf-8")));
        // Pictures of the sample catalog that scripts/demo pins, so the demo needs no network.
        for (String name : DEMO_IMAGES) {
            a.put("demo/" + name + ".svg", load("web/demo/" + name + ".svg", "image/svg+xml"));
        }
        this.assets = Map.copyOf(a);
    }

    private static Asset load(String name, String type) {
        try (InputStream in = WatchPage.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the jar (run the Maven build, which runs npm ci)");
            }
            return new Asset(in.readAllBytes(), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds the page and its assets to the public port's table. */
    Router.Builder addTo(Router.Builder routes) {
        return routes
                .get("/assets/{path...}", this::asset)
                .get("/watch/{id}", r -> page(r, page))
                .get("/golive/{id}", r -> page(r, goLive));
    }

    private CompletionStage<Response> asset(Request r) {
        Asset a = assets.get(r.param("path"));
        return CompletableFuture.completedFuture(a == null
                ? Response.text(HttpResponseStatus.NOT_FOUND, "no such asset: " + r.path() + "\n")
                : send(a, "public, max-age=300"));
    }

    private CompletionStage<Response> page(Request r, Asset which) {
        String id = r.param("id");
        return CompletableFuture.completedFuture(streamExists.test(id) ? send(which, "no-cache")
                : Response.text(HttpResponseStatus.NOT_FOUND, "no stream with id '" + id + "'\n")
                        .header(HttpHeaderNames.CACHE_CONTROL, "no-store"));
    }

    /**
     * Review L10: the page runs only its own scripts and styles, reaches only this server (playlists,
     * segments, state.json), and shows product images from any https shop. Framing stays allowed on
     * purpose: shops embed the player in their pages.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' https: data:; "
            + "media-src 'self' blob:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'";

    private static Response send(Asset a, String cacheControl) {
        return Response.of(HttpResponseStatus.OK, a.contentType(), Unpooled.wrappedBuffer(a.bytes()))
                .header(HttpHeaderNames.CACHE_CONTROL, cacheControl)
                .header("X-Content-Type-Options", "nosniff")
                .header(HttpHeaderNames.CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    }
}
