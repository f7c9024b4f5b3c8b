package io.cuecast.ingest.whip;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one UDP port every WHIP session shares (RFC 8843 BUNDLE and rtcp-mux: one 5-tuple per
 * session). A datagram from a known address goes to its session; from an unknown address only a
 * STUN request addressed to a session's ufrag is read, and answered only when its integrity checks
 * out (RFC 8445 §7.3), so nobody can make this port send to a third party. Everything else is
 * dropped and counted, never thrown.
 *
 * <p>One event loop: every session runs on it, the SRTP work is microseconds per packet.
 */
public final class WhipUdpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WhipUdpServer.class);
    private static final long TICK_MS = 20;

    private final WhipMetrics metrics;
    private final Map<String, WhipSession> byUfrag = new ConcurrentHashMap<>();
    /** Validated client addresses; the loop's alone. */
    private final Map<InetSocketAddress, WhipSession> byAddress = new HashMap<>();
    private final Channel channel;
    private final ScheduledFuture<?> ticker;

    /**
     * Binds {@code host:port} (0 for any free port) on {@code group}'s next loop.
     */
    public WhipUdpServer(String host, int port, EventLoopGroup group, Class<? extends DatagramChannel> type,
                         WhipMetrics metrics) throws InterruptedException {
        this.metrics = metrics;
        this.channel = new Bootstrap().group(group).channel(type)
                .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
                .option(ChannelOption.SO_SNDBUF, 1024 * 1024)
                .handler(new Inbound())
                .bind(host, port).sync().channel();
        this.ticker = channel.eventLoop().scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        log.info("WHIP media on udp {}", channel.localAddress());
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The bound address, {@code host:port}. */
    String localAddress() {
        InetSocketAddress a = (InetSocketAddress) channel.localAddress();
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    /** The loop every session runs on. */
    EventLoop loop() {
        return channel.eventLoop();
    }

    /** Makes a session reachable by its ufrag; any thread. */
    void register(WhipSession s) {
        byUfrag.put(s.localUfrag(), s);
    }

    /** Forgets a session; on the loop. */
    void unregister(WhipSession s) {
        byUfrag.remove(s.localUfrag(), s);
        byAddress.values().removeIf(v -> v == s);
    }

    /** Media from {@code address} now belongs to {@code s} (a nomination, or a re-nomination after a network change). */
    void bind(WhipSession s, InetSocketAddress address) {
        WhipSession previous = byAddress.put(address, s);
        if (previous != null && previous != s) {
            // The same 5-tuple re-used by a new session of the same client (a re-POST after a drop).
            log.debug("address {} moved from session {} to {}", address, previous.resourceId(), s.resourceId());
        }
    }

    /** Sends one datagram; any thread. */
    void send(byte[] d, InetSocketAddress to) {
        channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(d), to));
    }

    private void tick() {
        for (WhipSession s : byUfrag.values()) {
            if (s.loop() == channel.eventLoop()) {
                try {
                    s.tick();
                } catch (RuntimeException e) {
                    log.warn("stream {}: WHIP session failed", s.streamId(), e);
                    s.close("error", String.valueOf(e.getMessage()));
                }
            }
        }
    }

    private void onDatagram(ByteBuf content, InetSocketAddress from) {
        int length = content.readableBytes();
        if (length > RtpPacket.MAX_LENGTH) {
            metrics.dropped("oversized");
            return;
        }
        byte[] d = new byte[length];
        content.getBytes(content.readerIndex(), d);
        PacketKind kind = PacketKind.of(d, 0, length);
        WhipSession known = byAddress.get(from);
        if (kind == PacketKind.STUN) {
            StunMessage m;
            try {
                m = StunMessage.parse(d, 0, length);
            } catch (MalformedPacketException e) {
                metrics.dropped("malformed_stun");
                return;
            }
            String ufrag = IceLiteAgent.addressedTo(m);
            WhipSession s = ufrag == null ? null : byUfrag.get(ufrag);
            if (s == null) {
                metrics.dropped("stun_unknown_ufrag");
                return;
            }
            s.onStun(m, from);
            return;
        }
        if (known == null) {
            metrics.dropped("unknown_address");
            return;
        }
        known.onDatagram(kind, d, length);
    }

    @Override
    public void close() {
        ticker.cancel(false);
        channel.eventLoop().execute(() -> {
            for (WhipSession s : byUfrag.values()) {
                s.close("shutdown", "the server is stopping");
            }
        });
        channel.close().syncUninterruptibly();
    }

    private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            try {
                onDatagram(packet.content(), packet.sender());
            } catch (RuntimeException e) {
                // One bad datagram never takes the port down for every other publisher.
                metrics.dropped("error");
                log.debug("WHIP datagram from {} failed", packet.sender(), e);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("WHIP socket: {}", cause.toString());
        }
    }
}
