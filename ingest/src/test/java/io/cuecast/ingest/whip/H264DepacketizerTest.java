package io.cuecast.ingest.whip;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuecast.core.media.Bytes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 6184 packetization modes as browsers (STAP-A) and OBS (single NAL, FU-A) send them. */
class H264DepacketizerTest {
    int seq = 100;

    RtpPacket rtp(long ts, boolean marker, String payloadHex) {
        byte[] payload = Bytes.ofHex(payloadHex).toArray();
        byte[] d = new byte[12 + payload.length];
        d[0] = (byte) 0x80;
        d[1] = (byte) ((marker ? 0x80 : 0) | 102);
        d[2] = (byte) (seq >> 8);
        d[3] = (byte) seq;
        seq++;
        d[4] = (byte) (ts >> 24);
        d[5] = (byte) (ts >> 16);
        d[6] = (byte) (ts >> 8);
        d[7] = (byte) ts;
        d[11] = 1;
        System.arraycopy(payload, 0, d, 12, payload.length);
        return RtpPacket.parse(d, 0, d.length);
    }

    @Test
    void stapAWithParameterSetsAndAnIdrIsOneKeyframe() {
        H264Depacketizer h = new H264Depacketizer();
        // STAP-A: SPS (3 bytes), PPS (2 bytes), IDR slice (3 bytes).
        List<H264Depacketizer.AccessUnit> out = h.push(rtp(3000, true,
                "18 0003 674201 0002 68ce 0003 658880"));
        assertThat(out).singleElement().satisfies(au -> {
            assertThat(au.keyframe()).isTrue();
            assertThat(Bytes.wrap(au.avcc())).isEqualTo(Bytes.ofHex(
                    "00000003 674201 00000002 68ce 00000003 658880"));
            assertThat(au.parameterSets()).hasSize(2);
        });
    }

    @Test
    void fuAFragmentsAreJoinedAndTheNalHeaderRebuilt() {
        H264Depacketizer h = new H264Depacketizer();
        assertThat(h.push(rtp(0, false, "674201"))).isEmpty(); // SPS single NAL
        assertThat(h.push(rtp(0, false, "68ce"))).isEmpty(); // PPS
        assertThat(h.push(rtp(0, false, "7c85 aabb"))).isEmpty(); // FU-A start, NRI 3, type 5
        assertThat(h.push(rtp(0, false, "7c05 ccdd"))).isEmpty(); // middle
        List<H264Depacketizer.AccessUnit> out = h.push(rtp(0, true, "7c45 ee")); // end, marker
        assertThat(out).singleElement().satisfies(au -> assertThat(Bytes.wrap(au.avcc())).isEqualTo(Bytes.ofHex(
                "00000003 674201 00000002 68ce 00000006 65aabbccddee")));
    }

    @Test
    void aLostPacketDropsItsFrameAndWaitsForTheNextKeyframe() {
        H264Depacketizer h = new H264Depacketizer();
        assertThat(h.push(rtp(0, true, "6588"))).hasSize(1); // IDR
        h.push(rtp(3000, false, "7c01 aa")); // FU-A start of a P frame (type 1)
        seq++; // the middle is lost
        assertThat(h.push(rtp(3000, true, "7c41 cc"))).isEmpty();
        assertThat(h.push(rtp(6000, true, "4188"))).as("a P frame after the hole").isEmpty();
        assertThat(h.push(rtp(9000, true, "6588"))).singleElement()
                .satisfies(au -> assertThat(au.keyframe()).isTrue());
        assertThat(h.droppedFrames()).isEqualTo(2);
    }

    @Test
    void aNewTimestampClosesAFrameWhoseMarkerWasNotSentAndDelimitersGo() {
        H264Depacketizer h = new H264Depacketizer();
        assertThat(h.push(rtp(0, false, "0910"))).isEmpty(); // AUD: dropped
        assertThat(h.push(rtp(0, false, "6588"))).isEmpty();
        List<H264Depacketizer.AccessUnit> out = new ArrayList<>(h.push(rtp(3000, true, "4199")));
        assertThat(out).hasSize(2);
        assertThat(Bytes.wrap(out.get(0).avcc())).isEqualTo(Bytes.ofHex("00000002 6588"));
        assertThat(out.get(1).rtpTimestamp()).isEqualTo(3000);
    }

    @Test
    void refusedPacketizationsAndBrokenStapADamageOnlyTheirFrame() {
        H264Depacketizer h = new H264Depacketizer();
        assertThat(h.push(rtp(0, true, "1a00"))).isEmpty(); // STAP-B
        assertThat(h.push(rtp(3000, true, "18 00ff 6588"))).isEmpty(); // size past the end
        assertThat(h.push(rtp(6000, true, "6588"))).hasSize(1);
    }
}
