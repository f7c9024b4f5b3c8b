package io.cuecast.relay;

import io.cuecast.core.cue.CueMessage;
import io.cuecast.core.cue.CueTrack;
import io.cuecast.core.hub.ReaderHandle;
import io.cuecast.core.hub.StreamHub;
import io.cuecast.core.hub.StreamReader;
import io.cuecast.core.media.AacConfig;
import io.cuecast.core.media.H264Config;
import io.cuecast.core.media.MediaKind;
import io.cuecast.core.media.Packet;
import io.cuecast.core.media.Track;
import io.cuecast.rtmp.ChunkDecoder;
import io.cuecast.rtmp.ChunkEncoder;
import io.cuecast.rtmp.ClientHandshakeHandler;
import io.cuecast.rtmp.RtmpMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One push relay for one publish session: reads the hub (its own bounded reader: a slow or dead
 * receiver never holds up ingest, HLS or another relay), connects, publishes, and reconnects by
 * itself with exponential backoff and jitter until the session ends or the relay is stopped.
 * After every (re)connect the receiver gets {@code onMetaData} and the sequence headers first,
 * then media from the next keyframe. Product cues go out as {@code onCuePoint} at their time.
 */
final class PushRelay implements StreamReader {
    private static final Logger log = LoggerFactory.getLogger(PushRelay.class);
    /** Reader queue bound in events (bytes are bounded by the hub as well). */
    static final int READER_CAPACITY = 512;
    static final long FIRST_BACKOFF_MS = 1000;
    /**
     * Longest wait after the receiver refused us (a wrong key or application): asking again sooner
     * only repeats the refusal.
     */
    static final long MAX_BACKOFF_MS = 30_000;
    /**
     * Longest wait while the receiver is unreachable or dropped us: it is usually restarting, and a
     * host expects the push back within seconds of it accepting again (one TCP connect every 2 s
     * costs nothing).
     */
    static final long MAX_UNREACHABLE_BACKOFF_MS = 2000;
    /** Publishing this long counts as healthy: the next failure starts the backoff from the beginning. */
    static final long HEALTHY_MS = 60_000;
    static final int CONNECT_TIMEOUT_MS = 5000;
    /** A receiver that accepts but never answers the publish sequence is dropped after this. */
    static final long PUBLISH_TIMEOUT_MS = 10_000;
    /** Nothing at all read for this long (not even an acknowledgement) while publishing: dead peer. */
    static final int READ_TIMEOUT_S = 60;
    /** Above this much unsent data the receiver is too slow: frames are skipped to the next keyframe. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 * 1024, 2 * 1024 * 1024);

    private final RelayTarget target;
    private final RtmpUrl url;
    private final StreamHub hub;
    /**
     * The one event loop this relay lives on: its connections (every reconnect too), its hub reader
     * and its timers. Packets become RTMP messages and are written where the socket is, with no
     * hop between threads per frame.
     */
    private final EventLoop loop;
    private final Class<? extends Channel> channelType;
    private final SslContext tls;
    private ReaderHandle reader;

    // Reader state (the reader's serial executor).
    private H264Config video;
    private AacConfig audio;
    private double frameRate;
    private int videoTimescale = 1000;
    private int audioTimescale = 1000;
    private int cueTimescale = CueTrack.TIMESCALE;
    private int videoTrack = -1;
    private int audioTrack = -1;
    private boolean waitKeyframe = true;
    private long baseMs = Long.MIN_VALUE;

    // Connection state (volatile: the reader thread reads what the event loop writes).
    private volatile Channel channel;
    private volatile int messageStreamId = -1;
    private volatile boolean publishing;
    private volatile boolean headersSent;
    private volatile boolean stopped;
    private volatile String state = "connecting";
    private volatile String lastError;
    private volatile long publishingSince;
    private long backoffMs = FIRST_BACKOFF_MS;
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile long lastSentMs;

    PushRelay(RelayTarget target, StreamHub hub, EventLoopGroup group, Class<? extends Channel> channelType,
              SslContext tls) {
        this.target = target;
        this.url = RtmpUrl.parse(target.url());
        this.hub = hub;
        this.loop = group.next();
        this.channelType = channelType;
        this.tls = tls;
    }

    /** Attaches to the hub and connects. */
    void start() {
        reader = hub.attach("relay/" + target.id(), this, loop, READER_CAPACITY);
        connect();
    }

    /** Stops for good: the session ended, or the target was removed or disabled. */
    void stop() {
        stopped = true;
        state = "idle";
        if (reader != null) {
            reader.close();
        }
        Channel c = channel;
        if (c != null) {
            c.close();
        }
    }

    RelayTarget target() {
        return target;
    }

    StreamHub hub() {
        return hub;
    }

    RelayStatus status() {
        long edge = hub.liveEdgeMs();
        long lag = publishing && lastSentMs > 0 && edge > 0 ? Math.max(0, edge - lastSentMs) : 0;
        return new RelayStatus(state, attempts.get(), lastError, bytes.get(), dropped.get(), lag);
    }

    private void connect() {
        if (stopped) {
            return;
        }
        state = "connecting";
        attempts.incrementAndGet();
        PushConnection conn = new PushConnection(url);
        Bootstrap b = new Bootstrap().group(loop).channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (url.tls()) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), url.host(), url.port()));
                        }
                        ch.pipeline().addLast(new ReadTimeoutHandler(READ_TIMEOUT_S))
                                .addLast(new ClientHandshakeHandler())
                                .addLast(new ChunkDecoder(1 << 20))
                                .addLast(new ChunkEncoder())
                                .addLast(conn);
                    }
                });
        ChannelFuture f = b.connect(url.host(), url.port());
        Channel ch = f.channel();
        channel = ch;
        f.addListener(done -> {
            if (!done.isSuccess()) {
                conn.published.completeExceptionally(new RelayException("cannot connect to " + url.host() + ":"
                        + url.port() + ": " + done.cause().getMessage()));
            }
        });
        ch.eventLoop().schedule(() -> conn.published.completeExceptionally(
                new RelayException("no NetStream.Publish.Start within " + PUBLISH_TIMEOUT_MS + " ms")),
                PUBLISH_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        conn.published.whenComplete((id, err) -> {
            if (err != null) {
                Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                        ? err.getCause() : err;
                failed(ch, cause.getMessage(), cause instanceof RelayException r && r.refused());
                return;
            }
            messageStreamId = id;
            headersSent = false;
            publishing = true;
            publishingSince = System.nanoTime();
            state = "publishing";
            lastError = null;
            log.info("relay {} of stream {}: publishing to {}", target.id(), target.streamId(), url.redacted());
            ch.closeFuture().addListener(x -> failed(ch, "the connection closed", false));
        });
    }

    /** A connection failed or ended: back off, then connect again (unless stopped). */
    private void failed(Channel ch, String why, boolean refused) {
        if (channel != ch || stopped) {
            return;
        }
        boolean wasHealthy = publishing && System.nanoTime() - publishingSince >= TimeUnit.MILLISECONDS.toNanos(HEALTHY_MS);
        publishing = false;
        channel = null;
        ch.close();
        if (wasHealthy) {
            backoffMs = FIRST_BACKOFF_MS;
        }
        lastError = why;
        state = "backoff";
        // ±20 % jitter, so relays to one receiver that restarts do not reconnect in lockstep.
        long step = refused ? backoffMs : Math.min(backoffMs, MAX_UNREACHABLE_BACKOFF_MS);
        long wait = (long) (step * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
        log.warn("relay {} of stream {} to {}: {}; retrying in {} ms", target.id(), target.streamId(),
                url.redacted(), why, wait);
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        loop.schedule(this::connect, wait, TimeUnit.MILLISECONDS);
    }

    // --- the hub reader (its own serial executor) ---

    @Override
    public void onTracks(List<Track> tracks) {
        video = null;
        audio = null;
        for (Track t : tracks) {
            if (t.kind() == MediaKind.VIDEO && t.config() instanceof H264Config h) {
                video = h;
                videoTrack = t.id();
                videoTimescale = Math.max(1, t.timescale());
                frameRate = h.sps().frameRate();
            } else if (t.kind() == MediaKind.AUDIO && t.config() instanceof AacConfig a) {
                audio = a;
                audioTrack = t.id();
                audioTimescale = Math.max(1, t.timescale());
            } else if (CueTrack.is(t)) {
                cueTimescale = Math.max(1, t.timescale());
            }
        }
        headersSent = false; // new configs: send them again
    }

    @Override
    public void onPacket(Packet p) {
        Channel ch = channel;
        if (!publishing || ch == null) {
            waitKeyframe = true;
            return;
        }
        if (!headersSent) {
            sendHeaders(ch);
        }
        if (baseMs == Long.MIN_VALUE) {
            // The first packet of the first connection sets time zero; it never moves after (a
            // reconnect continues the timeline), and a cue before the first keyframe has its place.
            baseMs = p.trackId() == CueTrack.ID ? p.pts() * 1000 / cueTimescale
                    : p.dts() * 1000 / (p.trackId() == videoTrack ? videoTimescale : audioTimescale);
        }
        if (p.trackId() == CueTrack.ID) {
            sendCue(ch, p);
            return;
        }
        boolean isVideo = p.trackId() == videoTrack;
        if (!isVideo && p.trackId() != audioTrack) {
            return;
        }
        if (!ch.isWritable()) {
            // The receiver does not keep up: skip, and resume at a keyframe so it never decodes
            // across a hole. Ingest and every other reader go on untouched.
            dropped.incrementAndGet();
            waitKeyframe = true;
            return;
        }
        if (waitKeyframe && video != null) {
            if (!isVideo || !p.keyframe()) {
                return;
            }
            waitKeyframe = false;
        }
        int timescale = isVideo ? videoTimescale : audioTimescale;
        long ms = p.dts() * 1000 / timescale;
        byte[] body = isVideo ? FlvTags.videoFrame(p, timescale) : FlvTags.audioFrame(p);
        send(ch, isVideo ? PushConnection.CSID_VIDEO : PushConnection.CSID_AUDIO, ms - baseMs,
                isVideo ? RtmpMessage.VIDEO : RtmpMessage.AUDIO, body);
        bytes.addAndGet(body.length);
        if (isVideo) {
            lastSentMs = ms;
        }
    }

    private void sendHeaders(Channel ch) {
        headersSent = true;
        long ts = baseMs == Long.MIN_VALUE ? 0 : Math.max(0, lastSentMs - baseMs);
        send(ch, PushConnection.CSID_DATA, ts, RtmpMessage.DATA_AMF0, FlvTags.metaData(video, frameRate, audio));
        if (video != null) {
            send(ch, PushConnection.CSID_VIDEO, ts, RtmpMessage.VIDEO, FlvTags.videoSequenceHeader(video));
        }
        if (audio != null) {
            send(ch, PushConnection.CSID_AUDIO, ts, RtmpMessage.AUDIO, FlvTags.audioSequenceHeader(audio));
        }
        waitKeyframe = true;
    }

    private void sendCue(Channel ch, Packet p) {
        CueMessage.parse(p.payload().unsafeArray(), 0, p.payload().length()).ifPresent(cue -> {
            long ms = p.pts() * 1000 / cueTimescale;
            send(ch, PushConnection.CSID_DATA, Math.max(0, ms - baseMs), RtmpMessage.DATA_AMF0,
                    FlvTags.cuePoint(cue, Math.max(0, ms - baseMs)));
        });
    }

    private void send(Channel ch, int csid, long timestamp, int type, byte[] body) {
        // On the channel's own loop (the reader runs there): a direct write, no task per frame.
        ch.writeAndFlush(new RtmpMessage(csid, timestamp & 0xFFFFFFFFL, type, messageStreamId, FlvTags.wrap(body)),
                ch.voidPromise());
    }

    @Override
    public void onEnd() {
        stop();
    }
}
