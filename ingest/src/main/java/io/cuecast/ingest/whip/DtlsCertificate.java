package io.cuecast.ingest.whip;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;

/**
 * The self-signed certificate our end of every DTLS handshake presents (RFC 8827 §6.5: WebRTC
 * endpoints authenticate by the fingerprint in the SDP, not by a CA). ECDSA P-256, as browsers
 * make theirs: small flights, fast handshakes. Made once per process; its SHA-256 fingerprint goes
 * into every answer.
 *
 * @param der the certificate, DER
 * @param privateKey its key
 * @param fingerprint {@code AB:CD:…}, SHA-256 of {@code der}, as {@code a=fingerprint} carries it (RFC 8122 §5)
 */
public record DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey, String fingerprint) {
    /** Long enough for any session, short enough that a leaked key does not outlive the process by much. */
    private static final Duration VALIDITY = Duration.ofDays(30);

    /** A new key pair and certificate. */
    public static DtlsCertificate generate() {
        SecureRandom random = new SecureRandom();
        X9ECParameters curve = ECNamedCurveTable.getByName("P-256");
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        // Named, not explicit, curve parameters in the certificate (RFC 5480 §2.1.1): BoringSSL
        // (Chromium) refuses explicit ones with decode_error, where OpenSSL accepts them.
        generator.init(new ECKeyGenerationParameters(
                new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1, curve), random));
        AsymmetricCipherKeyPair pair = generator.generateKeyPair();
        try {
            X500Name name = new X500Name("CN=cuecast");
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name,
                    new BigInteger(64, random).add(BigInteger.ONE), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(VALIDITY)), name,
                    SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pair.getPublic()));
            var signatureAlgorithm = new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
            var digestAlgorithm = new DefaultDigestAlgorithmIdentifierFinder().find(signatureAlgorithm);
            X509CertificateHolder holder = builder.build(
                    new BcECContentSignerBuilder(signatureAlgorithm, digestAlgorithm).build(pair.getPrivate()));
            byte[] der = holder.getEncoded();
            return new DtlsCertificate(der, pair.getPrivate(), fingerprint(der));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("ECDSA signer unavailable", e);
        }
    }

    /** The SHA-256 fingerprint of a DER certificate, upper-case hex pairs joined by colons. */
    public static String fingerprint(byte[] der) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(der);
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** True when {@code offered} (any case) is this DER certificate's SHA-256 fingerprint. */
    public static boolean matches(byte[] der, String algorithm, String offered) {
        return offered != null && "sha-256".equals(algorithm == null ? null : algorithm.toLowerCase(Locale.ROOT))
                && MessageDigest.isEqual(fingerprint(der).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                        offered.toUpperCase(Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
