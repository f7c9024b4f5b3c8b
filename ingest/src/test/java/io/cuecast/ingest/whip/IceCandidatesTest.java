package io.cuecast.ingest.whip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class IceCandidatesTest {
    @Test
    void advertisedAddressesKeepTheBoundPortUnlessTheyNameOne() {
        List<InetSocketAddress> c = IceCandidates.of(List.of("203.0.113.7", "198.51.100.2:40000", "[2001:db8::1]:40001",
                "2001:db8::2"), "0.0.0.0", 8189);
        assertThat(c).extracting(a -> a.getAddress().getHostAddress() + " " + a.getPort()).containsExactly(
                "203.0.113.7 8189", "198.51.100.2 40000", "2001:db8:0:0:0:0:0:1 40001", "2001:db8:0:0:0:0:0:2 8189");
        assertThat(IceCandidates.onlyPrivate(c)).isFalse();
        assertThatThrownBy(() -> IceCandidates.of(List.of("203.0.113.7:0"), "0.0.0.0", 8189))
                .hasMessageContaining("no valid port");
    }

    @Test
    void aBoundAddressIsTheOnlyCandidateAndLoopbackIsPrivate() {
        List<InetSocketAddress> c = IceCandidates.of(List.of(), "127.0.0.1", 5000);
        assertThat(c).containsExactly(new InetSocketAddress("127.0.0.1", 5000));
        assertThat(IceCandidates.onlyPrivate(c)).isTrue();
        assertThat(IceCandidates.onlyPrivate(List.of(new InetSocketAddress("10.1.2.3", 1),
                new InetSocketAddress("100.64.0.9", 1)))).isTrue();
    }
}
