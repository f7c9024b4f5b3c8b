package io.cuecast.ingest.whip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** ICE-lite's STUN: Binding requests checked by integrity and fingerprint, answered with the mapped address. */
class StunMessageTest {
    static final byte[] TID = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

    @Test
    void aSignedBindingRequestParsesAndVerifies() {
        byte[] req = StunMessage.bindingRequest(TID, "srvU:cliU", true, "server-password-0123456789");
        StunMessage m = StunMessage.parse(req, 0, req.length);
        assertThat(m.type()).isEqualTo(StunMessage.BINDING_REQUEST);
        assertThat(m.username()).isEqualTo("srvU:cliU");
        assertThat(m.useCandidate()).isTrue();
        assertThat(m.transactionId()).isEqualTo(TID);
        assertThat(m.fingerprintValid()).isTrue();
        assertThat(m.integrityValid("server-password-0123456789")).isTrue();
        assertThat(m.integrityValid("another-password")).isFalse();
    }

    @Test
    void aTamperedMessageFailsItsChecks() {
        byte[] req = StunMessage.bindingRequest(TID, "srvU:cliU", false, "pw-0123456789012345678");
        req[25] ^= 1; // a byte of USERNAME
        StunMessage m = StunMessage.parse(req, 0, req.length);
        assertThat(m.fingerprintValid()).isFalse();
        assertThat(m.integrityValid("pw-0123456789012345678")).isFalse();
    }

    @Test
    void theSuccessResponseCarriesTheXoredAddressAndItsOwnChecks() throws Exception {
        byte[] req = StunMessage.bindingRequest(TID, "a:b", true, "pw-0123456789012345678");
        InetSocketAddress from = new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 50_000);
        byte[] res = StunMessage.parse(req, 0, req.length).successResponse(from, "pw-0123456789012345678");
        StunMessage r = StunMessage.parse(res, 0, res.length);
        assertThat(r.type()).isEqualTo(StunMessage.BINDING_SUCCESS);
        assertThat(r.fingerprintValid()).isTrue();
        assertThat(r.integrityValid("pw-0123456789012345678")).isTrue();
        ByteBuffer b = ByteBuffer.wrap(res);
        assertThat(b.getShort(20)).isEqualTo((short) 0x0020); // XOR-MAPPED-ADDRESS first
        assertThat((b.getShort(26) & 0xffff) ^ 0x2112).isEqualTo(50_000);
        assertThat(b.getInt(28) ^ 0x2112A442).isEqualTo((192 << 24) | (2 << 8) | 7);
    }

    @Test
    void malformedMessagesAreNamed() {
        assertThatThrownBy(() -> StunMessage.parse(new byte[10], 0, 10)).hasMessageContaining("10 bytes");
        byte[] noCookie = new byte[20];
        noCookie[1] = 1;
        assertThatThrownBy(() -> StunMessage.parse(noCookie, 0, 20)).hasMessageContaining("magic cookie");
        byte[] req = StunMessage.bindingRequest(TID, "a:b", false, "pw-0123456789012345678");
        req[3] += 4; // the length field no longer matches the datagram
        assertThatThrownBy(() -> StunMessage.parse(req, 0, req.length)).hasMessageContaining("does not match");
    }
}
