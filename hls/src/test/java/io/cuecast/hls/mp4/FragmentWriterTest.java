package io.cuecast.hls.mp4;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuecast.core.media.Bytes;
import java.util.List;
import org.junit.jupiter.api.Test;

class FragmentWriterTest {
    @Test
    void writesMoofAndMdatExactly() {
        byte[] fragment = FragmentWriter.write(7, new byte[0], List.of(
                new FragmentWriter.Run(1, 180000, List.of(
                        new Sample(180000, 3000, 6000, true, 6),
                        new Sample(183000, 3000, -3000, false, 5))),
                new FragmentWriter.Run(2, 96000, List.of(new Sample(96000, 1024, 0, true, 1)))),
                List.of(Bytes.ofHex("00000002 6588 00000001 41").toArray(), Bytes.ofHex("21").toArray()));
        String expected = ""
                + "000000c8 6d6f6f66" // moof, 200 bytes
                + "00000010 6d666864 00000000 00000007" // mfhd, sequence 7
                + "00000060 74726166" // traf (video), 96 bytes
                + "00000010 74666864 00020000 00000001" // tfhd: default-base-is-moof, track 1
                + "00000014 74666474 01000000 00000000 0002bf20" // tfdt v1: 180000
                + "00000034 7472756e 01000f01 00000002 000000d0" // trun v1, flags 0xf01, 2 samples, offset 200 + 8
                + "00000bb8 00000006 02000000 00001770" // 3000, 6 bytes, sync, cto 6000
                + "00000bb8 00000005 01010000 fffff448" // 3000, 5 bytes, non-sync, cto -3000
                + "00000050 74726166" // traf (audio), 80 bytes
                + "00000010 74666864 00020000 00000002"
                + "00000014 74666474 01000000 00000000 00017700" // tfdt 96000
                + "00000024 7472756e 01000f01 00000001 000000db" // 1 sample, offset 208 + 11
                + "00000400 00000001 02000000 00000000" // 1024, 1 byte
                + "00000014 6d646174" // mdat, 8 + 12
                + "00000002 6588 00000001 41 21";
        assertThat(Bytes.wrap(fragment).toHex()).isEqualTo(Bytes.ofHex(expected).toHex());
    }

    @Test
    void prefixBoxesComeBeforeTheMoofAndOffsetsStayMoofRelative() {
        byte[] prefix = Bytes.ofHex("0000000c 66726565 00000000").toArray(); // a 12-byte free box
        List<byte[]> data = List.of(Bytes.ofHex("00000001 65").toArray());
        byte[] plain = FragmentWriter.write(1, new byte[0], List.of(new FragmentWriter.Run(1, 0,
                List.of(new Sample(0, 3000, 0, true, 5)))), data);
        byte[] with = FragmentWriter.write(1, prefix, List.of(new FragmentWriter.Run(1, 0,
                List.of(new Sample(0, 3000, 0, true, 5)))), data);
        assertThat(Boxes.paths(with)).startsWith("free", "moof");
        assertThat(Bytes.wrap(with).slice(12, with.length)).isEqualTo(Bytes.wrap(plain));
    }
}
