package io.cuecast.relay.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * An edge's requests to its upstream (an origin or another edge) over HTTP/2: the JDK client keeps
 * one connection per upstream and multiplexes every request on it (h2c after an upgrade of the
 * first request, or h2 over TLS). Counted by kind, so a benchmark can check one upstream request
 * per part however many viewers wait.
 */
public final class Upstream {
    /** What was asked for. */
    public enum Kind { MASTER, PLAYLIST, PART, SEGMENT, INIT }

    /** Largest body taken for a segment, part or init: a 2 s segment at 50 Mbit/s is 12.5 MB. */
    static final int MAX_MEDIA_BYTES = 32 << 20;

    /** A response: its status, and for 200 the body. */
    public record Text(int status, String body) {}

    private final HttpClient client;
    private final Map<Kind, Counter> requests = new EnumMap<>(Kind.class);
    private final Counter failures;

    public Upstream(Executor executor, MeterRegistry meters) {
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(3)).executor(executor).build();
        for (Kind k : Kind.values()) {
            requests.put(k, Counter.builder("cuecast.edge.upstream.requests")
                    .description("requests an edge made to its upstream").tag("kind", k.name().toLowerCase(Locale.ROOT))
                    .register(meters));
        }
        failures = Counter.builder("cuecast.edge.upstream.failures")
                .description("upstream requests that failed or did not answer 200").register(meters);
    }

    /** Requests made of {@code kind} so far. */
    public long requests(Kind kind) {
        return (long) requests.get(kind).count();
    }

    /** GETs a playlist. */
    public CompletableFuture<Text> text(URI uri, Kind kind, Duration timeout) {
        requests.get(kind).increment();
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        return client.sendAsync(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .thenApply(r -> {
                    if (r.statusCode() != 200) {
                        failures.increment();
                    }
                    String body = r.body();
                    if (body != null && body.length() > MediaPlaylist.MAX_CHARS) {
                        throw new IllegalStateException("upstream playlist longer than " + MediaPlaylist.MAX_CHARS);
                    }
                    return new Text(r.statusCode(), r.statusCode() == 200 ? body : null);
                })
                .whenComplete((t, e) -> {
                    if (e != null) {
                        failures.increment();
                    }
                });
    }

    /** GETs media whole; fails on anything but 200. */
    public CompletableFuture<byte[]> bytes(URI uri, Kind kind, Duration timeout) {
        requests.get(kind).increment();
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        return client.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
            if (r.statusCode() != 200) {
                failures.increment();
                throw new IllegalStateException(uri + " answered " + r.statusCode());
            }
            if (r.body().length > MAX_MEDIA_BYTES) {
                throw new IllegalStateException(uri + " is larger than " + MAX_MEDIA_BYTES + " bytes");
            }
            return r.body();
        });
    }

    /**
     * GETs a preload-hinted part as the upstream streams it: each piece of body goes to
     * {@code onData} as it arrives (a copy: no buffer to free if the consumer is gone). Completes with the status
     * (200 when the whole body arrived); {@code cancel} on the returned handle drops the request.
     */
    public Streamed stream(URI uri, Duration timeout, Consumer<byte[]> onData) {
        requests.get(Kind.PART).increment();
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        Streamed s = new Streamed();
        s.response = client.sendAsync(req, info -> {
            s.status = info.statusCode();
            return HttpResponse.BodySubscribers.fromSubscriber(new Flow.Subscriber<List<ByteBuffer>>() {
                private long total;

                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    s.subscription = subscription;
                    subscription.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(List<ByteBuffer> items) {
                    if (s.status != 200 || s.cancelled) {
                        return;
                    }
                    int n = 0;
                    for (ByteBuffer b : items) {
                        n += b.remaining();
                    }
                    total += n;
                    if (n == 0 || total > MAX_MEDIA_BYTES) {
                        return;
                    }
                    byte[] copy = new byte[n];
                    int at = 0;
                    for (ByteBuffer b : items) {
                        int len = b.remaining();
                        b.get(copy, at, len);
                        at += len;
                    }
                    onData.accept(copy);
                }

                @Override
                public void onError(Throwable throwable) {
                }

                @Override
                public void onComplete() {
                }
            });
        }).thenApply(r -> {
            if (r.statusCode() != 200) {
                failures.increment();
            }
            return r.statusCode();
        });
        return s;
    }

    /** A streamed request in flight. */
    public static final class Streamed {
        private volatile CompletableFuture<Integer> response;
        private volatile Flow.Subscription subscription;
        private volatile int status;
        private volatile boolean cancelled;

        /** Completes with the status once the body has ended (or fails). */
        public CompletableFuture<Integer> done() {
            return response;
        }

        /** Stops taking the body. */
        public void cancel() {
            cancelled = true;
            Flow.Subscription sub = subscription;
            if (sub != null) {
                sub.cancel();
            }
            response.cancel(true);
        }
    }
}
