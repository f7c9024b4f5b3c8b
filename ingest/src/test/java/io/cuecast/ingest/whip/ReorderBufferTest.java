package io.cuecast.ingest.whip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reordering, NACK timing and giving up, on a manual clock. */
class ReorderBufferTest {
    static RtpPacket seq(int n) {
        byte[] d = new byte[13];
        d[0] = (byte) 0x80;
        d[1] = 96;
        d[2] = (byte) (n >> 8);
        d[3] = (byte) n;
        return RtpPacket.parse(d, 0, d.length);
    }

    static List<Integer> seqs(List<RtpPacket> ps) {
        return ps.stream().map(RtpPacket::sequence).toList();
    }

    @Test
    void aLatePacketIsPutBackInOrder() {
        ReorderBuffer r = new ReorderBuffer(250, 20, 3);
        assertThat(seqs(r.push(seq(10), 0))).containsExactly(10);
        assertThat(seqs(r.push(seq(12), 1))).isEmpty();
        assertThat(r.due(1, new ArrayList<>())).containsExactly(11);
        assertThat(seqs(r.push(seq(11), 5))).containsExactly(11, 12);
        assertThat(r.due(30, new ArrayList<>())).isEmpty();
    }

    @Test
    void aLostPacketIsNackedThreeTimesThenGivenUp() {
        ReorderBuffer r = new ReorderBuffer(250, 20, 3);
        r.push(seq(1), 0);
        r.push(seq(3), 0);
        assertThat(r.due(0, new ArrayList<>())).containsExactly(2);
        assertThat(r.due(10, new ArrayList<>())).as("not before the retry interval").isEmpty();
        assertThat(r.due(20, new ArrayList<>())).containsExactly(2);
        assertThat(r.due(40, new ArrayList<>())).containsExactly(2);
        assertThat(r.due(60, new ArrayList<>())).as("three times at most").isEmpty();
        List<RtpPacket> released = new ArrayList<>();
        r.due(250, released);
        assertThat(seqs(released)).containsExactly(3);
        assertThat(r.lost()).isEqualTo(1);
        assertThat(seqs(r.push(seq(2), 260))).as("too late now").isEmpty();
    }

    @Test
    void sequenceNumbersWrap() {
        ReorderBuffer r = new ReorderBuffer(250, 20, 3);
        assertThat(seqs(r.push(seq(65534), 0))).containsExactly(65534);
        assertThat(seqs(r.push(seq(0), 0))).isEmpty();
        assertThat(r.due(0, new ArrayList<>())).containsExactly(65535);
        assertThat(seqs(r.push(seq(65535), 1))).containsExactly(65535, 0);
    }

    @Test
    void aHugeJumpIsBoundedInMemory() {
        ReorderBuffer r = new ReorderBuffer(250, 20, 3);
        r.push(seq(0), 0);
        for (int i = 2; i < 2 + ReorderBuffer.MAX_PACKETS + 10; i++) {
            r.push(seq(i), 0);
        }
        assertThat(r.lost()).isEqualTo(1); // packet 1 given up when the held packets passed the bound
    }
}
