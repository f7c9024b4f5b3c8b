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
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
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
            QueryStringDecoder query = new QueryStringDecoder(req.uri());
            boolean delta = query.parameters().getOrDefault("_HLS_skip", java.util.List.of()).contains("YES");
            if (query.parameters().containsKey("_HLS_msn") || query.parameters().containsKey("_HLS_part")) {
                blockingReload(ctx, keepAlive, head, stream, rendition, query, delta);
                return;
            }
            servePlaylist(ctx, keepAlive, head, Kind.PLAYLIST, stream, rendition, delta);
            return;
        }
        ByteBuf data = rendition.resource(name);
        if (data == null && !head && isHintedPart(rendition, name)) {
            // A preload hint names the next part before it exists (§6.2.6): stream it as it is written.
            streamHintedPart(ctx, rendition, name, keepAlive);
            return;
        }
        if (data == null && isHintedPart(rendition, name)) {
            long[] id = partId(name);
            rendition.await(id[0], (int) id[1]).copy().orTimeout(waitMillis(rendition), TimeUnit.MILLISECONDS)
                    .whenComplete((v, err) -> ctx.executor().execute(() -> {
                        ByteBuf late = rendition.resource(name);
                        if (late == null) {
                            sendText(ctx, HttpResponseStatus.NOT_FOUND, "part not produced in time\n", keepAlive);
                        } else {
                            sendMedia(ctx, late, Kind.SEGMENT, head, keepAlive);
                        }
                    }));
            return;
        }
        if (data == null) {
            sendText(ctx, HttpResponseStatus.NOT_FOUND, "segment expired or never existed\n", keepAlive);
            return;
        }
        sendMedia(ctx, data, name.startsWith("init-") ? Kind.INIT : Kind.SEGMENT, head, keepAlive);
    }

    /**
     * Answers a preload-hinted part while the packager writes it: the status line and headers with
     * the first chunk, each CMAF chunk as an HTTP chunk (an HTTP/2 DATA frame over h2), the end when
     * the part is complete. Nothing produced in time: 404; the stream ending mid-part: the
     * connection is closed so no cache keeps a truncated part.
     */
    private void streamHintedPart(ChannelHandlerContext ctx, RenditionTimeline rendition, String name,
                                  boolean keepAlive) {
        long[] id = partId(name);
        boolean[] started = new boolean[1];
        boolean[] finished = new boolean[1];
        long[] sent = new long[1];
        Runnable start = () -> {
            if (!started[0]) {
                started[0] = true;
                HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                r.headers().set(HttpHeaderNames.CONTENT_TYPE, "video/iso.segment");
                r.headers().set(HttpHeaderNames.CACHE_CONTROL, IMMUTABLE);
                r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, corsOrigin);
                HttpUtil.setTransferEncodingChunked(r, true);
                if (keepAlive) {
                    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                }
                ctx.write(r);
            }
        };
        PartSink sink = new PartSink() {
            @Override
            public void chunk(ByteBuf data) {
                ctx.executor().execute(() -> {
                    if (finished[0] || !ctx.channel().isActive()) {
                        data.release();
                        return;
                    }
                    start.run();
                    sent[0] += data.readableBytes();
                    ctx.writeAndFlush(new DefaultHttpContent(data));
                });
            }

            @Override
            public void done(boolean complete) {
                ctx.executor().execute(() -> finish(complete));
            }

            private void finish(boolean complete) {
                if (finished[0]) {
                    return;
                }
                finished[0] = true;
                if (complete && started[0]) {
                    requests.get(Kind.SEGMENT).increment();
                    bytes.get(Kind.SEGMENT).increment(sent[0]);
                    ChannelFuture f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                    if (!keepAlive) {
                        f.addListener(ChannelFutureListener.CLOSE);
                    }
                } else if (started[0]) {
                    ctx.close();
                } else if (complete) {
                    sendWholePart(ctx, rendition, name, keepAlive);
                } else {
                    sendText(ctx, HttpResponseStatus.NOT_FOUND, "part not produced in time\n", keepAlive);
                }
            }
        };
        if (!rendition.streamPart(id[0], (int) id[1], sink)) {
            sendWholePart(ctx, rendition, name, keepAlive); // completed in the meantime, or no longer hinted
            return;
        }
        ctx.channel().closeFuture().addListener(f -> rendition.cancelStream(sink));
        ctx.executor().schedule(() -> {
            if (!finished[0]) {
                rendition.cancelStream(sink);
                sink.done(false);
            }
        }, waitMillis(rendition), TimeUnit.MILLISECONDS);
    }

    /** The part as listed, or 404 when it does not exist. */
    private void sendWholePart(ChannelHandlerContext ctx, RenditionTimeline rendition, String name, boolean keepAlive) {
        ByteBuf whole = rendition.resource(name);
        if (whole == null) {
            sendText(ctx, HttpResponseStatus.NOT_FOUND, "part not produced in time\n", keepAlive);
        } else {
            sendMedia(ctx, whole, Kind.SEGMENT, false, keepAlive);
        }
    }

    /** {@code TAG-MSN.PART.m4s} → {msn, part}, or null for any other name. */
    static long[] partId(String name) {
        java.util.regex.Matcher m = PART_NAME.matcher(name);
        return m.matches() ? new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))} : null;
    }

    private static final java.util.regex.Pattern PART_NAME = java.util.regex.Pattern.compile(
            "[a-z0-9]+-(\\d{1,18})\\.(\\d{1,6})\\.m4s");

    private static boolean isHintedPart(RenditionTimeline rendition, String name) {
        long[] id = partId(name);
        RenditionTimeline.Snapshot s = rendition.snapshot();
        if (id == null || s == null || s.ended()) {
            return false;
        }
        long next = s.nextSequence();
        return id[0] == next && id[1] == s.openParts().size() || id[0] == next + 1 && id[1] == 0;
    }

    private static long waitMillis(RenditionTimeline rendition) {
        RenditionTimeline.Snapshot s = rendition.snapshot();
        // §6.2.5.2: a server should hold a blocked request for at most three target durations.
        return 3000L * (s == null ? 2 : s.targetDuration());
    }

    /**
     * Blocking playlist reload (RFC 8216bis §6.2.5.2): answer once the requested part (or segment)
     * exists, at once when it already does, 400 when it is more than two segments ahead.
     */
    private void blockingReload(ChannelHandlerContext ctx, boolean keepAlive, boolean head, HlsStream stream,
                                RenditionTimeline rendition, QueryStringDecoder query, boolean delta) {
        java.util.List<String> msnValues = query.parameters().get("_HLS_msn");
        java.util.List<String> partValues = query.parameters().get("_HLS_part");
        long msn;
        int part;
        try {
            if (msnValues == null) {
                throw new NumberFormatException("_HLS_part without _HLS_msn");
            }
            msn = Long.parseLong(msnValues.get(0));
            part = partValues == null ? -1 : Integer.parseInt(partValues.get(0));
            if (msn < 0 || partValues != null && part < 0) {
                throw new NumberFormatException("negative");
            }
        } catch (NumberFormatException e) {
            sendText(ctx, HttpResponseStatus.BAD_REQUEST, "invalid _HLS_msn/_HLS_part: " + e.getMessage() + "\n",
                    keepAlive);
            return;
        }
        RenditionTimeline.Snapshot s = rendition.snapshot();
        long next = s == null ? 0 : s.nextSequence();
        if (msn > next + 1) {
            sendText(ctx, HttpResponseStatus.BAD_REQUEST, "_HLS_msn " + msn + " is more than two segments past the "
                    + "last one (" + (next - 1) + ")\n", keepAlive);
            return;
        }
        rendition.await(msn, part).copy().orTimeout(waitMillis(rendition), TimeUnit.MILLISECONDS)
                .whenComplete((v, err) -> ctx.executor().execute(() ->
                        servePlaylist(ctx, keepAlive, head, Kind.PLAYLIST, stream, rendition, delta)));
    }

    private void sendMedia(ChannelHandlerContext ctx, ByteBuf data, Kind kind, boolean head, boolean keepAlive) {
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
        servePlaylist(ctx, keepAlive, head, kind, stream, rendition, false);
    }

    private void servePlaylist(ChannelHandlerContext ctx, boolean keepAlive, boolean head, Kind kind,
                               HlsStream stream, RenditionTimeline rendition, boolean delta) {
        String text = kind == Kind.MASTER ? stream.multivariant() : delta ? rendition.deltaPlaylist() : rendition.playlist();
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
                    servePlaylist(ctx, keepAlive, head, kind, stream, rendition, delta);
                }
            }));
            return;
        }
        if (text == null || empty) {
            sendText(ctx, HttpResponseStatus.NOT_FOUND, "stream not live\n", keepAlive);
            return;
        }
        if (kind == Kind.PLAYLIST && !snap.ended() && snap.partTarget() > 0) {
            text = text + stream.renditionReports(rendition);
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
