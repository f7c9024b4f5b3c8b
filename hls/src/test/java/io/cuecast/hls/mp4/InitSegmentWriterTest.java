package io.cuecast.hls.mp4;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuecast.core.media.AacConfig;
import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.H264Config;
import io.cuecast.core.media.MediaKind;
import java.util.List;
import org.junit.jupiter.api.Test;

public class InitSegmentWriterTest {
    public static final Bytes RECORD = Bytes.ofHex("0164001fffe1001a6764001facd9405005bb0110000003001000000303c0f1831960"
            + "01000668ebe3cb22c0");

    static byte[] init() {
        return InitSegmentWriter.write(List.of(
                new Mp4Track(1, MediaKind.VIDEO, 90000, H264Config.parse(RECORD)),
                new Mp4Track(2, MediaKind.AUDIO, 48000, AacConfig.parse(Bytes.ofHex("1190")))));
    }

    @Test
    void boxTreeIsCmafHeaderShaped() {
        assertThat(Boxes.paths(init())).containsExactly(
                "ftyp", "moov", "moov/mvhd",
                "moov/trak", "moov/trak/tkhd", "moov/trak/mdia", "moov/trak/mdia/mdhd", "moov/trak/mdia/hdlr",
                "moov/trak/mdia/minf", "moov/trak/mdia/minf/vmhd", "moov/trak/mdia/minf/dinf",
                "moov/trak/mdia/minf/dinf/dref", "moov/trak/mdia/minf/stbl", "moov/trak/mdia/minf/stbl/stsd",
                "moov/trak/mdia/minf/stbl/stsd/avc1", "moov/trak/mdia/minf/stbl/stsd/avc1/avcC",
                "moov/trak/mdia/minf/stbl/stts", "moov/trak/mdia/minf/stbl/stsc", "moov/trak/mdia/minf/stbl/stsz",
                "moov/trak/mdia/minf/stbl/stco",
                "moov/trak", "moov/trak/tkhd", "moov/trak/mdia", "moov/trak/mdia/mdhd", "moov/trak/mdia/hdlr",
                "moov/trak/mdia/minf", "moov/trak/mdia/minf/smhd", "moov/trak/mdia/minf/dinf",
                "moov/trak/mdia/minf/dinf/dref", "moov/trak/mdia/minf/stbl", "moov/trak/mdia/minf/stbl/stsd",
                "moov/trak/mdia/minf/stbl/stsd/mp4a", "moov/trak/mdia/minf/stbl/stsd/mp4a/esds",
                "moov/trak/mdia/minf/stbl/stts", "moov/trak/mdia/minf/stbl/stsc", "moov/trak/mdia/minf/stbl/stsz",
                "moov/trak/mdia/minf/stbl/stco",
                "moov/mvex", "moov/mvex/trex", "moov/mvex/trex");
    }

    @Test
    void leafBoxesAreExact() {
        byte[] init = init();
        assertThat(Bytes.wrap(Boxes.find(init, "ftyp")))
                .isEqualTo(Bytes.ofHex("0000001c 66747970 69736f36 00000000 69736f36 636d6663 6d703431"));
        assertThat(Bytes.wrap(Boxes.find(init, "moov/trak/mdia/minf/stbl/stsd/avc1/avcC")))
                .isEqualTo(Bytes.ofHex(String.format("%08x", 8 + RECORD.length()) + "61766343" + RECORD.toHex()));
        assertThat(Bytes.wrap(Boxes.find(init, "moov/trak/mdia/minf/stbl/stsd/mp4a/esds"))).isEqualTo(Bytes.ofHex(
                "00000027 65736473 00000000"
                        + "03 19 0002 00" // ES_Descriptor, 25 bytes, ES_ID 2
                        + "04 11 40 15 000000 00000000 00000000" // DecoderConfig: AAC, audio stream
                        + "05 02 1190" // DecoderSpecificInfo: the AudioSpecificConfig
                        + "06 01 02")); // SLConfig predefined 2
        assertThat(Bytes.wrap(Boxes.find(init, "moov/mvex/trex")))
                .isEqualTo(Bytes.ofHex("00000020 74726578 00000000 00000001 00000001 00000000 00000000 00000000"));
        assertThat(Bytes.wrap(Boxes.find(init, "moov/trak/mdia/mdhd")))
                .isEqualTo(Bytes.ofHex("00000020 6d646864 00000000 00000000 00000000 00015f90 00000000 55c40000"));
        byte[] tkhd = Boxes.find(init, "moov/trak/tkhd");
        assertThat(Bytes.wrap(tkhd).slice(tkhd.length - 8, tkhd.length))
                .isEqualTo(Bytes.ofHex("05000000 02d00000")); // 1280.0 x 720.0 in 16.16
    }
}
