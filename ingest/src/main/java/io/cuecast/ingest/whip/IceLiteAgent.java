package io.cuecast.ingest.whip;

import java.net.InetSocketAddress;

/**
 * ICE for one WHIP session, lite side (RFC 8445 §2.5: the server answers connectivity checks and
 * never sends any). A Binding request is answered only when its USERNAME starts with our ufrag and
 * its MESSAGE-INTEGRITY (our ice-pwd) and FINGERPRINT check out: nobody else gets a byte back, so
 * the port cannot be used to amplify. The address of a request carrying USE-CANDIDATE is the
 * nominated one (re-nominated when the client's network changes); a client that never nominates
 * (FFmpeg) gets its first valid request's address.
 *
 * <p>Not thread-safe: the session's event loop.
 */
public final class IceLiteAgent {
    private final String localUfrag;
    private final String localPwd;
    private final String remoteUfrag;
    private InetSocketAddress nominated;
    private long refused;

    public IceLiteAgent(String localUfrag, String localPwd, String remoteUfrag) {
        this.localUfrag = localUfrag;
        this.localPwd = localPwd;
        this.remoteUfrag = remoteUfrag;
    }

    /** Our ufrag: the key a datagram from an unknown address is matched to its session by. */
    public String localUfrag() {
        return localUfrag;
    }

    /** Where media is expected from, once a check succeeded; null before. */
    public InetSocketAddress nominated() {
        return nominated;
    }

    /** Checks refused (wrong credentials, bad fingerprint, not a Binding request). */
    public long refused() {
        return refused;
    }

    /** The local ufrag a STUN request is addressed to ({@code local:remote}), or null. */
    public static String addressedTo(StunMessage m) {
        if (m.username() == null) {
            return null;
        }
        int colon = m.username().indexOf(':');
        return colon < 0 ? null : m.username().substring(0, colon);
    }

    /**
     * Handles a STUN datagram from {@code from}; returns the response to send back, or null when it
     * is not answered (and counted).
     */
    public byte[] onStun(StunMessage m, InetSocketAddress from) {
        boolean ours = m.type() == StunMessage.BINDING_REQUEST && m.username() != null
                && m.username().equals(localUfrag + ":" + remoteUfrag);
        if (!ours || !m.fingerprintValid() || !m.integrityValid(localPwd)) {
            refused++;
            return null;
        }
        if (nominated == null || m.useCandidate()) {
            nominated = from;
        }
        return m.successResponse(from, localPwd);
    }
}
