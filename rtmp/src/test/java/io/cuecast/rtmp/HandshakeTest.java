package io.cuecast.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HandshakeTest {
    private static final byte[] FIXED_TAIL = {
        (byte) 0xF0, (byte) 0xEE, (byte) 0xC2, (byte) 0x4A, (byte) 0x80, (byte) 0x68, (byte) 0xBE, (byte) 0xE8,
        (byte) 0x2E, (byte) 0x00, (byte) 0xD0, (byte) 0xD1, (byte) 0x02, (byte) 0x9E, (byte) 0x7E, (byte) 0x57,
        (byte) 0x6E, (byte) 0xEC, (byte) 0x5D, (byte) 0x2D, (byte) 0x29, (byte) 0x80, (byte) 0x6F, (byte) 0xAB,
        (byte) 0x93, (byte) 0xB8, (byte) 0xE6, (byte) 0x36, (byte) 0xCF, (byte) 0xEB, (byte) 0x31, (byte) 0xAE
    };

    static byte[] key(String text, boolean withTail) {
        byte[] head = text.getBytes(StandardCharsets.US_ASCII);
        if (!withTail) {
            return head;
        }
        byte[] k = Arrays.copyOf(head, head.length + 32);
        System.arraycopy(FIXED_TAIL, 0, k, head.length, 32);
        return k;
    }

    static byte[] hmac(byte[] key, byte[]... parts) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        for (byte[] p : parts) {
            mac.update(p);
        }
        return mac.doFinal();
    }

    static int offset(byte[] p, int base) {
        return ((p[base] & 0xff) + (p[base + 1] & 0xff) + (p[base + 2] & 0xff) + (p[base + 3] & 0xff)) % 728 + base + 4;
    }

    /** A C1 built the way ffmpeg's and librtmp's clients build it, digest by scheme {@code base}. */
    static byte[] digestC1(int base, long seed) throws Exception {
        byte[] c1 = new byte[1536];
        new Random(seed).nextBytes(c1);
        c1[0] = c1[1] = c1[2] = c1[3] = 0;
        c1[4] = 9; c1[5] = 0; c1[6] = 124; c1[7] = 2; // Flash Player 9.0.124.2
        int off = offset(c1, base);
        byte[] digest = hmac(key("Genuine Adobe Flash Player 001", false), Arrays.copyOfRange(c1, 0, off),
                Arrays.copyOfRange(c1, off + 32, 1536));
        System.arraycopy(digest, 0, c1, off, 32);
        return c1;
    }

    @Test
    void simpleFormEchoesC1AsS2() {
        byte[] c1 = new byte[1536];
        new Random(1).nextBytes(c1);
        Arrays.fill(c1, 4, 8, (byte) 0); // ffmpeg without digest: zero version
        byte[] out = Handshake.respond(c1, 1234, new Random(2));
        assertThat(out).hasSize(1 + 2 * 1536);
        assertThat(out[0]).isEqualTo((byte) 3);
        assertThat(Arrays.copyOfRange(out, 1, 5)).containsExactly(0, 0, 0x04, (byte) 0xd2); // time 1234
        assertThat(Arrays.copyOfRange(out, 5, 9)).containsExactly(0, 0, 0, 0); // zero field, §5.2.3
        assertThat(Arrays.copyOfRange(out, 1 + 1536, out.length)).isEqualTo(c1);
    }

    @Test
    void digestFormVerifiesTheWayLibrtmpChecksIt() throws Exception {
        for (int base : new int[] {8, 772}) {
            byte[] c1 = digestC1(base, base);
            assertThat(Handshake.findClientScheme(c1)).isEqualTo(base == 8 ? 0 : 1);
            byte[] out = Handshake.respond(c1, 0, new Random(3));
            byte[] s1 = Arrays.copyOfRange(out, 1, 1537);
            byte[] s2 = Arrays.copyOfRange(out, 1537, 3073);
            // librtmp: the server digest in S1 sits at the client's scheme, keyed with the 36-byte FMS text.
            int s1Off = offset(s1, base);
            byte[] expected = hmac(key("Genuine Adobe Flash Media Server 001", false),
                    Arrays.copyOfRange(s1, 0, s1Off), Arrays.copyOfRange(s1, s1Off + 32, 1536));
            assertThat(Arrays.copyOfRange(s1, s1Off, s1Off + 32)).isEqualTo(expected);
            // S2's last 32 bytes: HMAC(HMAC(FMS key with tail, client digest), S2[0..1504)).
            int c1Off = offset(c1, base);
            byte[] s2Key = hmac(key("Genuine Adobe Flash Media Server 001", true), Arrays.copyOfRange(c1, c1Off, c1Off + 32));
            assertThat(Arrays.copyOfRange(s2, 1504, 1536)).isEqualTo(hmac(s2Key, Arrays.copyOfRange(s2, 0, 1504)));
        }
    }

    @Test
    void nonZeroVersionWithoutValidDigestFallsBackToEcho() {
        byte[] c1 = new byte[1536];
        new Random(5).nextBytes(c1);
        c1[4] = 1;
        assertThat(Handshake.findClientScheme(c1)).isEqualTo(-1);
        byte[] out = Handshake.respond(c1, 0, new Random(3));
        assertThat(Arrays.copyOfRange(out, 1537, 3073)).isEqualTo(c1);
    }

    @Test
    void handlerAnswersWhateverTheSplitAndPassesTheRestOn() throws Exception {
        byte[] c1 = digestC1(8, 9);
        byte[] c2 = new byte[1536];
        byte[] after = {1, 2, 3};
        byte[] all = new byte[1 + 1536 + 1536 + 3];
        all[0] = 3;
        System.arraycopy(c1, 0, all, 1, 1536);
        System.arraycopy(c2, 0, all, 1537, 1536);
        System.arraycopy(after, 0, all, 3073, 3);
        for (int split : new int[] {1, 2, 100, 1536, 1537, 1538, 3000, 3073, 3074}) {
            EmbeddedChannel ch = new EmbeddedChannel(new HandshakeHandler(new Random(1)));
            ch.writeInbound(Unpooled.wrappedBuffer(all, 0, split));
            ch.writeInbound(Unpooled.wrappedBuffer(all, split, all.length - split));
            ByteBuf s0s1s2 = ch.readOutbound();
            assertThat(s0s1s2.readableBytes()).isEqualTo(3073);
            s0s1s2.release();
            int rest = 0;
            for (ByteBuf b; (b = ch.readInbound()) != null; b.release()) {
                rest += b.readableBytes();
            }
            assertThat(rest).as("bytes after C2, split at %d", split).isEqualTo(3);
            assertThat(ch.pipeline().get(HandshakeHandler.class)).isNull();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void wrongVersionIsAViolation() {
        EmbeddedChannel ch = new EmbeddedChannel(new HandshakeHandler(new Random(1)));
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {6, 0, 0})))
                .isInstanceOf(DecoderException.class)
                .hasRootCauseInstanceOf(RtmpProtocolException.class)
                .hasMessageContaining("C0 version 6");
    }
}
