package io.cuecast.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * HTTP/1.1 backpressure and deadlines (review H1, M7, L6) on the real codec: pipelined requests are
 * answered one at a time and in order, a client cannot queue more than a bound, and a request that
 * trickles in is cut off.
 */
class Http1FlowTest {
    final List<CompletableFuture<Response>> pending = new ArrayList<>();
    final List<String> dispatched = new ArrayList<>();
    final Router router = Router.builder(ErrorStyle.TEXT)
            .get("/slow/{n}", r -> {
                dispatched.add(r.param("n"));
                CompletableFuture<Response> f = new CompletableFuture<>();
                pending.add(f);
                return f;
            })
            .build();

    EmbeddedChannel channel(long timeoutMs) {
        Http1Flow flow = new Http1Flow(timeoutMs);
        return new EmbeddedChannel(flow.bytes(), new HttpServerCodec(), new LimitedAggregator(1024, null),
                flow.requests(), new RouterHandler(router));
    }

    static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    static String outbound(EmbeddedChannel ch) {
        StringBuilder b = new StringBuilder();
        for (ByteBuf out; (out = ch.readOutbound()) != null; ) {
            b.append(out.toString(StandardCharsets.US_ASCII));
            out.release();
        }
        return b.toString();
    }

    @Test
    void pipelinedRequestsAreAnsweredOneAtATimeInOrder() {
        EmbeddedChannel ch = channel(10_000);
        ch.writeInbound(text("GET /slow/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /slow/2 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /slow/3 HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertThat(dispatched).as("before the first is answered").containsExactly("1");
        pending.get(0).complete(Response.text(HttpResponseStatus.OK, "one"));
        ch.runPendingTasks();
        assertThat(dispatched).containsExactly("1", "2");
        // The third is answered before the second: it still goes out after it.
        pending.get(1).complete(Response.text(HttpResponseStatus.OK, "two"));
        ch.runPendingTasks();
        pending.get(2).complete(Response.text(HttpResponseStatus.OK, "three"));
        ch.runPendingTasks();
        String wire = outbound(ch);
        assertThat(wire.indexOf("one")).isLessThan(wire.indexOf("two"));
        assertThat(wire.indexOf("two")).isLessThan(wire.indexOf("three"));
        assertThat(ch.isOpen()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void moreThanTheBoundOfPipelinedRequestsClosesTheConnection() {
        EmbeddedChannel ch = channel(10_000);
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < Http1Flow.MAX_PIPELINED + 2; i++) {
            many.append("GET /slow/").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        ch.writeInbound(text(many.toString()));
        assertThat(dispatched).hasSize(1);
        assertThat(ch.isOpen()).isFalse();
        pending.forEach(f -> f.complete(Response.text(HttpResponseStatus.OK, "late")));
        ch.finishAndReleaseAll();
    }

    @Test
    void aRequestTricklingInIsCutOffWith408() {
        EmbeddedChannel ch = channel(500);
        ch.writeInbound(text("GET /slow/1 HT"));
        ch.advanceTimeBy(400, TimeUnit.MILLISECONDS);
        ch.writeInbound(text("TP/1.1\r\nHo")); // more bytes do not move the deadline
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(outbound(ch)).startsWith("HTTP/1.1 408 Request Timeout");
        assertThat(ch.isOpen()).isFalse();
        assertThat(dispatched).isEmpty();
        ch.finishAndReleaseAll();
    }

    @Test
    void anIdleKeepAliveConnectionHasNoRequestDeadline() {
        EmbeddedChannel ch = channel(500);
        ch.writeInbound(text("GET /slow/1 HTTP/1.1\r\nHost: x\r\n\r\n"));
        pending.get(0).complete(Response.text(HttpResponseStatus.OK, "one"));
        ch.runPendingTasks();
        outbound(ch);
        ch.advanceTimeBy(5_000, TimeUnit.MILLISECONDS); // between requests: only the idle timeout applies
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.finishAndReleaseAll();
    }

    /** Review M7: HTTP/2 connections over TLS had an idle handler but nothing closing on its event. */
    @Test
    void anIdleHttp2ConnectionIsClosed() {
        EmbeddedChannel ch = new EmbeddedChannel();
        HttpServers.h2(ch.pipeline(), new HttpServers.Port(router, 1024, null), new RouterHandler(router));
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    /** Review M7: the SETTINGS every HTTP/2 connection starts with bound its concurrent streams. */
    @Test
    void http2AnnouncesAMaximumOfConcurrentStreams() {
        EmbeddedChannel ch = new EmbeddedChannel();
        HttpServers.h2(ch.pipeline(), new HttpServers.Port(router, 1024, null), new RouterHandler(router));
        ByteBuf first = null;
        for (ByteBuf out; (out = ch.readOutbound()) != null; ) {
            if (first == null) {
                first = out;
            } else {
                out.release();
            }
        }
        assertThat(first).isNotNull();
        // RFC 9113 §6.5: 9-byte frame header of type 4 (SETTINGS), then 6-byte (id, value) entries.
        assertThat(first.getByte(3)).isEqualTo((byte) 4);
        int length = first.getMedium(0);
        long maxStreams = -1;
        for (int at = 9; at < 9 + length; at += 6) {
            if (first.getUnsignedShort(at) == 3) { // SETTINGS_MAX_CONCURRENT_STREAMS
                maxStreams = first.getUnsignedInt(at + 2);
            }
        }
        first.release();
        assertThat(maxStreams).isEqualTo(HttpServers.MAX_CONCURRENT_STREAMS);
        ch.finishAndReleaseAll();
    }
}
