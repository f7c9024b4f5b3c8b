package io.cuecast.ingest.whip;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.Vector;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Our end of one session's DTLS-SRTP handshake (RFC 5764), in whichever role the offer leaves us
 * (RFC 8842 §5: {@code actpass} and {@code active} offers make us the server, FFmpeg's
 * {@code passive} one the client). DTLS 1.2 only. The peer must present the certificate whose
 * fingerprint the offer carried, else the handshake fails with {@code bad_certificate}: the
 * fingerprint is all that ties the media to the HTTP request the stream key came with.
 *
 * <p>bctls runs a handshake as blocking calls, so it runs on a pool thread fed from the event loop
 * through a bounded queue; the event loop never blocks. Afterwards the few DTLS records that still
 * arrive (a retransmitted last flight, {@code close_notify}) are handed to the same transport on
 * the pool, one short read each.
 */
public final class DtlsEndpoint {
    /** RFC 5764 §4.1.2: the profile every WebRTC stack supports, and the only one FFmpeg offers. */
    static final int PROFILE = SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80;
    static final int KEY_LENGTH = 16;
    static final int SALT_LENGTH = 14;
    /** Path MTU we assume (RFC 8261-style 1200 for UDP through tunnels and VPNs: Janus's default). */
    static final int SEND_LIMIT = 1200;
    static final int RECEIVE_LIMIT = 1500;
    /**
     * First retransmission of a flight (RFC 6347 §4.2.4.1 suggests 1 s). A peer that was not yet
     * listening when our first flight left (FFmpeg enters DTLS only after its ICE check is
     * answered) gets it again this soon; it doubles from there. libwebrtc starts at 50 ms.
     */
    static final int RESEND_MS = 100;
    /** Datagrams waiting for the handshake thread; a client sends at most a few flights of a few. */
    private static final int QUEUE = 64;

    /**
     * The SRTP master keys this handshake agreed (RFC 5764 §4.2: client key, server key, client
     * salt, server salt), split into the ones the peer encrypts with and ours.
     */
    public record SrtpKeys(byte[] remoteKey, byte[] remoteSalt, byte[] localKey, byte[] localSalt) {}

    /** What the handshake reports, on the pool thread. */
    public interface Listener {
        /** The handshake completed and the peer's certificate matched. */
        void onConnected(SrtpKeys keys);

        /** The handshake failed or timed out; the session should end. */
        void onFailed(String reason);

        /** The peer closed DTLS ({@code close_notify}) after the handshake. */
        void onClosed();
    }

    private final DtlsCertificate certificate;
    private final boolean client;
    private final String peerFingerprintAlgorithm;
    private final String peerFingerprint;
    private final Consumer<byte[]> sender;
    private final Executor pool;
    private final Listener listener;
    private final int handshakeTimeoutMs;
    private final QueueTransport transport = new QueueTransport();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile DTLSTransport connected;

    /**
     * @param client true to run the client side (the offer said {@code passive})
     * @param sender sends one datagram to the peer; any thread
     * @param pool where the blocking handshake runs
     */
    public DtlsEndpoint(DtlsCertificate certificate, boolean client, String peerFingerprintAlgorithm,
                        String peerFingerprint, Consumer<byte[]> sender, Executor pool, int handshakeTimeoutMs,
                        Listener listener) {
        this.certificate = certificate;
        this.client = client;
        this.peerFingerprintAlgorithm = peerFingerprintAlgorithm;
        this.peerFingerprint = peerFingerprint;
        this.sender = sender;
        this.pool = pool;
        this.handshakeTimeoutMs = handshakeTimeoutMs;
        this.listener = listener;
    }

    /** True for the client role. */
    public boolean isClient() {
        return client;
    }

    /** Starts the handshake on the pool (the client sends its ClientHello at once). */
    public void start() {
        try {
            pool.execute(this::handshake);
        } catch (RejectedExecutionException e) {
            listener.onFailed("DTLS handshake pool is full");
        }
    }

    /** A DTLS datagram from the peer; the event loop's call, never blocks. */
    public void receive(byte[] datagram) {
        if (closed.get()) {
            return;
        }
        if (!transport.queue.offer(datagram)) {
            return; // a peer flooding the handshake loses datagrams, as on a lossy path
        }
        DTLSTransport done = connected;
        if (done != null) {
            try {
                pool.execute(() -> drain(done));
            } catch (RejectedExecutionException e) {
                transport.queue.clear();
            }
        }
    }

    /** Ends the endpoint: a handshake in progress fails, nothing more is read. Idempotent. */
    public void close() {
        if (closed.compareAndSet(false, true)) {
            transport.queue.clear();
            transport.queue.offer(new byte[0]); // wakes a handshake waiting for the peer
        }
    }

    private void handshake() {
        BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
        try {
            DTLSTransport done;
            if (client) {
                done = new DTLSClientProtocol().connect(new Client(crypto), transport);
            } else {
                DTLSServerProtocol protocol = new DTLSServerProtocol();
                // The ICE check already proved the peer's address (RFC 5764 §4.2 leaves cookies optional).
                protocol.setVerifyRequests(false);
                done = protocol.accept(new Server(crypto), transport);
            }
            connected = done;
            if (closed.get()) {
                return;
            }
            drain(done); // records that came in while the handshake finished
        } catch (TlsFatalAlert e) {
            fail(e.getMessage() != null ? e.getMessage() : AlertDescription.getText(e.getAlertDescription()));
        } catch (IOException | RuntimeException e) {
            fail(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private void fail(String reason) {
        if (!closed.get()) {
            listener.onFailed(reason);
        }
    }

    private synchronized void drain(DTLSTransport done) {
        byte[] buf = new byte[RECEIVE_LIMIT];
        try {
            while (!transport.queue.isEmpty() && !closed.get()) {
                // Application data is never expected; this reads records so the record layer can
                // answer a retransmitted flight, and sees close_notify (-1 or an exception).
                int n = done.receive(buf, 0, buf.length, 1);
                if (n < 0 && transport.queue.isEmpty()) {
                    break;
                }
            }
        } catch (IOException e) {
            if (!closed.get()) {
                listener.onClosed();
            }
        }
    }

    private SrtpKeys keys(TlsContext context) {
        int half = KEY_LENGTH + SALT_LENGTH;
        byte[] material = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, 2 * half);
        byte[] clientKey = Arrays.copyOfRange(material, 0, KEY_LENGTH);
        byte[] serverKey = Arrays.copyOfRange(material, KEY_LENGTH, 2 * KEY_LENGTH);
        byte[] clientSalt = Arrays.copyOfRange(material, 2 * KEY_LENGTH, 2 * KEY_LENGTH + SALT_LENGTH);
        byte[] serverSalt = Arrays.copyOfRange(material, 2 * KEY_LENGTH + SALT_LENGTH, 2 * half);
        return client ? new SrtpKeys(serverKey, serverSalt, clientKey, clientSalt)
                : new SrtpKeys(clientKey, clientSalt, serverKey, serverSalt);
    }

    private void checkPeer(Certificate chain) throws IOException {
        if (chain == null || chain.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "the peer sent no certificate");
        }
        byte[] der = chain.getCertificateAt(0).getEncoded();
        if (!DtlsCertificate.matches(der, peerFingerprintAlgorithm, peerFingerprint)) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate,
                    "the peer's certificate does not match the fingerprint in its offer");
        }
    }

    private TlsCredentialedSigner signer(BcTlsCrypto crypto, TlsContext context) throws IOException {
        TlsCertificate cert = new BcTlsCertificate(crypto, certificate.der());
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, certificate.privateKey(),
                new Certificate(new TlsCertificate[] {cert}),
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    /** ECDHE with our ECDSA key, AEAD first; what browsers, OpenSSL (FFmpeg, GStreamer) and bctls share. */
    private static final int[] SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    };

    private final class Server extends DefaultTlsServer {
        Server(BcTlsCrypto crypto) {
            super(crypto);
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return TlsUtils.getSupportedCipherSuites(getCrypto(), SUITES);
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return handshakeTimeoutMs;
        }

        @Override
        public int getHandshakeResendTimeMillis() {
            return RESEND_MS;
        }

        @Override
        protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
            return signer((BcTlsCrypto) getCrypto(), context);
        }

        @Override
        public CertificateRequest getCertificateRequest() {
            // Browsers and webrtcbin present ECDSA or RSA certificates; both must be asked for.
            Vector<?> algorithms = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
            return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                    algorithms, null);
        }

        @Override
        public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
            checkPeer(clientCertificate);
        }

        @Override
        public void processClientExtensions(Hashtable clientExtensions) throws IOException {
            super.processClientExtensions(clientExtensions);
            UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
            if (offered == null || Arrays.stream(offered.getProtectionProfiles()).noneMatch(p -> p == PROFILE)) {
                throw new TlsFatalAlert(AlertDescription.handshake_failure,
                        "the client offers no SRTP profile we take (AES_CM_128_HMAC_SHA1_80)");
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public Hashtable getServerExtensions() throws IOException {
            Hashtable extensions = super.getServerExtensions();
            if (extensions == null) {
                extensions = new Hashtable();
            }
            TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(new int[] {PROFILE}, TlsUtils.EMPTY_BYTES));
            return extensions;
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            listener.onConnected(keys(context));
        }
    }

    private final class Client extends DefaultTlsClient {
        Client(BcTlsCrypto crypto) {
            super(crypto);
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return TlsUtils.getSupportedCipherSuites(getCrypto(), new int[] {
                SUITES[0], SUITES[1], SUITES[2],
                CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
                CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
                SUITES[3], SUITES[4],
                CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
            });
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return handshakeTimeoutMs;
        }

        @Override
        public int getHandshakeResendTimeMillis() {
            return RESEND_MS;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Hashtable getClientExtensions() throws IOException {
            Hashtable extensions = super.getClientExtensions();
            if (extensions == null) {
                extensions = new Hashtable();
            }
            TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(new int[] {PROFILE}, TlsUtils.EMPTY_BYTES));
            return extensions;
        }

        @Override
        public void processServerExtensions(Hashtable serverExtensions) throws IOException {
            super.processServerExtensions(serverExtensions);
            UseSRTPData chosen = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
            if (chosen == null || chosen.getProtectionProfiles().length != 1
                    || chosen.getProtectionProfiles()[0] != PROFILE) {
                throw new TlsFatalAlert(AlertDescription.illegal_parameter, "the server chose no SRTP profile we offered");
            }
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                    checkPeer(serverCertificate.getCertificate());
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                    return signer((BcTlsCrypto) getCrypto(), context);
                }
            };
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            listener.onConnected(keys(context));
        }
    }

    /** The datagram transport bctls reads and writes: a queue filled by the event loop, and the sender. */
    private final class QueueTransport implements DatagramTransport {
        final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE);

        @Override
        public int getReceiveLimit() {
            return RECEIVE_LIMIT;
        }

        @Override
        public int getSendLimit() {
            return SEND_LIMIT;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            byte[] d;
            try {
                d = queue.poll(Math.max(0, waitMillis), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            if (closed.get()) {
                throw new IOException("the session ended");
            }
            if (d == null) {
                return -1;
            }
            int n = Math.min(len, d.length);
            System.arraycopy(d, 0, buf, off, n);
            return n;
        }

        @Override
        public void send(byte[] buf, int off, int len) {
            if (!closed.get()) {
                sender.accept(Arrays.copyOfRange(buf, off, off + len));
            }
        }

        @Override
        public void close() {
            // The session owns the socket; nothing to close here.
        }
    }
}
