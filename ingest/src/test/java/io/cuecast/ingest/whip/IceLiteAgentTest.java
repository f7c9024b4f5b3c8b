package io.cuecast.ingest.whip;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** ICE-lite: only valid checks are answered; nomination follows USE-CANDIDATE. */
class IceLiteAgentTest {
    static final String PWD = "server-ice-password-0123";
    static final byte[] TID = new byte[12];
    final IceLiteAgent agent = new IceLiteAgent("srvU", PWD, "cliU");
    final InetSocketAddress wifi = new InetSocketAddress("192.0.2.10", 50_000);
    final InetSocketAddress cellular = new InetSocketAddress("198.51.100.20", 40_000);

    static StunMessage request(String user, boolean useCandidate, String pwd) {
        byte[] b = StunMessage.bindingRequest(TID, user, useCandidate, pwd);
        return StunMessage.parse(b, 0, b.length);
    }

    @Test
    void aValidCheckIsAnsweredAndNominatesItsAddress() {
        byte[] response = agent.onStun(request("srvU:cliU", true, PWD), wifi);
        assertThat(response).isNotNull();
        StunMessage r = StunMessage.parse(response, 0, response.length);
        assertThat(r.type()).isEqualTo(StunMessage.BINDING_SUCCESS);
        assertThat(r.integrityValid(PWD)).isTrue();
        assertThat(agent.nominated()).isEqualTo(wifi);
        // The client's network changes: a nominating check from the new address moves media there.
        assertThat(agent.onStun(request("srvU:cliU", false, PWD), cellular)).isNotNull();
        assertThat(agent.nominated()).as("not without USE-CANDIDATE").isEqualTo(wifi);
        agent.onStun(request("srvU:cliU", true, PWD), cellular);
        assertThat(agent.nominated()).isEqualTo(cellular);
    }

    @Test
    void checksWithWrongCredentialsGetNothingBack() {
        assertThat(agent.onStun(request("srvU:someoneElse", true, PWD), wifi)).isNull();
        assertThat(agent.onStun(request("srvU:cliU", true, "a-guessed-password-000"), wifi)).isNull();
        assertThat(agent.nominated()).isNull();
        assertThat(agent.refused()).isEqualTo(2);
        assertThat(IceLiteAgent.addressedTo(request("srvU:cliU", false, PWD))).isEqualTo("srvU");
    }

    @Test
    void datagramsAreToldApartByTheirFirstByte() {
        assertThat(PacketKind.of(new byte[] {0, 1}, 0, 2)).isEqualTo(PacketKind.STUN);
        assertThat(PacketKind.of(new byte[] {22, 0}, 0, 2)).isEqualTo(PacketKind.DTLS);
        assertThat(PacketKind.of(new byte[] {(byte) 0x80, 96}, 0, 2)).isEqualTo(PacketKind.RTP);
        assertThat(PacketKind.of(new byte[] {(byte) 0x80, (byte) 200}, 0, 2)).isEqualTo(PacketKind.RTCP);
        assertThat(PacketKind.of(new byte[] {70}, 0, 1)).isEqualTo(PacketKind.OTHER);
        assertThat(PacketKind.of(new byte[0], 0, 0)).isEqualTo(PacketKind.OTHER);
    }
}
