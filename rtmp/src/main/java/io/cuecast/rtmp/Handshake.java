package io.cuecast.rtmp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server side of the RTMP handshake.
 *
 * <p>Two forms exist. The simple one (Adobe RTMP 1.0 §5.2): S1 is time, zero and random bytes, S2
 * echoes C1. The digest form, used by Flash Player 9+ and by librtmp clients such as OBS, hides an
 * HMAC-SHA256 digest in C1 and expects one in S1 and S2; librtmp refuses a server whose S1/S2 digests
 * do not verify. A client announces the digest form with a non-zero version in C1 bytes 4..7.
 */
public final class Handshake {
    /** Size of C1, S1, C2 and S2. */
    public static final int PACKET_SIZE = 1536;
    /** The RTMP version byte in C0/S0. */
    public static final int VERSION = 3;
    private static final int DIGEST_LENGTH = 32;

    /** Shared by Flash clients: "Genuine Adobe Flash Player 001" plus 32 fixed bytes. */
    static final byte[] CLIENT_KEY = concat("Genuine Adobe Flash Player 001");
    /** Shared by Flash servers: "Genuine Adobe Flash Media Server 001" plus the same 32 bytes. */
    static final byte[] SERVER_KEY = concat("Genuine Adobe Flash Media Server 001");
    static final int CLIENT_KEY_TEXT = 30;
    static final int SERVER_KEY_TEXT = 36;
    /** The version we claim in S1 for the digest form, as Flash Media Server 3.5 does. */
    private static final byte[] SERVER_VERSION = {4, 5, 0, 1};

    private Handshake() {
    }

    private static byte[] concat(String text) {
        byte[] tail = {
            (byte) 0xF0, (byte) 0xEE, (byte) 0xC2, (byte) 0x4A, (byte) 0x80, (byte) 0x68, (byte) 0xBE, (byte) 0xE8,
            (byte) 0x2E, (byte) 0x00, (byte) 0xD0, (byte) 0xD1, (byte) 0x02, (byte) 0x9E, (byte) 0x7E, (byte) 0x57,
            (byte) 0x6E, (byte) 0xEC, (byte) 0x5D, (byte) 0x2D, (byte) 0x29, (byte) 0x80, (byte) 0x6F, (byte) 0xAB,
            (byte) 0x93, (byte) 0xB8, (byte) 0xE6, (byte) 0x36, (byte) 0xCF, (byte) 0xEB, (byte) 0x31, (byte) 0xAE
        };
        byte[] head = text.getBytes(StandardCharsets.US_ASCII);
        byte[] key = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, key, head.length, tail.length);
        return key;
    }

    /** Where the digest sits for scheme 0 (offset bytes at 8..11) and scheme 1 (at 772..775). */
    static int digestOffset(byte[] packet, int scheme) {
        int base = scheme == 0 ? 8 : 772;
        int sum = (packet[base] & 0xff) + (packet[base + 1] & 0xff) + (packet[base + 2] & 0xff)
                + (packet[base + 3] & 0xff);
        return sum % 728 + base + 4;
    }

    /** HMAC-SHA256 of the packet without its 32 digest bytes at {@code offset}. */
    static byte[] packetDigest(byte[] packet, int offset, byte[] key, int keyLength) {
        Mac mac = hmac(Arrays.copyOf(key, keyLength));
        mac.update(packet, 0, offset);
        mac.update(packet, offset + DIGEST_LENGTH, packet.length - offset - DIGEST_LENGTH);
        return mac.doFinal();
    }

    static Mac hmac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java runtime", e);
        }
    }

    /**
     * Finds the client digest in C1.
     *
     * @return the scheme (0 or 1) whose digest verifies, or -1 for a simple-form C1
     */
    public static int findClientScheme(byte[] c1) {
        if (c1[4] == 0 && c1[5] == 0 && c1[6] == 0 && c1[7] == 0) {
            return -1;
        }
        for (int scheme = 0; scheme < 2; scheme++) {
            int offset = digestOffset(c1, scheme);
            byte[] expected = packetDigest(c1, offset, CLIENT_KEY, CLIENT_KEY_TEXT);
            if (MessageDigest.isEqual(expected, Arrays.copyOfRange(c1, offset, offset + DIGEST_LENGTH))) {
                return scheme;
            }
        }
        return -1;
    }

    /**
     * Builds S0+S1+S2 for a client's C1.
     *
     * @param c1 the client's 1536-byte C1
     * @param serverTime our uptime in milliseconds for S1's time field
     * @param random source of the random filler (a seeded one makes tests byte-exact)
     */
    public static byte[] respond(byte[] c1, int serverTime, Random random) {
        if (c1.length != PACKET_SIZE) {
            throw new IllegalArgumentException("C1 must be " + PACKET_SIZE + " bytes");
        }
        byte[] out = new byte[1 + 2 * PACKET_SIZE];
        out[0] = VERSION;
        byte[] s1 = new byte[PACKET_SIZE];
        random.nextBytes(s1);
        putInt(s1, 0, serverTime);
        byte[] s2;
        int scheme = findClientScheme(c1);
        if (scheme < 0) {
            Arrays.fill(s1, 4, 8, (byte) 0);
            s2 = c1.clone(); // §5.2.4: S2 echoes C1
        } else {
            System.arraycopy(SERVER_VERSION, 0, s1, 4, 4);
            int s1Offset = digestOffset(s1, scheme);
            byte[] s1Digest = packetDigest(s1, s1Offset, SERVER_KEY, SERVER_KEY_TEXT);
            System.arraycopy(s1Digest, 0, s1, s1Offset, DIGEST_LENGTH);

            int c1Offset = digestOffset(c1, scheme);
            byte[] clientDigest = Arrays.copyOfRange(c1, c1Offset, c1Offset + DIGEST_LENGTH);
            byte[] s2Key = hmac(SERVER_KEY).doFinal(clientDigest);
            s2 = new byte[PACKET_SIZE];
            random.nextBytes(s2);
            Mac mac = hmac(s2Key);
            mac.update(s2, 0, PACKET_SIZE - DIGEST_LENGTH);
            System.arraycopy(mac.doFinal(), 0, s2, PACKET_SIZE - DIGEST_LENGTH, DIGEST_LENGTH);
        }
        System.arraycopy(s1, 0, out, 1, PACKET_SIZE);
        System.arraycopy(s2, 0, out, 1 + PACKET_SIZE, PACKET_SIZE);
        return out;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
