package io.cuecast.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every HTTP pipeline (HTTP/1.1 connection or HTTP/2 stream): a request goes to
 * the port's {@link Router}, the answer comes back on the connection's event loop and goes out
 * through the {@link ResponseWriter}. Malformed requests get a 400 and the connection closes.
 */
@ChannelHandler.Sharable
public final class RouterHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RouterHandler.class);
    private final Router router;

    public RouterHandler(Router router) {
        this.router = router;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        Request request;
        try {
            if (req.decoderResult().isFailure()) {
                Response bad = Response.text(HttpResponseStatus.BAD_REQUEST,
                        "malformed HTTP request: " + req.decoderResult().cause().getMessage() + "\n");
                ResponseWriter.writeWhole(ctx, false, false, bad);
                return;
            }
            request = Request.of(req, ctx.executor(), ctx.channel().remoteAddress());
        } finally {
            ReferenceCountUtil.release(req);
        }
        router.dispatch(request).whenComplete((r, e) -> {
            Response answer = e != null ? Response.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n") : r;
            if (ctx.executor().inEventLoop()) {
                ResponseWriter.write(ctx, request, answer);
            } else {
                ctx.executor().execute(() -> ResponseWriter.write(ctx, request, answer));
            }
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("http {}: closing after {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

}
