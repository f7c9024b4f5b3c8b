package io.cuecast.ingest.whip;

import io.cuecast.core.hub.HubRegistry;
import io.cuecast.ingest.PublishAuthorizer;
import io.cuecast.ingest.PublishSession;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import io.cuecast.core.media.AudioConverter;

/**
 * The WHIP resource logic of RFC 9725, apart from HTTP: an offer becomes an answer and a session (or
 * a refusal that names the problem and carries its HTTP status), a DELETE ends the session. The
 * public HTTP port's routes call it on their event loop; nothing here blocks.
 */
public final class WhipService {
    /** A refusal: the HTTP status, a machine-readable code and a sentence for the publisher's log. */
    public record Refusal(int status, String code, String message) {}

    /**
     * An accepted offer.
     *
     * @param resourceId the id in the {@code Location} path
     * @param answer the SDP answer
     * @param etag identifies this ICE session (RFC 9725 §4.3.1), our ufrag
     */
    public record Answer(String resourceId, String answer, String etag) {}

    /** The outcome of an offer: exactly one of the two is set. */
    public record Outcome(Answer answer, Refusal refusal) {}

    /** Largest offer read: browsers send 4–8 KiB, OBS with simulcast ~10 KiB. */
    public static final int MAX_OFFER_BYTES = SdpOffer.MAX_BYTES;
    /** Offers one address may make per {@link #RATE_WINDOW_MS}; a reconnecting page makes a few. */
    static final int OFFERS_PER_WINDOW = 10;
    static final long RATE_WINDOW_MS = 10_000;
    private static final int MAX_RATE_ENTRIES = 10_000;

    private final WhipSessionSpec limits;
    private final int maxSessions;
    private final PublishAuthorizer authorizer;
    private final HubRegistry hubs;
    private final IntSupplier maxLiveStreams;
    private final WhipUdpServer udp;
    private final DtlsCertificate certificate;
    private final Executor dtlsPool;
    private final WhipMetrics metrics;
    private final List<InetSocketAddress> candidates;
    private final SecureRandom random = new SecureRandom();
    private final Supplier<AudioConverter> audioConverters;
    private final Executor audioPool;
    private final Map<String, WhipSession> sessions = new ConcurrentHashMap<>();
    private final Map<InetAddress, long[]> offerRate = new ConcurrentHashMap<>();

    /**
     * @param candidates the addresses answers advertise, each with the UDP port
     */
    public WhipService(int maxSessions, int maxBitrateKbps, int handshakeTimeoutMs, int livenessTimeoutMs,
                       int keyframeRequestMs, int jitterMs, PublishAuthorizer authorizer, HubRegistry hubs,
                       IntSupplier maxLiveStreams, WhipUdpServer udp, DtlsCertificate certificate, Executor dtlsPool,
                       WhipMetrics metrics, List<InetSocketAddress> candidates,
                       Supplier<AudioConverter> audioConverters, Executor audioPool) {
        this.audioConverters = audioConverters;
        this.audioPool = audioPool;
        this.limits = new WhipSessionSpec(-1, -1, -1, -1, jitterMs, handshakeTimeoutMs, livenessTimeoutMs,
                keyframeRequestMs, maxBitrateKbps);
        this.maxSessions = maxSessions;
        this.authorizer = authorizer;
        this.hubs = hubs;
        this.maxLiveStreams = maxLiveStreams;
        this.udp = udp;
        this.certificate = certificate;
        this.dtlsPool = dtlsPool;
        this.metrics = metrics;
        this.candidates = List.copyOf(candidates);
    }

    /**
     * {@code POST /whip/{streamId}}.
     *
     * @param bearer the {@code Authorization: Bearer} value (the stream key), or null
     * @param contentType the request's content type, or null
     * @param from the client's address, for the rate limit and logs
     * @param userAgent the client's User-Agent, shown as the stream's encoder, or null
     */
    public Outcome offer(String streamId, String bearer, String contentType, byte[] body, InetSocketAddress from,
                         String userAgent) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/sdp")) {
            return refuse(415, "unsupported_media_type", "the offer must be sent as Content-Type: application/sdp");
        }
        if (body.length > MAX_OFFER_BYTES) {
            return refuse(413, "offer_too_large", "the offer is " + body.length + " bytes, over the limit of "
                    + MAX_OFFER_BYTES);
        }
        if (from != null && !allowOffer(from.getAddress())) {
            return refuse(429, "too_many_offers", "more than " + OFFERS_PER_WINDOW + " offers in "
                    + RATE_WINDOW_MS / 1000 + " s from this address");
        }
        if (bearer == null || bearer.isEmpty()) {
            return refuse(401, "missing_key", "send the stream key as Authorization: Bearer <key>");
        }
        SdpOffer offer;
        try {
            offer = SdpOffer.parse(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        } catch (SdpException e) {
            return refuse(400, "bad_sdp", e.getMessage());
        }
        List<SdpAnswer.Choice> choices = new ArrayList<>();
        SdpOffer.Codec video = null;
        int rtx = -1;
        int audio = -1;
        int twccId = -1;
        for (SdpOffer.Media m : offer.media()) {
            SdpOffer.Codec chosen = null;
            int chosenRtx = -1;
            boolean sends = m.direction().equals("sendonly") || m.direction().equals("sendrecv");
            if (sends && m.kind().equals("video") && video == null) {
                chosen = SdpOffer.chooseH264(m);
                if (chosen != null) {
                    video = chosen;
                    chosenRtx = SdpAnswer.rtxFor(m, chosen);
                    rtx = chosenRtx;
                }
            } else if (sends && m.kind().equals("audio") && audio < 0) {
                chosen = SdpOffer.chooseOpus(m);
                if (chosen != null) {
                    audio = chosen.payloadType();
                }
            }
            // The one extension we read: TWCC's transport-wide sequence number, so browsers can ramp up.
            Integer twcc = chosen == null ? null : m.extensions().get(SdpOffer.TRANSPORT_CC_URI);
            if (twcc != null && twccId < 0) {
                twccId = twcc;
            }
            choices.add(new SdpAnswer.Choice(m, chosen, chosenRtx,
                    twcc != null && twcc == twccId ? Map.of(SdpOffer.TRANSPORT_CC_URI, twcc) : Map.of()));
        }
        if (video == null) {
            return refuse(422, "no_acceptable_codec",
                    "the offer has no video we take: send H.264 with packetization-mode=1");
        }
        if (open() >= maxSessions) {
            return refuse(503, "too_many_sessions", "the server carries its maximum of " + maxSessions
                    + " WHIP publishers (webrtc.maxSessions)");
        }
        Optional<String> keyStream = authorizer.streamIdForKey(bearer);
        if (keyStream.isEmpty() || !keyStream.get().equals(streamId)) {
            return refuse(401, "bad_key", "the key is not the stream key of stream '" + streamId + "'");
        }
        String resourceId = HexFormat.of().formatHex(randomBytes(16));
        String ufrag = HexFormat.of().formatHex(randomBytes(4));
        String pwd = HexFormat.of().formatHex(randomBytes(16));
        WhipSessionSpec spec = new WhipSessionSpec(video.payloadType(), rtx, audio, twccId, limits.jitterMs(),
                limits.handshakeTimeoutMs(), limits.livenessTimeoutMs(), limits.keyframeRequestMs(),
                limits.maxBitrateKbps());
        WhipSession session = new WhipSession(resourceId, streamId, offer, spec, ufrag, pwd, udp.loop(), udp, metrics);
        String remote = from == null ? "" : from.getAddress().getHostAddress();
        PublishSession.Outcome claimed = PublishSession.open(authorizer, hubs, bearer, session.publisher(remote),
                maxLiveStreams.getAsInt());
        if (!claimed.accepted()) {
            return claimed.refusal() == PublishSession.Refusal.OVER_CAPACITY
                    ? refuse(503, "over_capacity", "the server carries as many live streams as its memory allows")
                    : refuse(401, "bad_key", "the key is not the stream key of stream '" + streamId + "'");
        }
        // RFC 8842 §5.3: an offerer's actpass or active makes us passive (DTLS server); its passive (FFmpeg) active.
        boolean weAreClient = "passive".equals(offer.setup());
        DtlsEndpoint dtls = new DtlsEndpoint(certificate, weAreClient, offer.fingerprintAlgorithm(), offer.fingerprint(),
                d -> {
                    InetSocketAddress to = session.remote();
                    if (to != null) {
                        udp.send(d, to);
                    }
                }, dtlsPool, limits.handshakeTimeoutMs(), session.dtlsListener());
        sessions.put(resourceId, session);
        String encoder = userAgent == null || userAgent.isBlank() ? "whip"
                : "whip " + userAgent.substring(0, Math.min(80, userAgent.length()));
        Supplier<AudioConverter> converter = audio >= 0 ? audioConverters : null;
        Executor audioExecutor = new io.cuecast.core.hub.SerialExecutor(audioPool);
        udp.loop().execute(() -> {
            session.start(claimed.session(), dtls, encoder, converter, audioExecutor);
            udp.register(session);
        });
        String answer = SdpAnswer.write(random.nextLong() & Long.MAX_VALUE, ufrag, pwd, certificate.fingerprint(),
                weAreClient ? "active" : "passive", candidates, choices);
        return new Outcome(new Answer(resourceId, answer, "\"" + ufrag + "\""), null);
    }

    /** {@code DELETE /whip/{streamId}/{resourceId}}: ends the publish; a refusal when unknown. */
    public Refusal delete(String streamId, String resourceId) {
        WhipSession s = sessions.remove(resourceId);
        if (s == null || !s.streamId().equals(streamId)) {
            if (s != null) {
                sessions.put(resourceId, s);
            }
            return new Refusal(404, "no_such_session", "no WHIP session " + resourceId + " on stream " + streamId);
        }
        s.loop().execute(() -> s.close("deleted", "the publisher sent DELETE"));
        return null;
    }

    /** True when the resource exists (PATCH checks this). */
    public boolean exists(String streamId, String resourceId) {
        WhipSession s = sessions.get(resourceId);
        return s != null && s.streamId().equals(streamId) && !s.isClosed();
    }

    /** Sessions open now (those ended are forgotten as they end). */
    int open() {
        sessions.values().removeIf(WhipSession::isClosed);
        return sessions.size();
    }

    private Outcome refuse(int status, String code, String message) {
        metrics.refused(code);
        return new Outcome(null, new Refusal(status, code, message));
    }

    private boolean allowOffer(InetAddress address) {
        long now = System.nanoTime() / 1_000_000;
        if (offerRate.size() > MAX_RATE_ENTRIES) {
            offerRate.values().removeIf(w -> now - w[0] >= RATE_WINDOW_MS);
        }
        long[] w = offerRate.computeIfAbsent(address, a -> new long[] {now, 0});
        synchronized (w) {
            if (now - w[0] >= RATE_WINDOW_MS) {
                w[0] = now;
                w[1] = 0;
            }
            return ++w[1] <= OFFERS_PER_WINDOW;
        }
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
