package io.cuecast.ingest.whip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.logging2.LoggerImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Our DTLS endpoints against each other in both roles, in memory, and SRTP with the keys they agree. */
class DtlsSrtpTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Two endpoints wired back to back; returns their outcomes (keys or a failure reason). */
    private Object[] handshake(DtlsCertificate clientCert, DtlsCertificate serverCert, String fingerprintServerExpects,
                               String fingerprintClientExpects) throws Exception {
        CompletableFuture<Object> clientDone = new CompletableFuture<>();
        CompletableFuture<Object> serverDone = new CompletableFuture<>();
        AtomicReference<DtlsEndpoint> clientRef = new AtomicReference<>();
        AtomicReference<DtlsEndpoint> serverRef = new AtomicReference<>();
        DtlsEndpoint server = new DtlsEndpoint(serverCert, false, "sha-256", fingerprintServerExpects,
                d -> clientRef.get().receive(d), pool, 5000, listener(serverDone));
        DtlsEndpoint client = new DtlsEndpoint(clientCert, true, "sha-256", fingerprintClientExpects,
                d -> serverRef.get().receive(d), pool, 5000, listener(clientDone));
        clientRef.set(client);
        serverRef.set(server);
        server.start();
        client.start();
        Object c = clientDone.get(10, TimeUnit.SECONDS);
        Object s = serverDone.get(10, TimeUnit.SECONDS);
        client.close();
        server.close();
        return new Object[] {c, s};
    }

    private static DtlsEndpoint.Listener listener(CompletableFuture<Object> done) {
        return new DtlsEndpoint.Listener() {
            @Override
            public void onConnected(DtlsEndpoint.SrtpKeys keys) {
                done.complete(keys);
            }

            @Override
            public void onFailed(String reason) {
                done.complete(reason);
            }

            @Override
            public void onClosed() {
            }
        };
    }

    @Test
    void bothRolesAgreeOnCrossedKeys() throws Exception {
        DtlsCertificate a = DtlsCertificate.generate();
        DtlsCertificate b = DtlsCertificate.generate();
        Object[] out = handshake(a, b, a.fingerprint(), b.fingerprint());
        assertThat(out[0]).isInstanceOf(DtlsEndpoint.SrtpKeys.class);
        assertThat(out[1]).isInstanceOf(DtlsEndpoint.SrtpKeys.class);
        DtlsEndpoint.SrtpKeys client = (DtlsEndpoint.SrtpKeys) out[0];
        DtlsEndpoint.SrtpKeys server = (DtlsEndpoint.SrtpKeys) out[1];
        assertThat(client.localKey()).isEqualTo(server.remoteKey()).hasSize(16);
        assertThat(client.localSalt()).isEqualTo(server.remoteSalt()).hasSize(14);
        assertThat(server.localKey()).isEqualTo(client.remoteKey());
        assertThat(client.localKey()).isNotEqualTo(server.localKey());
    }

    @Test
    void serverRefusesAClientWhoseCertificateIsNotTheOffered() throws Exception {
        DtlsCertificate a = DtlsCertificate.generate();
        DtlsCertificate b = DtlsCertificate.generate();
        DtlsCertificate other = DtlsCertificate.generate();
        Object[] out = handshake(a, b, other.fingerprint(), b.fingerprint());
        assertThat(out[1]).isInstanceOf(String.class).asString().contains("does not match the fingerprint");
        assertThat(out[0]).isInstanceOf(String.class);
    }

    @Test
    void clientRefusesAServerWhoseCertificateIsNotTheOffered() throws Exception {
        DtlsCertificate a = DtlsCertificate.generate();
        DtlsCertificate b = DtlsCertificate.generate();
        Object[] out = handshake(a, b, a.fingerprint(), a.fingerprint());
        assertThat(out[0]).isInstanceOf(String.class).asString().contains("does not match the fingerprint");
    }

    @Test
    void fingerprintIsColonHexOfSha256() {
        DtlsCertificate a = DtlsCertificate.generate();
        assertThat(a.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(DtlsCertificate.matches(a.der(), "SHA-256", a.fingerprint().toLowerCase())).isTrue();
        assertThat(DtlsCertificate.matches(a.der(), "sha-1", a.fingerprint())).isFalse();
    }

    private static final SrtpPolicy POLICY = new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, 16,
            SrtpPolicy.HMACSHA1_AUTHENTICATION, 20, 10, 14);

    private static DtlsEndpoint.SrtpKeys keys(int seed) {
        byte[] k1 = new byte[16];
        byte[] s1 = new byte[14];
        byte[] k2 = new byte[16];
        byte[] s2 = new byte[14];
        Arrays.fill(k1, (byte) seed);
        Arrays.fill(s1, (byte) (seed + 1));
        Arrays.fill(k2, (byte) (seed + 2));
        Arrays.fill(s2, (byte) (seed + 3));
        return new DtlsEndpoint.SrtpKeys(k1, s1, k2, s2);
    }

    private static byte[] rtp(int seq, long ssrc, int payloadBytes) {
        byte[] p = new byte[12 + payloadBytes];
        p[0] = (byte) 0x80;
        p[1] = 96;
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        p[8] = (byte) (ssrc >> 24);
        p[9] = (byte) (ssrc >> 16);
        p[10] = (byte) (ssrc >> 8);
        p[11] = (byte) ssrc;
        for (int i = 12; i < p.length; i++) {
            p[i] = (byte) i;
        }
        return p;
    }

    private static byte[] protect(SrtpCryptoContext c, byte[] plain) throws Exception {
        SrtpSession.Buffer b = new SrtpSession.Buffer(Arrays.copyOf(plain, plain.length + 20), plain.length);
        assertThat(c.transformPacket(b)).isEqualTo(SrtpErrorStatus.OK);
        return Arrays.copyOfRange(b.buf, b.off, b.off + b.len);
    }

    @Test
    void decryptsWhatThePeerEncryptsAndRefusesTamperingAndReplays() throws Exception {
        DtlsEndpoint.SrtpKeys ours = keys(1);
        SrtpSession session = new SrtpSession(ours);
        SrtpContextFactory peer = new SrtpContextFactory(true, ours.remoteKey(), ours.remoteSalt(), POLICY, POLICY,
                new LoggerImpl("peer"));
        SrtpCryptoContext c = peer.deriveContext(0x1234, 0);
        byte[] plain = rtp(7, 0x1234, 100);
        byte[] wire = protect(c, plain);
        assertThat(wire.length).isEqualTo(plain.length + 10);
        assertThat(Arrays.copyOfRange(wire, 12, 112)).isNotEqualTo(Arrays.copyOfRange(plain, 12, 112));

        byte[] copy = wire.clone();
        SrtpSession.Outcome o = session.unprotectRtp(copy, copy.length);
        assertThat(o.result()).isEqualTo(SrtpSession.Result.OK);
        assertThat(Arrays.copyOf(copy, o.length())).isEqualTo(plain);

        byte[] replay = wire.clone();
        assertThat(session.unprotectRtp(replay, replay.length).result()).isEqualTo(SrtpSession.Result.REPLAYED);

        byte[] tampered = protect(c, rtp(8, 0x1234, 100));
        tampered[20] ^= 1;
        assertThat(session.unprotectRtp(tampered, tampered.length).result()).isEqualTo(SrtpSession.Result.AUTH_FAILED);
        assertThat(session.unprotectRtp(new byte[5], 5).result()).isEqualTo(SrtpSession.Result.INVALID);
    }

    @Test
    void newSsrcsAreCapped() throws Exception {
        DtlsEndpoint.SrtpKeys ours = keys(9);
        SrtpSession session = new SrtpSession(ours);
        SrtpContextFactory peer = new SrtpContextFactory(true, ours.remoteKey(), ours.remoteSalt(), POLICY, POLICY,
                new LoggerImpl("peer"));
        for (int i = 0; i < SrtpSession.MAX_SSRCS; i++) {
            byte[] w = protect(peer.deriveContext(i + 1, 0), rtp(1, i + 1, 10));
            assertThat(session.unprotectRtp(w, w.length).result()).isEqualTo(SrtpSession.Result.OK);
        }
        byte[] w = protect(peer.deriveContext(999, 0), rtp(1, 999, 10));
        assertThat(session.unprotectRtp(w, w.length).result()).isEqualTo(SrtpSession.Result.TOO_MANY_SSRCS);
    }

    @Test
    void forgedPacketsWithMadeUpSsrcsDoNotTakeThePublishersSlots() throws Exception {
        DtlsEndpoint.SrtpKeys ours = keys(5);
        SrtpSession session = new SrtpSession(ours);
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < 100; i++) {
            byte[] forged = rtp(1, 5000 + i, 40);
            random.nextBytes(java.util.Arrays.copyOfRange(forged, 12, forged.length));
            byte[] tagged = java.util.Arrays.copyOf(forged, forged.length + 10);
            assertThat(session.unprotectRtp(tagged, tagged.length).result()).isEqualTo(SrtpSession.Result.AUTH_FAILED);
        }
        SrtpContextFactory peer = new SrtpContextFactory(true, ours.remoteKey(), ours.remoteSalt(), POLICY, POLICY,
                new LoggerImpl("peer"));
        for (int i = 0; i < SrtpSession.MAX_SSRCS; i++) {
            byte[] w = protect(peer.deriveContext(i + 1, 0), rtp(1, i + 1, 10));
            assertThat(session.unprotectRtp(w, w.length).result()).as("genuine SSRC %d", i + 1)
                    .isEqualTo(SrtpSession.Result.OK);
        }
    }

    @Test
    void ourRtcpDecryptsWithThePeersView() throws Exception {
        DtlsEndpoint.SrtpKeys ours = keys(3);
        SrtpSession session = new SrtpSession(ours);
        byte[] pli = Rtcp.pli(1, 0x1234);
        byte[] wire = session.protectRtcp(pli);
        assertThat(wire.length).isEqualTo(pli.length + 4 + 10);
        SrtpContextFactory peer = new SrtpContextFactory(false, ours.localKey(), ours.localSalt(), POLICY, POLICY,
                new LoggerImpl("peer"));
        SrtcpCryptoContext c = peer.deriveControlContext(1);
        SrtpSession.Buffer b = new SrtpSession.Buffer(wire, wire.length);
        assertThat(c.reverseTransformPacket(b)).isEqualTo(SrtpErrorStatus.OK);
        assertThat(Arrays.copyOfRange(b.buf, b.off, b.off + b.len)).isEqualTo(pli);
    }
}
