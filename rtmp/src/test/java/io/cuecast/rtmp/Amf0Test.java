package io.cuecast.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cuecast.core.media.Bytes;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Amf0Test {
    record Case(String name, String hex, List<Object> values) {}

    /** Stands for an AMF0 null in a List.of table. */
    static final Object NULL = new Object();

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static final List<Case> CASES = List.of(
            new Case("ffmpeg connect",
                    "02 0007 636f6e6e656374" // string "connect"
                            + "00 3ff0000000000000" // number 1
                            + "03" // object
                            + "0003 617070 02 0004 6c697665" // app: "live"
                            + "0004 74797065 02 000a 6e6f6e70726976617465" // type: "nonprivate"
                            + "0005 746355726c 02 0004 72746d70" // tcUrl: "rtmp"
                            + "0000 09", // object end
                    List.of("connect", 1.0, map("app", "live", "type", "nonprivate", "tcUrl", "rtmp"))),
            new Case("publish with null command object",
                    "02 0007 7075626c697368 00 4010000000000000 05 02 0002 736b 02 0004 6c697665",
                    List.of("publish", 4.0, NULL, "sk", "live")),
            new Case("OBS 30 onMetaData with ECMA array",
                    "02 000d 40736574446174614672616d65 02 000a 6f6e4d65746144617461"
                            + "08 00000002" // ECMA array, count hint 2
                            + "0005 7769647468 00 4094000000000000" // width: 1280
                            + "0006 73746572656f 01 01" // stereo: true
                            + "0000 09",
                    List.of("@setDataFrame", "onMetaData", map("width", 1280.0, "stereo", true))),
            new Case("strict array, undefined, long string",
                    "0a 00000002 00 0000000000000000 06" + "0c 00000003 616263",
                    List.of(Arrays.asList(0.0, Amf0.UNDEFINED), "abc")));

    static List<Object> expected(Case c) {
        return c.values().stream().map(v -> v == NULL ? null : v).toList();
    }

    @Test
    void decodesTable() {
        for (Case c : CASES) {
            List<Object> got = new Amf0Reader(Bytes.ofHex(c.hex()).toArray()).readAll();
            assertThat(got).as(c.name()).containsExactlyElementsOf(expected(c));
        }
    }

    @Test
    void encodesTableExactly() {
        // ECMA arrays are written as objects; every other case encodes back to the same bytes.
        for (Case c : List.of(CASES.get(0), CASES.get(1))) {
            assertThat(Bytes.wrap(Amf0Writer.encode(expected(c).toArray()))).as(c.name())
                    .isEqualTo(Bytes.ofHex(c.hex()));
        }
        assertThat(Bytes.wrap(Amf0Writer.encode(List.of(0.0, Amf0.UNDEFINED), "abc")))
                .isEqualTo(Bytes.ofHex("0a 00000002 00 0000000000000000 06 02 0003 616263"));
    }

    @Test
    void truncatedInputAtEveryOffsetFailsCleanly() {
        for (Case c : CASES) {
            byte[] full = Bytes.ofHex(c.hex()).toArray();
            for (int cut = 1; cut < full.length; cut++) {
                byte[] part = Arrays.copyOf(full, cut);
                try {
                    new Amf0Reader(part).readAll();
                } catch (RtmpProtocolException expected) {
                    assertThat(expected.getMessage()).startsWith("AMF0:");
                }
            }
        }
    }

    @Test
    void strictArrayClaiming0x6c6c6c6cElementsFailsWithoutAllocating() {
        // The 11-byte input that makes red5-io allocate until OutOfMemoryError.
        byte[] evil = Bytes.ofHex("0a 6c6c6c6c 0a 6c6c6c6c 00").toArray();
        assertThat(evil).hasSize(10 + 1);
        assertThatThrownBy(() -> new Amf0Reader(evil).readAll())
                .isInstanceOf(RtmpProtocolException.class)
                .hasMessageContaining("strict array claims 1819044972 elements but only 6 bytes remain");
    }

    @Test
    void nestingDepthIsBounded() {
        String deep = "0a 00000001".repeat(40) + "05";
        assertThatThrownBy(() -> new Amf0Reader(Bytes.ofHex(deep).toArray()).readAll())
                .isInstanceOf(RtmpProtocolException.class).hasMessageContaining("nesting deeper than 16");
    }

    @Test
    void longStringLengthBeyondInputIsRefused() {
        assertThatThrownBy(() -> new Amf0Reader(Bytes.ofHex("0c 7fffffff 61").toArray()).readAll())
                .isInstanceOf(RtmpProtocolException.class).hasMessageContaining("needs 2147483647 bytes");
    }

    @Test
    void unknownMarkersAndAmf3AreRefused() {
        assertThatThrownBy(() -> new Amf0Reader(new byte[] {0x11}).read()).hasMessageContaining("AVM+");
        assertThatThrownBy(() -> new Amf0Reader(new byte[] {0x7f}).read()).hasMessageContaining("unknown type marker 0x7f");
        assertThatThrownBy(() -> new Amf0Reader(new byte[] {0x07, 0, 1}).read()).hasMessageContaining("references");
    }
}
