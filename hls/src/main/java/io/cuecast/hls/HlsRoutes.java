package io.cuecast.hls;

import io.cuecast.http.Request;
import io.cuecast.http.Response;
import io.cuecast.http.Router;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HLS routes of the public port: {@code /hls/{stream}/master.m3u8},
 * {@code /hls/{stream}/{rendition}/index.m3u8} (blocking reload and delta updates) and the init
 * segments, segments and parts, with CDN-friendly caching: playlists live for about half a segment,
 * segments and init segments never change under their URI and are cached for a year.
 */
public final class HlsRoutes {
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";
    /** How long a playlist request for a stream that is starting waits for its first segment. */
    private static final long FIRST_SEGMENT_WAIT_MS = 8000;
    private static final Pattern PART_NAME = Pattern.compile("[a-z0-9]+-(\\d{1,18})\\.(\\d{1,6})\\.m4s");

    private enum Kind { MASTER, PLAYLIST, INIT, SEGMENT, OTHER }

    /** Finds a stream's output: the local packager's, or on an edge the mirror of its origin's. */
    public interface Outputs {
        /** The output of {@code streamId}, empty when no server has it. */
        CompletionStage<Optional<HlsOutput>> find(String streamId);
    }

    private final Outputs outputs;
    private final String corsOrigin;
    private final Map<Kind, Counter> requests = new EnumMap<>(Kind.class);
    private final Map<Kind, Counter> bytes = new EnumMap<>(Kind.class);

    /** Serves the outputs of {@code service}. */
    public HlsRoutes(HlsService service, String corsOrigin, MeterRegistry meters) {
        this(id -> CompletableFuture.completedFuture(service.stream(id).map(s -> (HlsOutput) s)), corsOrigin, meters);
    }

    /** Serves what {@code outputs} finds. */
    public HlsRoutes(Outputs outputs, String corsOrigin, MeterRegistry meters) {
        this.outputs = outputs;
        this.corsOrigin = corsOrigin;
        for (Kind k : Kind.values()) {
            String tag = k.name().toLowerCase(Locale.ROOT);
            requests.put(k, Counter.builder("cuecast.hls.requests").description("HLS HTTP requests")
                    .tag("kind", tag).register(meters));
            bytes.put(k, Counter.builder("cuecast.hls.served.bytes").description("HLS bytes served")
                    .baseUnit("bytes").tag("kind", tag).register(meters));
        }
    }

    /** Adds the HLS routes to a route table (on the event loop: nothing here blocks). */
    public Router.Builder addTo(Router.Builder routes) {
        return routes
                .options("/hls/{path...}", r -> done(preflight()))
                .get("/hls/{stream}/master.m3u8", this::master)
                .get("/hls/{stream}/{rendition}/{file}", this::renditionFile);
    }

    private Response preflight() {
        return counted(Response.empty(HttpResponseStatus.NO_CONTENT)
                .header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD, OPTIONS")
                .header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "*")
                .header(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "86400"), Kind.OTHER);
    }

    private CompletionStage<Response> master(Request r) {
        return withOutput(r, stream -> playlist(r, Kind.MASTER, stream, null, false));
    }

    private CompletionStage<Response> withOutput(Request r,
                                                 Function<HlsOutput, CompletionStage<Response>> then) {
        CompletionStage<Optional<HlsOutput>> found = outputs.find(r.param("stream"));
        CompletableFuture<Optional<HlsOutput>> f = found.toCompletableFuture();
        if (f.isDone() && !f.isCompletedExceptionally()) {
            HlsOutput stream = f.join().orElse(null);
            return stream == null ? done(notFound("unknown stream or stream not live")) : then.apply(stream);
        }
        // An edge asking its origin: continue on the connection's thread.
        return found.handleAsync((o, err) -> o == null ? Optional.<HlsOutput>empty() : o, r.executor())
                .thenCompose(o -> o.isEmpty() ? done(notFound("unknown stream or stream not live"))
                        : then.apply(o.get()));
    }

    private CompletionStage<Response> renditionFile(Request r) {
        return withOutput(r, stream -> renditionFile(r, stream));
    }

    private CompletionStage<Response> renditionFile(Request r, HlsOutput stream) {
        RenditionTimeline rendition = stream.rendition(r.param("rendition"));
        if (rendition == null) {
            return done(notFound("unknown rendition or path"));
        }
        String name = r.param("file");
        if (name.equals("index.m3u8")) {
            boolean delta = r.query().getOrDefault("_HLS_skip", List.of()).contains("YES");
            if (r.query().containsKey("_HLS_msn") || r.query().containsKey("_HLS_part")) {
                return blockingReload(r, stream, rendition, delta);
            }
            return playlist(r, Kind.PLAYLIST, stream, rendition, delta);
        }
        ByteBuf data = rendition.resource(name);
        if (data != null) {
            return done(media(data, name.startsWith("init-") ? Kind.INIT : Kind.SEGMENT));
        }
        long[] id = partId(name);
        if (id == null || !isHinted(rendition, id)) {
            return done(notFound("segment expired or never existed"));
        }
        if (rendition.waiting() >= RenditionTimeline.MAX_WAITERS) {
            return done(busy());
        }
        if (!r.isHead()) {
            // A preload hint names the next part before it exists (§6.2.6): stream it as it is written.
            return done(counted(Response.streamed(HttpResponseStatus.OK, "video/iso.segment",
                    new HintedPartResponse(rendition, id[0], (int) id[1], waitMillis(rendition),
                            () -> wholePart(rendition, name), sent -> {
                                requests.get(Kind.SEGMENT).increment();
                                bytes.get(Kind.SEGMENT).increment(sent);
                            }))
                    .header(HttpHeaderNames.CACHE_CONTROL, IMMUTABLE), null));
        }
        CompletableFuture<Void> ready = rendition.await(id[0], (int) id[1], waitMillis(rendition));
        if (ready == null) {
            return done(busy());
        }
        return ready.handleAsync((v, err) -> wholePart(rendition, name), r.executor());
    }

    /** The part as listed, or 404 when it does not exist. */
    private Response wholePart(RenditionTimeline rendition, String name) {
        ByteBuf whole = rendition.resource(name);
        return whole == null ? notFound("part not produced in time") : media(whole, Kind.SEGMENT);
    }

    /** {@code TAG-MSN.PART.m4s} → {msn, part}, or null for any other name. */
    static long[] partId(String name) {
        Matcher m = PART_NAME.matcher(name);
        return m.matches() ? new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))} : null;
    }

    private static boolean isHinted(RenditionTimeline rendition, long[] id) {
        RenditionTimeline.Snapshot s = rendition.snapshot();
        if (s == null || s.ended()) {
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
    private CompletionStage<Response> blockingReload(Request r, HlsOutput stream, RenditionTimeline rendition,
                                                     boolean delta) {
        long msn;
        int part;
        try {
            String msnValue = r.queryFirst("_HLS_msn")
                    .orElseThrow(() -> new NumberFormatException("_HLS_part without _HLS_msn"));
            msn = Long.parseLong(msnValue);
            String partValue = r.queryFirst("_HLS_part").orElse(null);
            part = partValue == null ? -1 : Integer.parseInt(partValue);
            if (msn < 0 || partValue != null && part < 0) {
                throw new NumberFormatException("negative");
            }
        } catch (NumberFormatException e) {
            return done(text(HttpResponseStatus.BAD_REQUEST, "invalid _HLS_msn/_HLS_part: " + e.getMessage()));
        }
        RenditionTimeline.Snapshot s = rendition.snapshot();
        long next = s == null ? 0 : s.nextSequence();
        if (msn > next + 1) {
            return done(text(HttpResponseStatus.BAD_REQUEST, "_HLS_msn " + msn
                    + " is more than two segments past the last one (" + (next - 1) + ")"));
        }
        CompletableFuture<Void> ready = rendition.await(msn, part, waitMillis(rendition));
        if (ready == null) {
            // Over the rendition's bound of blocked requests: the current playlist now; the player
            // asks again for the next part (the spec lets a server answer a blocking reload early).
            return playlist(r, Kind.PLAYLIST, stream, rendition, delta);
        }
        return ready.handleAsync((v, err) -> r, r.executor())
                .thenCompose(req -> playlist(req, Kind.PLAYLIST, stream, rendition, delta));
    }

    private CompletionStage<Response> playlist(Request r, Kind kind, HlsOutput stream, RenditionTimeline rendition,
                                               boolean delta) {
        RenditionTimeline first = rendition == null ? stream.renditions().get(0) : rendition;
        RenditionTimeline.Snapshot snap = first.snapshot();
        boolean empty = snap == null || snap.segments().isEmpty();
        if (empty && stream.live()) {
            // The publisher just started: answer when the first segment exists instead of a 404
            // that would make a player give up. Never blocks the event loop.
            return first.firstSegment().copy().orTimeout(FIRST_SEGMENT_WAIT_MS, TimeUnit.MILLISECONDS)
                    .handleAsync((v, err) -> err, r.executor())
                    .thenCompose(err -> err != null ? done(notFound("stream has produced no segment yet"))
                            : playlistNow(kind, stream, rendition, delta));
        }
        return playlistNow(kind, stream, rendition, delta);
    }

    private CompletionStage<Response> playlistNow(Kind kind, HlsOutput stream, RenditionTimeline rendition,
                                                  boolean delta) {
        String text = kind == Kind.MASTER ? stream.multivariant()
                : delta ? rendition.deltaPlaylist() : rendition.playlist();
        RenditionTimeline.Snapshot snap = (rendition == null ? stream.renditions().get(0) : rendition).snapshot();
        if (text == null || snap == null || snap.segments().isEmpty()) {
            return done(notFound("stream not live"));
        }
        if (kind == Kind.PLAYLIST && !snap.ended() && snap.partTarget() > 0) {
            text = text + stream.renditionReports(rendition);
        }
        Response out = Response.of(HttpResponseStatus.OK, "application/vnd.apple.mpegurl",
                Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8)))
                // A live playlist changes every segment: let caches hold it for about half a target duration.
                .header(HttpHeaderNames.CACHE_CONTROL, snap.ended() ? "public, max-age=60" : "public, max-age=1");
        return done(counted(out, kind));
    }

    private Response media(ByteBuf data, Kind kind) {
        return counted(Response.of(HttpResponseStatus.OK, kind == Kind.INIT ? "video/mp4" : "video/iso.segment", data)
                .header(HttpHeaderNames.CACHE_CONTROL, IMMUTABLE), kind);
    }

    /** 503 with Retry-After: the rendition holds as many blocked requests as it may. */
    private Response busy() {
        return text(HttpResponseStatus.SERVICE_UNAVAILABLE, "too many requests waiting on this rendition; retry")
                .header(HttpHeaderNames.RETRY_AFTER, "1");
    }

    private Response notFound(String why) {
        return text(HttpResponseStatus.NOT_FOUND, why);
    }

    private Response text(HttpResponseStatus status, String line) {
        return counted(Response.text(status, line + "\n").header(HttpHeaderNames.CACHE_CONTROL, "no-cache"), Kind.OTHER);
    }

    /** Adds CORS and counts a 200 by kind (a streamed body counts itself when done), others as OTHER. */
    private Response counted(Response r, Kind kind) {
        r.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, corsOrigin);
        if (kind == null) {
            return r;
        }
        if (r.status().code() == 200) {
            requests.get(kind).increment();
            bytes.get(kind).increment(r.body() == null ? 0 : r.body().readableBytes());
        } else {
            requests.get(Kind.OTHER).increment();
        }
        return r;
    }

    private static CompletionStage<Response> done(Response r) {
        return CompletableFuture.completedFuture(r);
    }
}
