package io.cuecast.relay.hls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Serves {@code /hls/{streamId}/master.m3u8}, {@code /hls/{streamId}/{rendition}/index.m3u8} and the
 * init and media segments, with CDN-friendly caching: playlists live for about half a segment,
 * segments and init segments never change under their URI and are cached for a year. Requests for
 * other paths go to the next handler. Stateless and shareable across channels.
 */
@ChannelHandler.Sharable
public final class HlsHttpHandler extends ChannelInboundHandlerAdapter {
    private static final String PREFIX = "/hls/";
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";
    /** How long a playlist request for a stream that is starting waits for its first segment. */
    private static final long FIRST_SEGMENT_WAIT_MS = 8000;

    private enum Kind { MASTER, PLAYLIST, INIT, SEGMENT, OTHER }

    private final HlsService service;
    private final String corsOrigin;
    private final Map<Kind, Counter> requests = new EnumMap<>(Kind.class);
    private final Map<Kind, Counter> bytes = new EnumMap<>(Kind.class);

    /** Serves the outputs of {@code service}. */
    public HlsHttpHandler(HlsService service, MeterRegistry meters) {
        this.service = service;
        this.corsOrigin = service.settings().corsOrigin();
        for (Kind k : Kind.values()) {
            String tag = k.name().toLowerCase(java.util.Locale.ROOT);
            requests.put(k, Counter.builder("cuecast.hls.requests").description("HLS HTTP requests")
                    .tag("kind", tag).register(meters));
            bytes.put(k, Counter.builder("cuecast.hls.served.bytes").description("HLS bytes served")
                    .baseUnit("bytes").tag("kind", tag).register(meters));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req) || !req.uri().startsWith(PREFIX)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            handle(ctx, req);
        } finally {
            ReferenceCountUtil.release(req);
        }
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        boolean head = req.method().equals(HttpMethod.HEAD);
        if (req.method().equals(HttpMethod.OPTIONS)) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
            r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD, OPTIONS");
            r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "*");
            r.headers().set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "86400");
            send(ctx, r, keepAlive, Kind.OTHER);
            return;
        }
        if (!req.method().equals(HttpMethod.GET) && !head) {
            sendText(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and HEAD are allowed\n", keepAlive);
            return;
        }
        String path = req.uri();
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        String[] parts = path.substring(PREFIX.length()).split("/", -1);
        HlsStream stream = parts.length >= 2 ? service.stream(parts[0]).orElse(null) : null;
        if (stream == null) {
            sendText(ctx, HttpResponseStatus.NOT_FOUND, "unknown stream or stream not live\n", keepAlive);
            return;
        }
        if (parts.length == 2 && parts[1].equals("master.m3u8")) {
            servePlaylist(ctx, keepAlive, head, Kind.MASTER, stream, null);
            return;
        }
        RenditionTimeline rendition = parts.length == 3 ? stream.rendition(parts[1]) : null;
        if (rendition == null) {
            sendText(ctx, HttpResponseStatus.NOT_FOUND, "unknown rendition or path\n", keepAlive);
            return;
        }
        String name = parts[2];
        if (name.equals("index.m3u8")) {
            servePlaylist(ctx, keepAlive, head, Kind.PLAYLIST, stream, rendition);
            return;
        }
        ByteBuf data = rendition.resource(name);
        if (data == null) {
            sendText(ctx, HttpResponseStatus.NOT_FOUND, "segment expired or never existed\n", keepAlive);
            return;
        }
        Kind kind = name.startsWith("init-") ? Kind.INIT : Kind.SEGMENT;
        int length = data.readableBytes();
        if (head) {
            data.release();
        }
        FullHttpResponse r = response(HttpResponseStatus.OK, head ? Unpooled.EMPTY_BUFFER : data);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, kind == Kind.INIT ? "video/mp4" : "video/iso.segment");
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, IMMUTABLE);
        HttpUtil.setContentLength(r, length);
        send(ctx, r, keepAlive, kind);
    }

    private void servePlaylist(ChannelHandlerContext ctx, boolean keepAlive, boolean head, Kind kind,
                               HlsStream stream, RenditionTimeline rendition) {
        String text = kind == Kind.MASTER ? stream.multivariant() : rendition.playlist();
        RenditionTimeline.Snapshot snap = (rendition == null ? stream.renditions().get(0) : rendition).snapshot();
        boolean empty = snap == null || snap.segments().isEmpty();
        if (empty && stream.live()) {
            // The publisher just started: answer when the first segment exists instead of a 404
            // that would make a player give up. Never blocks the event loop.
            RenditionTimeline first = rendition == null ? stream.renditions().get(0) : rendition;
            CompletableFuture<Void> ready = first.firstSegment().copy()
                    .orTimeout(FIRST_SEGMENT_WAIT_MS, TimeUnit.MILLISECONDS);
            ready.whenComplete((v, err) -> ctx.executor().execute(() -> {
                if (err != null) {
                    sendText(ctx, HttpResponseStatus.NOT_FOUND, "stream has produced no segment yet\n", keepAlive);
                } else {
                    servePlaylist(ctx, keepAlive, head, kind, stream, rendition);
                }
            }));
            return;
        }
        if (text == null || empty) {
            sendText(ctx, HttpResponseStatus.NOT_FOUND, "stream not live\n", keepAlive);
            return;
        }
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = response(HttpResponseStatus.OK, head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/vnd.apple.mpegurl");
        // A live playlist changes every segment: let caches hold it for about half a target duration.
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, snap.ended() ? "public, max-age=60" : "public, max-age=1");
        HttpUtil.setContentLength(r, body.length);
        send(ctx, r, keepAlive, kind);
    }

    private FullHttpResponse response(HttpResponseStatus status, ByteBuf body) {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    }

    private void sendText(ChannelHandlerContext ctx, HttpResponseStatus status, String text, boolean keepAlive) {
        FullHttpResponse r = response(status, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        HttpUtil.setContentLength(r, r.content().readableBytes());
        send(ctx, r, keepAlive, Kind.OTHER);
    }

    private void send(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive, Kind kind) {
        r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, corsOrigin);
        if (r.status().code() == 200) {
            requests.get(kind).increment();
            bytes.get(kind).increment(r.content().readableBytes());
        } else {
            requests.get(Kind.OTHER).increment();
        }
        if (keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        ChannelFuture f = ctx.writeAndFlush(r);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
