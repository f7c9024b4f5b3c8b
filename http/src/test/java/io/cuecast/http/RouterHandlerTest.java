package io.cuecast.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The router on a Netty pipeline: what the one response writer puts on the wire. */
class RouterHandlerTest {
    private static final Router ROUTER = Router.builder(ErrorStyle.TEXT)
            .get("/hello", r -> CompletableFuture.completedFuture(Response.text(HttpResponseStatus.OK, "hello")))
            .build();

    private static FullHttpResponse exchange(EmbeddedChannel ch, DefaultFullHttpRequest req) {
        ch.writeInbound(req);
        ch.runPendingTasks();
        return ch.readOutbound();
    }

    @Test
    void headGetsTheGetHeadersWithoutTheBody() {
        EmbeddedChannel ch = new EmbeddedChannel(new RouterHandler(ROUTER));
        FullHttpResponse get = exchange(ch, new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/hello"));
        FullHttpResponse head = exchange(ch, new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.HEAD, "/hello"));
        assertThat(get.content().toString(StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(head.content().readableBytes()).isZero();
        assertThat(HttpUtil.getContentLength(head)).isEqualTo(5);
        assertThat(head.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("keep-alive");
        get.release();
        head.release();
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void connectionCloseIsHonoured() {
        EmbeddedChannel ch = new EmbeddedChannel(new RouterHandler(ROUTER));
        DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/hello");
        req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        FullHttpResponse r = exchange(ch, req);
        assertThat(r.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
        r.release();
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aMalformedRequestIs400AndClosesTheConnection() {
        EmbeddedChannel ch = new EmbeddedChannel(new RouterHandler(ROUTER));
        DefaultFullHttpRequest bad = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/hello");
        bad.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("invalid version format")));
        FullHttpResponse r = exchange(ch, bad);
        assertThat(r.status().code()).isEqualTo(400);
        assertThat(r.content().toString(StandardCharsets.UTF_8)).contains("malformed HTTP request: invalid version format");
        r.release();
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void anOversizedBodyIs413NamingTheLimitAndOnlyTheSettingThatRaisesIt() {
        EmbeddedChannel publicPort = new EmbeddedChannel(new LimitedAggregator(8, null), new RouterHandler(ROUTER));
        EmbeddedChannel adminPort = new EmbeddedChannel(new LimitedAggregator(8, "admin.maxBodyBytes"),
                new RouterHandler(ROUTER));
        for (EmbeddedChannel ch : new EmbeddedChannel[] {publicPort, adminPort}) {
            DefaultHttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/hello");
            HttpUtil.setContentLength(head, 100);
            ch.writeInbound(head);
            ch.writeInbound(new DefaultHttpContent(Unpooled.copiedBuffer(new byte[100])));
        }
        FullHttpResponse p = publicPort.readOutbound();
        FullHttpResponse a = adminPort.readOutbound();
        assertThat(p.status().code()).isEqualTo(413);
        assertThat(p.content().toString(StandardCharsets.UTF_8)).contains("exceeds the limit of 8 bytes")
                .doesNotContain("admin.maxBodyBytes");
        assertThat(a.content().toString(StandardCharsets.UTF_8)).contains("('admin.maxBodyBytes')");
        p.release();
        a.release();
    }
}
