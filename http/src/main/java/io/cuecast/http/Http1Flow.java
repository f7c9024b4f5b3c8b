package io.cuecast.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Backpressure and deadlines of one HTTP/1.1 connection. The connection reads only while it has no
 * request in flight: a client that pipelines requests and never reads its responses gets one
 * response buffered, not thousands (RFC 9112 §9.3.2 lets a server answer pipelined requests one at
 * a time, in order, which this also guarantees). Requests decoded from bytes already read wait in a
 * queue of at most {@link #MAX_PIPELINED}; past it the connection closes. A request must arrive
 * whole within the read timeout of its first byte (slowloris), or the connection gets 408 and closes.
 *
 * <p>Two handlers share the state: {@link #bytes()} before the HTTP codec sees the first byte of a
 * request, {@link #requests()} after the aggregator sees it complete and its response written.
 * Not sharable: one instance per connection.
 */
public final class Http1Flow {
    /** Decoded requests one connection may have waiting behind the one in flight. */
    public static final int MAX_PIPELINED = 100;

    private final long readTimeoutMs;
    private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();
    private final ChannelHandler bytes = new Bytes();
    private final ChannelHandler requests = new Requests();
    private ChannelHandlerContext requestsCtx;
    private ScheduledFuture<?> deadline;
    private boolean inFlight;
    private boolean off;

    /** @param readTimeoutMs time from a request's first byte to the whole request */
    public Http1Flow(long readTimeoutMs) {
        this.readTimeoutMs = readTimeoutMs;
    }

    /** Goes before the HTTP codec. */
    public ChannelHandler bytes() {
        return bytes;
    }

    /** Goes after the aggregator, before the router. */
    public ChannelHandler requests() {
        return requests;
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private final class Bytes extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!off && deadline == null && msg instanceof ByteBuf b && b.isReadable()) {
                deadline = ctx.executor().schedule(() -> timedOut(), readTimeoutMs, TimeUnit.MILLISECONDS);
            }
            ctx.fireChannelRead(msg);
        }

        private void timedOut() {
            deadline = null;
            if (requestsCtx != null && requestsCtx.channel().isActive()) {
                ResponseWriter.writeWhole(requestsCtx, false, false, Response.text(HttpResponseStatus.REQUEST_TIMEOUT,
                        "the request did not arrive whole within " + readTimeoutMs + " ms\n"));
            }
        }
    }

    private final class Requests extends ChannelDuplexHandler {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            requestsCtx = ctx;
            ctx.channel().config().setAutoRead(false);
            if (ctx.channel().isActive()) {
                ctx.read();
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (off || !(msg instanceof FullHttpRequest req)) {
                ctx.fireChannelRead(msg);
                return;
            }
            cancelDeadline();
            if (!inFlight) {
                dispatch(ctx, req);
            } else if (queued.size() < MAX_PIPELINED) {
                queued.add(req);
            } else {
                ReferenceCountUtil.release(req);
                ctx.close(); // more pipelined requests than we hold for one connection
            }
        }

        private void dispatch(ChannelHandlerContext ctx, FullHttpRequest req) {
            inFlight = true;
            ctx.fireChannelRead(req);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // A read that held part of a request: read on until it is whole (or times out).
            if (!off && !inFlight && ctx.channel().isWritable()) {
                ctx.read();
            }
            ctx.fireChannelReadComplete();
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (!off && msg instanceof LastHttpContent) {
                ChannelPromise p = promise.unvoid();
                p.addListener(f -> responded(ctx));
                ctx.write(msg, p);
                return;
            }
            ctx.write(msg, promise);
        }

        /** The response in flight is written: the next queued request, or read again. */
        private void responded(ChannelHandlerContext ctx) {
            if (off || !ctx.channel().isActive()) {
                return;
            }
            inFlight = false;
            FullHttpRequest next = queued.poll();
            if (next != null) {
                dispatch(ctx, next);
            } else if (ctx.channel().isWritable()) {
                ctx.read();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (!off && !inFlight && ctx.channel().isWritable()) {
                ctx.read();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof HttpServerUpgradeHandler.UpgradeEvent
                    || evt instanceof CleartextHttp2ServerUpgradeHandler.PriorKnowledgeUpgradeEvent) {
                // The connection now speaks HTTP/2: its streams have their own flow control.
                off = true;
                cancelDeadline();
                ctx.channel().config().setAutoRead(true);
                ctx.read();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancelDeadline();
            for (FullHttpRequest r; (r = queued.poll()) != null; ) {
                ReferenceCountUtil.release(r);
            }
            ctx.fireChannelInactive();
        }
    }
}
