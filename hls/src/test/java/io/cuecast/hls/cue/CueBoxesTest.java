package io.cuecast.hls.cue;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuecast.core.media.Bytes;
import org.junit.jupiter.api.Test;

class CueBoxesTest {
    @Test
    void id3TxxxFrameExact() {
        assertThat(Bytes.wrap(Id3.txxx("cuecast", "{}")).toHex()).isEqualTo(Bytes.ofHex(
                "494433 04 00 00" // "ID3", v2.4.0, no flags
                        + "00000015" // tag size 21: frame header 10 + body 11, syncsafe
                        + "54585858 0000000b 0000" // "TXXX", frame size 11 (syncsafe), no flags
                        + "03" // UTF-8
                        + "637565636173 74 00" // "cuecast" NUL
                        + "7b7d").toHex()); // "{}"
    }

    @Test
    void syncsafeSizesNeverHaveTheHighBitSet() {
        byte[] tag = Id3.txxx("cuecast", "x".repeat(200));
        // 10 + 1 + 7 + 1 + 200 = 219 = 0b1_1011011 -> 0x01 0x5b
        assertThat(Bytes.wrap(tag).slice(6, 10).toHex()).isEqualTo("0000015b");
    }

    @Test
    void emsgV1Exact() {
        byte[] box = Emsg.v1(90000, 360000, 0xFFFFFFFFL, 7, Emsg.ID3_SCHEME, "", new byte[] {1, 2});
        String scheme = Bytes.wrap("https://aomedia.org/emsg/ID3".getBytes()).toHex();
        assertThat(Bytes.wrap(box).toHex()).isEqualTo(Bytes.ofHex(
                String.format("%08x", 8 + 4 + 4 + 8 + 4 + 4 + 29 + 1 + 2) + "656d7367" // size, "emsg"
                        + "01000000" // version 1, flags 0
                        + "00015f90" // timescale 90000
                        + "0000000000057e40" // presentation_time 360000
                        + "ffffffff" // event_duration unknown
                        + "00000007" // id
                        + scheme + "00" // scheme_id_uri
                        + "00" // value ""
                        + "0102").toHex());
    }
}
