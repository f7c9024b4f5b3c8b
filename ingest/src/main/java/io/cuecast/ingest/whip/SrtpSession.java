package io.cuecast.ingest.whip;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.ByteArrayBuffer;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * SRTP and SRTCP for one session (RFC 3711) with the keys DTLS agreed (RFC 5764):
 * AES_CM_128_HMAC_SHA1_80. The peer's packets are authenticated and decrypted, one crypto context
 * per SSRC (media and RTX each have theirs, so a retransmission is never a replay of its original);
 * our RTCP (NACK, PLI, receiver reports) is encrypted with our keys. A packet that fails
 * authentication or replays is reported, never thrown.
 *
 * <p>Not thread-safe: the session's event loop.
 */
public final class SrtpSession {
    /** SSRCs with a context (kept once one of their packets authenticated); a bound all the same. */
    static final int MAX_SSRCS = 16;
    private static final int AUTH_TAG = 10;

    /** What became of one packet. */
    public enum Result { OK, AUTH_FAILED, REPLAYED, INVALID, TOO_MANY_SSRCS }

    private final SrtpContextFactory remote;
    private final SrtpContextFactory local;
    private final Map<Long, SrtpCryptoContext> rtp = new HashMap<>();
    private final Map<Long, SrtcpCryptoContext> rtcp = new HashMap<>();
    private SrtcpCryptoContext ours;
    private long oursSsrc = -1;

    public SrtpSession(DtlsEndpoint.SrtpKeys keys) {
        // RFC 3711 §8.2 defaults for AES_CM_128_HMAC_SHA1_80: 128-bit key, 160-bit auth key, 80-bit tag, 112-bit salt.
        SrtpPolicy policy = new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, DtlsEndpoint.KEY_LENGTH,
                SrtpPolicy.HMACSHA1_AUTHENTICATION, 20, AUTH_TAG, DtlsEndpoint.SALT_LENGTH);
        LoggerImpl logger = new LoggerImpl(SrtpSession.class.getName());
        this.remote = new SrtpContextFactory(false, keys.remoteKey(), keys.remoteSalt(), policy, policy, logger);
        this.local = new SrtpContextFactory(true, keys.localKey(), keys.localSalt(), policy, policy, logger);
    }

    /** The decrypted length of an SRTP packet, decrypted in place in {@code d[0, length)}. */
    public Outcome unprotectRtp(byte[] d, int length) {
        if (length < 12 + AUTH_TAG) {
            return new Outcome(Result.INVALID, 0);
        }
        long ssrc = u32(d, 8);
        SrtpCryptoContext context = rtp.get(ssrc);
        boolean fresh = context == null;
        if (fresh) {
            if (rtp.size() >= MAX_SSRCS) {
                return new Outcome(Result.TOO_MANY_SSRCS, 0);
            }
            try {
                context = remote.deriveContext((int) ssrc, 0);
            } catch (GeneralSecurityException e) {
                return new Outcome(Result.INVALID, 0);
            }
        }
        Buffer b = new Buffer(d, length);
        try {
            Outcome o = outcome(context.reverseTransformPacket(b, false), b);
            if (fresh && o.result() == Result.OK) {
                // Kept only once a packet authenticated with it: forged packets with made-up SSRCs
                // cannot fill the table and lock out the publisher's RTX or audio stream.
                rtp.put(ssrc, context);
            }
            return o;
        } catch (GeneralSecurityException | RuntimeException e) {
            return new Outcome(Result.INVALID, 0);
        }
    }

    /** The decrypted length of an SRTCP compound packet, decrypted in place. */
    public Outcome unprotectRtcp(byte[] d, int length) {
        if (length < 8 + 4 + AUTH_TAG) {
            return new Outcome(Result.INVALID, 0);
        }
        long ssrc = u32(d, 4);
        SrtcpCryptoContext context = rtcp.get(ssrc);
        boolean fresh = context == null;
        if (fresh) {
            if (rtcp.size() >= MAX_SSRCS) {
                return new Outcome(Result.TOO_MANY_SSRCS, 0);
            }
            try {
                context = remote.deriveControlContext((int) ssrc);
            } catch (GeneralSecurityException e) {
                return new Outcome(Result.INVALID, 0);
            }
        }
        Buffer b = new Buffer(d, length);
        try {
            Outcome o = outcome(context.reverseTransformPacket(b), b);
            if (fresh && o.result() == Result.OK) {
                rtcp.put(ssrc, context);
            }
            return o;
        } catch (GeneralSecurityException | RuntimeException e) {
            return new Outcome(Result.INVALID, 0);
        }
    }

    /** Our RTCP packet {@code plain}, sent from {@code senderSsrc}, encrypted and authenticated. */
    public byte[] protectRtcp(byte[] plain) {
        long ssrc = u32(plain, 4);
        try {
            if (ours == null || oursSsrc != ssrc) {
                ours = local.deriveControlContext((int) ssrc);
                oursSsrc = ssrc;
            }
            byte[] room = Arrays.copyOf(plain, plain.length + 4 + AUTH_TAG);
            Buffer b = new Buffer(room, plain.length);
            SrtpErrorStatus status = ours.transformPacket(b);
            if (status != SrtpErrorStatus.OK) {
                throw new IllegalStateException("SRTCP protect: " + status);
            }
            return Arrays.copyOfRange(b.buf, b.off, b.off + b.len);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SRTCP protect", e);
        }
    }

    /**
     * @param result what happened
     * @param length the plain packet's length when {@code OK}
     */
    public record Outcome(Result result, int length) {}

    private static Outcome outcome(SrtpErrorStatus status, Buffer b) {
        return switch (status) {
            case OK -> {
                if (b.off != 0) {
                    System.arraycopy(b.buf, b.off, b.buf, 0, b.len);
                }
                yield new Outcome(Result.OK, b.len);
            }
            case AUTH_FAIL -> new Outcome(Result.AUTH_FAILED, 0);
            case REPLAY_FAIL, REPLAY_OLD -> new Outcome(Result.REPLAYED, 0);
            default -> new Outcome(Result.INVALID, 0);
        };
    }

    private static long u32(byte[] d, int at) {
        return ((d[at] & 0xffL) << 24) | ((d[at + 1] & 0xffL) << 16) | ((d[at + 2] & 0xffL) << 8) | (d[at + 3] & 0xffL);
    }

    /** jitsi-srtp's view of a packet in an array; grows by copying when a tag is appended. */
    static final class Buffer implements ByteArrayBuffer {
        byte[] buf;
        int off;
        int len;

        Buffer(byte[] buf, int len) {
            this.buf = buf;
            this.len = len;
        }

        @Override
        public byte[] getBuffer() {
            return buf;
        }

        @Override
        public int getOffset() {
            return off;
        }

        @Override
        public int getLength() {
            return len;
        }

        @Override
        public void setLength(int length) {
            len = length;
        }

        @Override
        public void setOffset(int offset) {
            off = offset;
        }

        @Override
        public boolean isInvalid() {
            return false;
        }

        @Override
        public void readRegionToBuff(int offset, int length, byte[] out) {
            System.arraycopy(buf, off + offset, out, 0, length);
        }

        @Override
        public void grow(int howMuch) {
            if (off + len + howMuch > buf.length) {
                buf = Arrays.copyOf(buf, off + len + howMuch);
            }
        }

        @Override
        public void append(byte[] data, int length) {
            grow(length);
            System.arraycopy(data, 0, buf, off + len, length);
            len += length;
        }

        @Override
        public void shrink(int howMuch) {
            len = Math.max(0, len - howMuch);
        }
    }
}
