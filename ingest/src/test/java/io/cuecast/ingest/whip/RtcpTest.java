package io.cuecast.ingest.whip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cuecast.core.media.Bytes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 3550 sender reports in, RFC 4585 PLI and generic NACK out, byte for byte. */
class RtcpTest {
    @Test
    void aSenderReportIsFoundInACompoundPacket() {
        // SR (ssrc 1, NTP 2^32 + 2^31 = 1.5 s, RTP 90000, 10 packets, 1000 octets), then an SDES.
        byte[] d = Bytes.ofHex("80c8 0006 00000001 00000001 80000000 00015f90 0000000a 000003e8"
                + "81ca 0002 00000001 01000000").toArray();
        assertThat(Rtcp.isRtcp(d, 0, d.length)).isTrue();
        List<Rtcp.SenderReport> srs = Rtcp.senderReports(d, 0, d.length);
        assertThat(srs).singleElement().satisfies(sr -> {
            assertThat(sr.ssrc()).isEqualTo(1);
            assertThat(sr.ntpMillis()).isEqualTo(1500);
            assertThat(sr.rtpTimestamp()).isEqualTo(90_000);
            assertThat(sr.packets()).isEqualTo(10);
        });
    }

    @Test
    void pliAndNackAreTheRfc4585Bytes() {
        assertThat(Bytes.wrap(Rtcp.pli(0x11, 0x22))).isEqualTo(Bytes.ofHex("81ce 0002 00000011 00000022"));
        // 100, 101, 103 → PID 100 with bits for +1 and +3; 200 → a second entry.
        assertThat(Bytes.wrap(Rtcp.nack(0x11, 0x22, List.of(100, 101, 103, 200)))).isEqualTo(Bytes.ofHex(
                "81cd 0004 00000011 00000022 0064 0005 00c8 0000"));
    }

    @Test
    void malformedCompoundsAreNamed() {
        byte[] past = Bytes.ofHex("80c8 00ff 00000001").toArray();
        assertThatThrownBy(() -> Rtcp.senderReports(past, 0, past.length)).hasMessageContaining("past the end");
        byte[] shortSr = Bytes.ofHex("80c8 0001 00000001").toArray();
        assertThatThrownBy(() -> Rtcp.senderReports(shortSr, 0, shortSr.length)).hasMessageContaining("sender report of 8");
        assertThat(Rtcp.isRtcp(Bytes.ofHex("8060").toArray(), 0, 2)).as("RTP payload type 96").isFalse();
    }
}
