package io.cuecast.server;

import io.cuecast.server.admin.JsonHttp;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * The demo player: {@code GET /watch/{streamId}} and its assets under {@code /assets/}, hls.js
 * included, all from the jar: nothing is loaded from a CDN.
 */
@ChannelHandler.Sharable
final class WatchPageHandler extends ChannelInboundHandlerAdapter {
    private record Asset(byte[] bytes, String contentType) {}

    private static final String[] DEMO_IMAGES = {"mug", "sneaker", "lamp", "headphones"};
    private final Map<String, Asset> assets;
    private final Asset page;
    private final Predicate<String> streamExists;
    private final Executor blocking;

    WatchPageHandler(Predicate<String> streamExists, Executor blocking) {
        this.streamExists = streamExists;
        this.blocking = blocking;
        this.page = load("web/watch.html", "text/html; charset=utf-8");
        java.util.Map<String, Asset> a = new java.util.HashMap<>(Map.of(
                "/assets/watch.js", load("web/watch.js", "text/javascript; charset=utf-8"),
                "/assets/watch.css", load("web/watch.css", "text/css; charset=utf-8"),
                "/assets/hls.min.js", load("web/vendor/hls.min.js", "text/javascript; charset=utf-8")));
        // Pictures of the sample catalog that scripts/demo pins, so the demo needs no network.
        for (String name : DEMO_IMAGES) {
            a.put("/assets/demo/" + name + ".svg", load("web/demo/" + name + ".svg", "image/svg+xml"));
        }
        this.assets = Map.copyOf(a);
    }

    private static Asset load(String name, String type) {
        try (InputStream in = WatchPageHandler.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the jar (run the Maven build, which runs npm ci)");
            }
            return new Asset(in.readAllBytes(), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req) || !req.method().equals(HttpMethod.GET)) {
            ctx.fireChannelRead(msg);
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        Asset asset = assets.get(path);
        if (asset != null) {
            ReferenceCountUtil.release(req);
            send(ctx, asset, "public, max-age=300", keepAlive);
            return;
        }
        if (path.startsWith("/watch/") && path.indexOf('/', 7) < 0 && path.length() > 7) {
            ReferenceCountUtil.release(req);
            String id = path.substring(7);
            blocking.execute(() -> {
                if (streamExists.test(id)) {
                    send(ctx, page, "no-cache", keepAlive);
                } else {
                    JsonHttp.text(ctx, HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8",
                            "no stream with id '" + id + "'\n", keepAlive);
                }
            });
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private static void send(ChannelHandlerContext ctx, Asset a, String cacheControl, boolean keepAlive) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(a.bytes()));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, a.contentType());
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, cacheControl);
        JsonHttp.sendRaw(ctx, r, keepAlive);
    }
}
