package io.cuecast.ingest.whip;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The STUN messages an ICE-lite agent handles (RFC 8489, with the ICE attributes of RFC 8445 §16):
 * a Binding request is parsed and its MESSAGE-INTEGRITY (HMAC-SHA1 with the short-term key, the
 * local ice-pwd) and FINGERPRINT checked; the success response carries XOR-MAPPED-ADDRESS,
 * MESSAGE-INTEGRITY and FINGERPRINT. Nothing is answered that does not pass both checks.
 *
 * @param type the message type (0x0001 Binding request, 0x0101 success response)
 * @param transactionId the 12-byte transaction id
 * @param username USERNAME ({@code localUfrag:remoteUfrag}), or null
 * @param useCandidate USE-CANDIDATE present (the controlling agent nominates this pair)
 * @param iceControlled ICE-CONTROLLED present (a role conflict for an ICE-lite agent, RFC 8445 §7.3.1.1)
 * @param integrityAt offset of MESSAGE-INTEGRITY in the message, or -1
 * @param fingerprintAt offset of FINGERPRINT, or -1
 * @param raw the message bytes
 */
public record StunMessage(int type, byte[] transactionId, String username, boolean useCandidate, boolean iceControlled,
                          int integrityAt, int fingerprintAt, byte[] raw) {
    public static final int BINDING_REQUEST = 0x0001;
    public static final int BINDING_SUCCESS = 0x0101;
    static final int MAGIC_COOKIE = 0x2112A442;
    private static final int USERNAME = 0x0006;
    private static final int MESSAGE_INTEGRITY = 0x0008;
    private static final int XOR_MAPPED_ADDRESS = 0x0020;
    private static final int USE_CANDIDATE = 0x0025;
    private static final int ICE_CONTROLLED = 0x8029;
    private static final int FINGERPRINT = 0x8028;
    private static final int FINGERPRINT_XOR = 0x5354554e;
    /** A STUN message on the WHIP port is small; longer ones are not for us. */
    public static final int MAX_LENGTH = 548;
    /** RFC 8489 §14.3: USERNAME is at most 513 bytes. */
    private static final int MAX_USERNAME = 513;

    /** Parses a STUN message; {@link MalformedPacketException} says what is wrong. */
    public static StunMessage parse(byte[] d, int offset, int length) {
        if (length < 20 || length > MAX_LENGTH) {
            throw new MalformedPacketException("STUN message of " + length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(d, offset, length).slice();
        int type = b.getShort(0) & 0xffff;
        if ((type & 0xc000) != 0) {
            throw new MalformedPacketException("STUN: the two top bits of the type are not zero");
        }
        int bodyLength = b.getShort(2) & 0xffff;
        if (b.getInt(4) != MAGIC_COOKIE) {
            throw new MalformedPacketException("STUN: no magic cookie (RFC 3489 peers are not supported)");
        }
        if (bodyLength % 4 != 0 || 20 + bodyLength != length) {
            throw new MalformedPacketException("STUN: length " + bodyLength + " does not match the datagram");
        }
        byte[] raw = new byte[length];
        System.arraycopy(d, offset, raw, 0, length);
        byte[] tid = new byte[12];
        System.arraycopy(raw, 8, tid, 0, 12);
        String username = null;
        boolean useCandidate = false;
        boolean controlled = false;
        int integrityAt = -1;
        int fingerprintAt = -1;
        int pos = 20;
        while (pos < length) {
            if (pos + 4 > length) {
                throw new MalformedPacketException("STUN: truncated attribute header");
            }
            int attr = b.getShort(pos) & 0xffff;
            int len = b.getShort(pos + 2) & 0xffff;
            int value = pos + 4;
            if (value + len > length) {
                throw new MalformedPacketException("STUN: attribute 0x" + Integer.toHexString(attr) + " past the end");
            }
            if (fingerprintAt >= 0) {
                throw new MalformedPacketException("STUN: attribute after FINGERPRINT");
            }
            // §14.5: after MESSAGE-INTEGRITY only FINGERPRINT counts; anything else there is ignored.
            if (integrityAt < 0 || attr == FINGERPRINT) {
                switch (attr) {
                    case USERNAME -> {
                        if (len > MAX_USERNAME) {
                            throw new MalformedPacketException("STUN: USERNAME of " + len + " bytes");
                        }
                        username = new String(raw, value, len, StandardCharsets.UTF_8);
                    }
                    case MESSAGE_INTEGRITY -> {
                        if (len != 20) {
                            throw new MalformedPacketException("STUN: MESSAGE-INTEGRITY of " + len + " bytes");
                        }
                        integrityAt = pos;
                    }
                    case FINGERPRINT -> {
                        if (len != 4) {
                            throw new MalformedPacketException("STUN: FINGERPRINT of " + len + " bytes");
                        }
                        fingerprintAt = pos;
                    }
                    case USE_CANDIDATE -> useCandidate = true;
                    case ICE_CONTROLLED -> controlled = true;
                    default -> { } // PRIORITY, ICE-CONTROLLING, GOOG-NETWORK-INFO, …: not needed by ICE-lite
                }
            }
            pos = value + ((len + 3) & ~3);
        }
        return new StunMessage(type, tid, username, useCandidate, controlled, integrityAt, fingerprintAt, raw);
    }

    /** True when FINGERPRINT is present and matches (RFC 8489 §14.7). */
    public boolean fingerprintValid() {
        if (fingerprintAt < 0) {
            return false;
        }
        byte[] copy = raw.clone();
        setLength(copy, fingerprintAt + 8 - 20);
        CRC32 crc = new CRC32();
        crc.update(copy, 0, fingerprintAt);
        int expected = (int) crc.getValue() ^ FINGERPRINT_XOR;
        return ByteBuffer.wrap(raw).getInt(fingerprintAt + 4) == expected;
    }

    /** True when MESSAGE-INTEGRITY is present and matches {@code password} (RFC 8489 §14.5, short-term). */
    public boolean integrityValid(String password) {
        if (integrityAt < 0) {
            return false;
        }
        byte[] copy = raw.clone();
        setLength(copy, integrityAt + 24 - 20);
        byte[] mac = hmac(password, copy, integrityAt);
        byte[] got = new byte[20];
        System.arraycopy(raw, integrityAt + 4, got, 0, 20);
        return MessageDigest.isEqual(mac, got);
    }

    /** The Binding success response to this request, telling the peer the address we saw. */
    public byte[] successResponse(InetSocketAddress from, String password) {
        byte[] ip = from.getAddress().getAddress();
        int family = ip.length == 4 ? 1 : 2;
        ByteBuffer b = ByteBuffer.allocate(20 + 4 + 4 + ip.length + 24 + 8);
        b.putShort((short) BINDING_SUCCESS).putShort((short) 0).putInt(MAGIC_COOKIE).put(transactionId);
        b.putShort((short) XOR_MAPPED_ADDRESS).putShort((short) (4 + ip.length)).put((byte) 0).put((byte) family);
        b.putShort((short) (from.getPort() ^ (MAGIC_COOKIE >>> 16)));
        byte[] mask = new byte[16];
        ByteBuffer.wrap(mask).putInt(MAGIC_COOKIE).put(transactionId);
        for (int i = 0; i < ip.length; i++) {
            b.put((byte) (ip[i] ^ mask[i]));
        }
        return sign(b, password);
    }

    /** A Binding request, as a client sends one (for tests and a health probe). */
    public static byte[] bindingRequest(byte[] transactionId, String username, boolean useCandidate, String password) {
        byte[] user = username.getBytes(StandardCharsets.UTF_8);
        int userPadded = (user.length + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(20 + 4 + userPadded + (useCandidate ? 4 : 0) + 24 + 8);
        b.putShort((short) BINDING_REQUEST).putShort((short) 0).putInt(MAGIC_COOKIE).put(transactionId);
        b.putShort((short) USERNAME).putShort((short) user.length).put(user);
        b.position(b.position() + userPadded - user.length);
        if (useCandidate) {
            b.putShort((short) USE_CANDIDATE).putShort((short) 0);
        }
        return sign(b, password);
    }

    /** Appends MESSAGE-INTEGRITY and FINGERPRINT to the message in {@code b} (positioned at its end). */
    private static byte[] sign(ByteBuffer b, String password) {
        int integrityAt = b.position();
        byte[] out = b.array();
        setLength(out, integrityAt + 24 - 20);
        byte[] mac = hmac(password, out, integrityAt);
        b.putShort((short) MESSAGE_INTEGRITY).putShort((short) 20).put(mac);
        int fingerprintAt = b.position();
        setLength(out, fingerprintAt + 8 - 20);
        CRC32 crc = new CRC32();
        crc.update(out, 0, fingerprintAt);
        b.putShort((short) FINGERPRINT).putShort((short) 4).putInt((int) crc.getValue() ^ FINGERPRINT_XOR);
        return out;
    }

    private static void setLength(byte[] m, int length) {
        m[2] = (byte) (length >> 8);
        m[3] = (byte) length;
    }

    private static byte[] hmac(String password, byte[] data, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(password.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            mac.update(data, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA1 is required by every Java runtime", e);
        }
    }
}
