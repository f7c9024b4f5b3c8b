package io.cuecast.ingest.whip;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * The answer of an ICE-lite, receive-only WHIP endpoint (RFC 9725 §4.2, RFC 8839 ICE, RFC 8842
 * DTLS, RFC 8843 BUNDLE): one transport for every accepted section, host candidates on the shared
 * UDP port, our DTLS fingerprint and role, and per section only the payload types we receive. A
 * section we do not take (a second video, data channels, an unknown codec) is answered with port 0.
 */
public final class SdpAnswer {
    private SdpAnswer() {
    }

    /**
     * What the server chose for one offered section.
     *
     * @param offered the section as offered
     * @param codec the payload type we receive, or null to reject the section
     * @param rtx its retransmission payload type (rtx apt=codec), or -1
     */
    public record Choice(SdpOffer.Media offered, SdpOffer.Codec codec, int rtx, Map<String, Integer> extensions) {
        /** A choice with no header extensions. */
        public Choice(SdpOffer.Media offered, SdpOffer.Codec codec, int rtx) {
            this(offered, codec, rtx, Map.of());
        }
    }

    /**
     * @param ufrag our ICE username fragment (at least 4 characters)
     * @param pwd our ICE password (at least 22 characters)
     * @param fingerprint our certificate's SHA-256 fingerprint, colon-separated hex
     * @param setup our DTLS role: {@code passive} for an {@code actpass} or {@code active} offer,
     *     {@code active} for a {@code passive} one (FFmpeg)
     * @param candidates the addresses we advertise, all on the shared UDP port
     */
    public static String write(long sessionId, String ufrag, String pwd, String fingerprint, String setup,
                               List<InetSocketAddress> candidates, List<Choice> choices) {
        StringBuilder b = new StringBuilder(1024);
        b.append("v=0\r\n");
        b.append("o=- ").append(sessionId).append(" 1 IN IP4 127.0.0.1\r\n");
        b.append("s=-\r\nt=0 0\r\n");
        b.append("a=ice-lite\r\n");
        StringBuilder bundle = new StringBuilder("a=group:BUNDLE");
        for (Choice c : choices) {
            if (c.codec() != null && c.offered().mid() != null) {
                bundle.append(' ').append(c.offered().mid());
            }
        }
        b.append(bundle).append("\r\n");
        b.append("a=msid-semantic: WMS\r\n");
        for (Choice c : choices) {
            SdpOffer.Media m = c.offered();
            if (c.codec() == null) {
                // §5.2.2 of RFC 8843 / RFC 3264 §6: a rejected section keeps its kind with port 0.
                b.append("m=").append(m.kind()).append(" 0 UDP/TLS/RTP/SAVPF 0\r\n");
                b.append("c=IN IP4 0.0.0.0\r\n");
                if (m.mid() != null) {
                    b.append("a=mid:").append(m.mid()).append("\r\n");
                }
                b.append("a=inactive\r\n");
                continue;
            }
            b.append("m=").append(m.kind()).append(" 9 UDP/TLS/RTP/SAVPF ").append(c.codec().payloadType());
            if (c.rtx() >= 0) {
                b.append(' ').append(c.rtx());
            }
            b.append("\r\nc=IN IP4 0.0.0.0\r\n");
            b.append("a=rtcp:9 IN IP4 0.0.0.0\r\n");
            b.append("a=ice-ufrag:").append(ufrag).append("\r\n");
            b.append("a=ice-pwd:").append(pwd).append("\r\n");
            b.append("a=fingerprint:sha-256 ").append(fingerprint).append("\r\n");
            b.append("a=setup:").append(setup).append("\r\n");
            if (m.mid() != null) {
                b.append("a=mid:").append(m.mid()).append("\r\n");
            }
            b.append("a=recvonly\r\na=rtcp-mux\r\n");
            SdpOffer.Codec k = c.codec();
            b.append("a=rtpmap:").append(k.payloadType()).append(' ').append(rtpmapName(k)).append('/')
                    .append(k.clockRate());
            if (m.kind().equals("audio")) {
                b.append('/').append(Math.max(1, k.channels()));
            }
            b.append("\r\n");
            if (!k.fmtp().isEmpty()) {
                // The offered parameters as written: browsers match on them (profile-level-id).
                b.append("a=fmtp:").append(k.payloadType()).append(' ').append(k.fmtp()).append("\r\n");
            }
            if (m.kind().equals("video")) {
                for (String fb : List.of("nack", "nack pli", "ccm fir")) {
                    b.append("a=rtcp-fb:").append(k.payloadType()).append(' ').append(fb).append("\r\n");
                }
            }
            if (c.extensions().containsKey(SdpOffer.TRANSPORT_CC_URI)) {
                b.append("a=rtcp-fb:").append(k.payloadType()).append(" transport-cc\r\n");
            }
            for (Map.Entry<String, Integer> e : c.extensions().entrySet()) {
                // RFC 8285 §5: the answer keeps the offered id.
                b.append("a=extmap:").append(e.getValue()).append(' ').append(e.getKey()).append("\r\n");
            }
            if (c.rtx() >= 0) {
                b.append("a=rtpmap:").append(c.rtx()).append(" rtx/").append(k.clockRate()).append("\r\n");
                b.append("a=fmtp:").append(c.rtx()).append(" apt=").append(k.payloadType()).append("\r\n");
            }
            int foundation = 1;
            for (InetSocketAddress a : candidates) {
                // RFC 8839 §5.1: host candidates, UDP, component 1 (rtcp-mux), one per address.
                long priority = (126L << 24) | ((65535L - foundation) << 8) | 255;
                b.append("a=candidate:").append(foundation).append(" 1 udp ").append(priority).append(' ')
                        .append(a.getAddress().getHostAddress()).append(' ').append(a.getPort())
                        .append(" typ host\r\n");
                foundation++;
            }
            b.append("a=end-of-candidates\r\n");
        }
        return b.toString();
    }

    /** The payload type of the retransmissions of {@code codec} in {@code media} (rtx apt=PT), or -1. */
    public static int rtxFor(SdpOffer.Media media, SdpOffer.Codec codec) {
        for (SdpOffer.Codec c : media.codecs().values()) {
            if (c.name().equals("rtx") && String.valueOf(codec.payloadType()).equals(c.param("apt"))) {
                return c.payloadType();
            }
        }
        return -1;
    }

    private static String rtpmapName(SdpOffer.Codec c) {
        return switch (c.name()) {
            case "h264" -> "H264";
            default -> c.name();
        };
    }
}
