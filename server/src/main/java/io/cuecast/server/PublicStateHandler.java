package io.cuecast.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cuecast.server.admin.ApiException;
import io.cuecast.server.admin.JsonHttp;
import io.cuecast.server.cues.CueService;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.Executor;

/**
 * {@code GET /streams/{id}/state.json} on the public port: the products on screen now, for apps that
 * join late or do not read metadata from the stream. No token: it only shows what viewers see.
 */
@ChannelHandler.Sharable
final class PublicStateHandler extends ChannelInboundHandlerAdapter {
    private static final String PREFIX = "/streams/";
    private static final String SUFFIX = "/state.json";
    private final CueService cues;
    private final Executor blocking;
    private final String corsOrigin;
    private final ObjectMapper json = new ObjectMapper();

    PublicStateHandler(CueService cues, Executor blocking, String corsOrigin) {
        this.cues = cues;
        this.blocking = blocking;
        this.corsOrigin = corsOrigin;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ctx.fireChannelRead(msg);
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        if (!path.startsWith(PREFIX) || !path.endsWith(SUFFIX) || !req.method().equals(HttpMethod.GET)) {
            ctx.fireChannelRead(msg);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        String id = path.substring(PREFIX.length(), path.length() - SUFFIX.length());
        ReferenceCountUtil.release(req);
        blocking.execute(() -> {
            try {
                byte[] body = json.writeValueAsBytes(cues.activeState(id));
                var r = new io.netty.handler.codec.http.DefaultFullHttpResponse(
                        io.netty.handler.codec.http.HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        io.netty.buffer.Unpooled.wrappedBuffer(body));
                r.headers().set("Content-Type", "application/json");
                r.headers().set("Cache-Control", "public, max-age=1");
                r.headers().set("Access-Control-Allow-Origin", corsOrigin);
                JsonHttp.sendRaw(ctx, r, keepAlive);
            } catch (ApiException e) {
                JsonHttp.error(ctx, json, e.status(), e.code(), e.getMessage(), keepAlive);
            } catch (Exception e) {
                JsonHttp.error(ctx, json, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error", e.getMessage(),
                        keepAlive);
            }
        });
    }
}
