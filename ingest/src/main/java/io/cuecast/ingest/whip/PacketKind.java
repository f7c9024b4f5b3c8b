package io.cuecast.ingest.whip;

/**
 * What a datagram on the shared WebRTC port is, by its first byte (RFC 7983 §7): STUN 0–3, DTLS
 * 20–63, RTP and RTCP 128–191 (told apart by {@link Rtcp#isRtcp}); anything else is dropped.
 */
public enum PacketKind {
    STUN, DTLS, RTP, RTCP, OTHER;

    /** The kind of the datagram in {@code d}. */
    public static PacketKind of(byte[] d, int offset, int length) {
        if (length < 1) {
            return OTHER;
        }
        int b = d[offset] & 0xff;
        if (b <= 3) {
            return STUN;
        }
        if (b >= 20 && b <= 63) {
            return DTLS;
        }
        if (b >= 128 && b <= 191) {
            return Rtcp.isRtcp(d, offset, length) ? RTCP : RTP;
        }
        return OTHER;
    }
}
