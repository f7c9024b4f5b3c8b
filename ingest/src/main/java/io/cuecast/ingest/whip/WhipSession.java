package io.cuecast.ingest.whip;

import io.cuecast.core.hub.Publisher;
import io.cuecast.ingest.PublishSession;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import io.cuecast.core.media.AacConfig;
import io.cuecast.core.media.AudioConverter;
import java.util.function.Supplier;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WHIP publish from the answer to its end: ICE-lite checks, the DTLS-SRTP handshake, then RTP
 * in (RTX unwrapped, reordered, NACKed, depacketized) and RTCP out (NACK, PLI), feeding the claimed
 * hub through {@link WhipIngest}. Ends on DELETE, a takeover, DTLS {@code close_notify}, or a limit:
 * ICE and DTLS not done in time, nothing authenticated heard for the liveness timeout, a bitrate
 * over the cap, a flood of packets that fail authentication.
 *
 * <p>Everything runs on the UDP port's event loop; the DTLS handshake's callbacks hop onto it.
 */
public final class WhipSession {
    private static final Logger log = LoggerFactory.getLogger(WhipSession.class);
    /** Keyframe requests before the first keyframe arrives (LiveKit's pattern: a browser answers the first). */
    private static final long FIRST_KEYFRAME_PLI_MS = 500;
    /** Least time between two keyframe requests sent for loss. */
    private static final long LOSS_PLI_MS = 500;
    /** Window of the bitrate cap. */
    private static final long BITRATE_WINDOW_MS = 5000;
    /** Packets failing SRTP authentication in one bitrate window before the session is ended. */
    private static final int MAX_AUTH_FAILURES = 200;
    private static final long NACK_RETRY_MS = 40;
    private static final int NACK_TRIES = 3;

    private final String resourceId;
    private final String streamId;
    private final SdpOffer offer;
    private final WhipSessionSpec spec;
    private final IceLiteAgent ice;
    private final EventLoop loop;
    private final WhipUdpServer udp;
    private final WhipMetrics metrics;
    private final long ourSsrc = ThreadLocalRandom.current().nextInt() & 0xffffffffL;
    private final long createdNanos = System.nanoTime();
    private final ReorderBuffer reorder;
    private final H264Depacketizer depacketizer = new H264Depacketizer();
    private final RtpClock videoClock = new RtpClock(90_000);
    private final RtpClock audioClock = new RtpClock(48_000);
    /** Makes the session's Opus → AAC converter, or null when no audio was negotiated. */
    private Supplier<AudioConverter> audioFactory;
    /** The converter: made, used and closed on the audio executor only. */
    private AudioConverter converter;
    /** Set on the audio executor when the converter is closed or could not be made. */
    private boolean audioGone;
    private Executor audioExecutor;
    private long audioSsrc = -1;
    private int lastAudioSequence = -1;
    private Rtcp.SenderReport videoSr;
    private Rtcp.SenderReport audioSr;
    private long avCorrectionMs;
    private final TransportFeedback twcc;
    private ReceiverStats videoStats;
    private ReceiverStats audioStats;
    private long lastTwccMs;
    private long lastReportMs;
    /** TWCC feedback interval (libwebrtc's receivers send it every 50–100 ms). */
    private static final long TWCC_MS = 100;
    /** Receiver report interval (RFC 3550 §6.2 allows this for a session of two). */
    private static final long REPORT_MS = 1000;
    private DtlsEndpoint dtls;
    private PublishSession publish;
    private WhipIngest ingest;
    private SrtpSession srtp;
    private long videoSsrc = -1;
    private boolean closed;
    private boolean sawKeyframe;
    private long lastHeardMs;
    private long lastPliMs = Long.MIN_VALUE;
    private long droppedReported;
    private long lostReported;
    private long windowStartMs;
    private long windowBytes;
    private int windowAuthFailures;
    private long connectedMs = -1;
    private long packets;
    private long bytes;
    private String closeReason;
    private long nacksSent;
    private long firstKeyframeMs = -1;
    private long lastKeyframeMs = -1;
    private long plisSent;

    WhipSession(String resourceId, String streamId, SdpOffer offer, WhipSessionSpec spec, String localUfrag,
                String localPwd, EventLoop loop, WhipUdpServer udp, WhipMetrics metrics) {
        this.resourceId = resourceId;
        this.streamId = streamId;
        this.offer = offer;
        this.spec = spec;
        this.ice = new IceLiteAgent(localUfrag, localPwd, offer.iceUfrag());
        this.loop = loop;
        this.udp = udp;
        this.metrics = metrics;
        this.reorder = new ReorderBuffer(spec.jitterMs(), NACK_RETRY_MS, NACK_TRIES);
        this.twcc = spec.transportCcId() > 0 ? new TransportFeedback() : null;
    }

    /** The resource id in {@code Location: /whip/{streamId}/{resourceId}}. */
    public String resourceId() {
        return resourceId;
    }

    public String streamId() {
        return streamId;
    }

    /** The ICE ufrag of our side, which the client's checks are addressed to. */
    String localUfrag() {
        return ice.localUfrag();
    }

    /** The client's address once ICE nominated one; null before. */
    public InetSocketAddress remote() {
        return ice.nominated();
    }

    /** The hub's view of this publisher (its thread is the UDP loop). */
    Publisher publisher(String remoteAddress) {
        Publisher base = Publisher.of("whip", remoteAddress, loop,
                reason -> loop.execute(() -> close("taken_over", reason)));
        return new Publisher() {
            @Override
            public java.util.concurrent.Executor executor() {
                return base.executor();
            }

            @Override
            public void close(String reason) {
                base.close(reason);
            }

            @Override
            public String description() {
                return base.description();
            }

            @Override
            public String remoteAddress() {
                return base.remoteAddress();
            }

            @Override
            public Map<String, Object> transport() {
                return transportStatus();
            }
        };
    }

    /** The figures the admin API shows; read from other threads, so a snapshot of plain fields. */
    private Map<String, Object> transportStatus() {
        InetSocketAddress r = ice.nominated();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("resourceId", resourceId);
        m.put("state", closed ? "closed" : srtp == null ? "connecting" : sawKeyframe ? "live" : "waiting_for_keyframe");
        m.put("selectedCandidatePair", Map.of("local", udp.localAddress(),
                "remote", r == null ? "" : r.getAddress().getHostAddress() + ":" + r.getPort()));
        m.put("dtlsRole", dtls == null ? "" : dtls.isClient() ? "client" : "server");
        m.put("connectMs", connectedMs);
        m.put("firstKeyframeMs", firstKeyframeMs);
        m.put("packets", packets);
        m.put("packetsLost", reorder.lost());
        m.put("framesDropped", depacketizer.droppedFrames());
        m.put("nackSent", nacksSent);
        m.put("pliSent", plisSent);
        m.put("transportCc", twcc != null);
        m.put("avCorrectionMs", avCorrectionMs == Long.MIN_VALUE ? 0 : avCorrectionMs);
        return m;
    }

    /** Gives the session its claimed stream and DTLS endpoint; the loop's or the creator's thread, before any packet. */
    void start(PublishSession publish, DtlsEndpoint dtls, String encoder, Supplier<AudioConverter> audioFactory,
               Executor audioExecutor) {
        this.publish = publish;
        this.dtls = dtls;
        this.audioFactory = audioFactory;
        this.audioExecutor = audioExecutor;
        this.ingest = new WhipIngest(publish.hub(), encoder, audioFactory != null);
        if (audioFactory != null) {
            // Opened now, off this loop, so it is ready when the first Opus packet comes (after DTLS).
            audioExecutor.execute(this::openConverter);
        }
        this.lastHeardMs = nowMs();
        metrics.sessionOpened();
        if (!dtls.isClient()) {
            dtls.start(); // the server waits for the ClientHello, which comes once ICE succeeded
        }
    }

    long nowMs() {
        return (System.nanoTime() - createdNanos) / 1_000_000;
    }

    /** A STUN request addressed to our ufrag, from {@code from}; on the loop. */
    void onStun(StunMessage m, InetSocketAddress from) {
        if (closed) {
            return;
        }
        InetSocketAddress before = ice.nominated();
        byte[] response = ice.onStun(m, from);
        if (response == null) {
            metrics.dropped("stun_refused");
            return;
        }
        lastHeardMs = nowMs();
        udp.send(response, from);
        InetSocketAddress now = ice.nominated();
        if (now != null && !now.equals(before)) {
            udp.bind(this, now);
            if (before == null && dtls.isClient()) {
                dtls.start(); // FFmpeg (offer passive) waits for our ClientHello
            }
        }
    }

    /** A datagram from the nominated address; on the loop. */
    void onDatagram(PacketKind kind, byte[] d, int length) {
        if (closed) {
            return;
        }
        switch (kind) {
            case DTLS -> dtls.receive(java.util.Arrays.copyOf(d, length));
            case RTP -> onRtp(d, length);
            case RTCP -> onRtcp(d, length);
            default -> metrics.dropped("unknown");
        }
    }

    private void onRtp(byte[] d, int length) {
        if (srtp == null) {
            metrics.dropped("before_dtls");
            return;
        }
        SrtpSession.Outcome o = srtp.unprotectRtp(d, length);
        if (o.result() != SrtpSession.Result.OK) {
            onUnprotectFailure(o.result());
            return;
        }
        long now = nowMs();
        lastHeardMs = now;
        countBytes(length, now);
        RtpPacket p;
        try {
            p = RtpPacket.parse(d, 0, o.length());
        } catch (MalformedPacketException e) {
            metrics.dropped("malformed_rtp");
            return;
        }
        if (twcc != null) {
            int transportSequence = RtpPacket.extension16(d, o.length(), spec.transportCcId());
            if (transportSequence >= 0) {
                twcc.onPacket(transportSequence, System.nanoTime() / 1000);
            }
        }
        if (p.payloadType() == spec.rtxPayloadType()) {
            p = unwrapRtx(p);
            if (p == null) {
                return;
            }
            videoStats.onPacket(p.sequence(), p.timestamp(), now, true);
        } else if (p.payloadType() == spec.videoPayloadType()) {
            if (videoSsrc < 0) {
                videoSsrc = p.ssrc();
                videoStats = new ReceiverStats(videoSsrc, 90_000);
            } else if (p.ssrc() != videoSsrc) {
                metrics.dropped("second_video_ssrc"); // simulcast layers beyond the first
                return;
            }
            videoStats.onPacket(p.sequence(), p.timestamp(), now, false);
        } else if (p.payloadType() == spec.audioPayloadType() && audioFactory != null) {
            onAudio(p, now);
            return;
        } else {
            metrics.dropped("unknown_payload_type");
            return;
        }
        packets++;
        deliver(reorder.push(p, now), now);
    }

    /**
     * Opus (RFC 7587): one packet is one frame. No NACK for audio (nobody offers it): a late or
     * repeated packet is dropped, a lost one becomes silence in the converter. The conversion runs
     * off the UDP loop, serially per session, and its AAC comes back to the loop.
     */
    private void onAudio(RtpPacket p, long now) {
        if (audioSsrc < 0) {
            audioSsrc = p.ssrc();
            audioStats = new ReceiverStats(audioSsrc, 48_000);
        } else if (p.ssrc() != audioSsrc) {
            metrics.dropped("second_audio_ssrc");
            return;
        }
        audioStats.onPacket(p.sequence(), p.timestamp(), now, false);
        if (lastAudioSequence >= 0) {
            int delta = (p.sequence() - lastAudioSequence) & 0xffff;
            if (delta == 0 || delta > 0x8000) {
                metrics.dropped("late_audio");
                return;
            }
        }
        lastAudioSequence = p.sequence();
        packets++;
        if (p.payloadLength() == 0) {
            return;
        }
        long ms = audioClock.toMs(p.timestamp(), now);
        byte[] opus = java.util.Arrays.copyOfRange(p.data(), p.payloadOffset(), p.payloadOffset() + p.payloadLength());
        audioExecutor.execute(() -> convert(opus, ms));
    }

    /** On the audio executor: FFmpeg's codecs open there, never on the UDP loop or the HTTP loop. */
    private void openConverter() {
        if (audioGone) {
            return;
        }
        try {
            converter = audioFactory.get();
        } catch (RuntimeException e) {
            audioGone = true;
            log.warn("stream {}: no Opus to AAC converter ({}); the stream goes on without audio", streamId,
                    e.getMessage());
        }
    }

    /** On the audio executor, after {@link #openConverter}. */
    private void convert(byte[] opus, long ms) {
        if (converter == null) {
            return; // it could not be made (said in the log), or the session ended
        }
        List<io.cuecast.core.media.Packet> aac = converter.convert(opus, 0, opus.length, ms, WhipIngest.AUDIO_TRACK);
        if (!aac.isEmpty()) {
            AacConfig config = converter.config();
            loop.execute(() -> {
                if (!closed) {
                    ingest.onAudio(config, aac);
                }
            });
        }
    }

    /** RFC 4588 §4: an RTX packet carries the original sequence number in its first two payload bytes. */
    private RtpPacket unwrapRtx(RtpPacket p) {
        if (p.payloadLength() < 2 || videoSsrc < 0) {
            return null; // padding-only bandwidth probe, or a retransmission before any original
        }
        byte[] d = p.data();
        int osn = ((d[p.payloadOffset()] & 0xff) << 8) | (d[p.payloadOffset() + 1] & 0xff);
        return new RtpPacket(spec.videoPayloadType(), p.marker(), osn, p.timestamp(), videoSsrc, d,
                p.payloadOffset() + 2, p.payloadLength() - 2);
    }

    private void deliver(List<RtpPacket> inOrder, long now) {
        for (RtpPacket p : inOrder) {
            for (H264Depacketizer.AccessUnit au : depacketizer.push(p)) {
                if (au.keyframe()) {
                    lastKeyframeMs = nowMs();
                    if (!sawKeyframe) {
                        sawKeyframe = true;
                        firstKeyframeMs = lastKeyframeMs;
                    }
                }
                ingest.onVideo(au, videoClock.toMs(au.rtpTimestamp(), now));
            }
        }
        long dropped = depacketizer.droppedFrames();
        if (dropped > droppedReported) {
            metrics.droppedFrames(dropped - droppedReported);
            droppedReported = dropped;
            if (sawKeyframe) {
                requestKeyframe(now, LOSS_PLI_MS); // the picture is broken until the next keyframe
            }
        }
    }

    private void onRtcp(byte[] d, int length) {
        if (srtp == null) {
            metrics.dropped("before_dtls");
            return;
        }
        SrtpSession.Outcome o = srtp.unprotectRtcp(d, length);
        if (o.result() != SrtpSession.Result.OK) {
            onUnprotectFailure(o.result());
            return;
        }
        lastHeardMs = nowMs();
        countBytes(length, lastHeardMs);
        try {
            for (Rtcp.SenderReport sr : Rtcp.senderReports(d, 0, o.length())) {
                if (sr.ssrc() == videoSsrc) {
                    videoSr = sr;
                    videoStats.onSenderReport(sr.ntp(), lastHeardMs);
                } else if (sr.ssrc() == audioSsrc) {
                    audioSr = sr;
                    audioStats.onSenderReport(sr.ntp(), lastHeardMs);
                }
            }
        } catch (MalformedPacketException e) {
            metrics.dropped("malformed_rtcp");
            return;
        }
        if (videoSr != null && audioSr != null && avCorrectionMs == 0) {
            // RFC 3550 §6.4.1: the two reports put both clocks on the sender's NTP time; once.
            long c = audioClock.alignTo(videoClock, audioSr, videoSr);
            avCorrectionMs = c == 0 ? Long.MIN_VALUE : c;
            if (c < 0) {
                // Audio should be earlier. AAC leaves as a gapless run (the converter and the
                // packager keep its samples contiguous), so moving it back would be swallowed: the
                // video moves later instead, which one longer frame absorbs. Audio moving later
                // is a gap the converter fills with silence.
                audioClock.shift(-c);
                videoClock.shift(-c);
            }
            if (c != 0) {
                log.info("stream {}: audio moved {} ms against video to match the sender's reports", streamId, c);
            }
        }
    }

    private void onUnprotectFailure(SrtpSession.Result result) {
        metrics.dropped("srtp_" + result.name().toLowerCase(java.util.Locale.ROOT));
        // A packet that does not authenticate is forged or corrupt (a new SSRC too: its context is
        // kept only once a packet of it authenticates); replays are retransmissions, not counted.
        boolean forged = result == SrtpSession.Result.AUTH_FAILED || result == SrtpSession.Result.TOO_MANY_SSRCS
                || result == SrtpSession.Result.INVALID;
        if (forged && ++windowAuthFailures > MAX_AUTH_FAILURES) {
            close("auth_failures", "over " + MAX_AUTH_FAILURES + " packets failed SRTP authentication in "
                    + BITRATE_WINDOW_MS / 1000 + " s");
        }
    }

    private void countBytes(int length, long now) {
        bytes += length;
        publish.hub().stats().addBytes(length);
        if (now - windowStartMs >= BITRATE_WINDOW_MS) {
            windowStartMs = now;
            windowBytes = 0;
            windowAuthFailures = 0;
        }
        windowBytes += length;
        long cap = (long) spec.maxBitrateKbps() * 1000 / 8 * BITRATE_WINDOW_MS / 1000;
        if (windowBytes > cap) {
            close("bitrate", "over webrtc.maxBitrateKbps=" + spec.maxBitrateKbps() + " for "
                    + BITRATE_WINDOW_MS / 1000 + " s");
        }
    }

    /** Timers: NACKs, keyframe requests, deadlines; every 20 ms on the loop. */
    void tick() {
        if (closed) {
            return;
        }
        long now = nowMs();
        if (srtp == null) {
            if (now >= spec.handshakeTimeoutMs()) {
                close("handshake_timeout", (ice.nominated() == null ? "ICE" : "DTLS") + " not done in "
                        + spec.handshakeTimeoutMs() + " ms");
            }
            return;
        }
        if (now - lastHeardMs >= spec.livenessTimeoutMs()) {
            close("liveness", "nothing heard for " + spec.livenessTimeoutMs() + " ms");
            return;
        }
        if (!sawKeyframe && now - connectedMs >= spec.handshakeTimeoutMs() + 5000) {
            close("no_media", "no keyframe " + (spec.handshakeTimeoutMs() + 5000) + " ms after DTLS");
            return;
        }
        List<RtpPacket> released = new ArrayList<>();
        List<Integer> nack = reorder.due(now, released);
        deliver(released, now);
        long lost = reorder.lost();
        if (lost > lostReported) {
            metrics.lost(lost - lostReported);
            lostReported = lost;
        }
        if (!nack.isEmpty() && videoSsrc >= 0) {
            for (int from = 0; from < nack.size(); from += 64) {
                sendRtcp(Rtcp.nack(ourSsrc, videoSsrc, nack.subList(from, Math.min(nack.size(), from + 64))));
            }
            metrics.nacks(nack.size());
            nacksSent += nack.size();
        }
        if (twcc != null && now - lastTwccMs >= TWCC_MS) {
            lastTwccMs = now;
            byte[] feedback = twcc.build(ourSsrc, Math.max(0, videoSsrc));
            if (feedback != null) {
                sendRtcp(feedback);
            }
        }
        if (now - lastReportMs >= REPORT_MS && (videoStats != null || audioStats != null)) {
            lastReportMs = now;
            sendRtcp(ReceiverStats.receiverReport(ourSsrc, now, videoStats, audioStats));
        }
        if (!sawKeyframe) {
            requestKeyframe(now, FIRST_KEYFRAME_PLI_MS);
        } else if (spec.keyframeRequestMs() > 0 && now - lastKeyframeMs >= spec.keyframeRequestMs()) {
            // Asked for when the segment is due, so the keyframe lands just after the segment target
            // and cuts it there; again every 500 ms until one comes (OBS and FFmpeg never answer).
            requestKeyframe(now, FIRST_KEYFRAME_PLI_MS);
        }
    }

    private void requestKeyframe(long now, long minGapMs) {
        if (videoSsrc < 0 || (lastPliMs != Long.MIN_VALUE && now - lastPliMs < minGapMs)) {
            return;
        }
        lastPliMs = now;
        sendRtcp(Rtcp.pli(ourSsrc, videoSsrc));
        metrics.pli();
        plisSent++;
    }

    private void sendRtcp(byte[] plain) {
        InetSocketAddress to = ice.nominated();
        if (srtp != null && to != null) {
            udp.send(srtp.protectRtcp(plain), to);
        }
    }

    /** DTLS listener: everything hops onto the loop. */
    DtlsEndpoint.Listener dtlsListener() {
        return new DtlsEndpoint.Listener() {
            @Override
            public void onConnected(DtlsEndpoint.SrtpKeys keys) {
                loop.execute(() -> connected(keys));
            }

            @Override
            public void onFailed(String reason) {
                loop.execute(() -> close("dtls_failed", "DTLS: " + reason));
            }

            @Override
            public void onClosed() {
                loop.execute(() -> close("dtls_closed", "the publisher closed DTLS"));
            }
        };
    }

    private void connected(DtlsEndpoint.SrtpKeys keys) {
        if (closed) {
            return;
        }
        srtp = new SrtpSession(keys);
        connectedMs = nowMs();
        lastHeardMs = connectedMs;
        metrics.connected(Duration.ofMillis(connectedMs));
        log.info("stream {}: WHIP publisher {} connected in {} ms (DTLS {})", streamId, ice.nominated(), connectedMs,
                dtls.isClient() ? "client" : "server");
    }

    /** Ends the session and its publish (the stream enters its end grace); idempotent, on the loop. */
    void close(String reason, String detail) {
        if (closed) {
            return;
        }
        closed = true;
        closeReason = reason;
        if (dtls != null) {
            dtls.close();
        }
        if (audioFactory != null) {
            audioExecutor.execute(() -> { // after any conversion still queued
                audioGone = true;
                if (converter != null) {
                    converter.close();
                    converter = null;
                }
            });
        }
        udp.unregister(this);
        if (publish != null) {
            metrics.sessionClosed(reason);
            publish.release();
        }
        log.info("stream {}: WHIP session {} ended ({}: {}); {} packets, {} bytes", streamId, resourceId, reason,
                detail, packets, bytes);
    }

    boolean isClosed() {
        return closed;
    }

    /** Why it ended, or null while open. */
    String closeReason() {
        return closeReason;
    }

    EventLoop loop() {
        return loop;
    }

    SdpOffer offer() {
        return offer;
    }
}
