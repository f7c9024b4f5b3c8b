package io.cuecast.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cuecast.core.media.Bytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkCodecTest {
    static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    static RtmpMessage msg(int csid, long ts, int type, int stream, byte[] payload) {
        return new RtmpMessage(csid, ts, type, stream, Bytes.wrap(payload));
    }

    /** One case of the table: wire bytes and the messages they decode to. */
    record Case(String name, String hex, List<RtmpMessage> messages) {}

    static final List<Case> CASES = List.of(
            new Case("type 0 header, AMF0 command on csid 3",
                    "03" // fmt 0, csid 3
                            + "000000 000005 14 00000000" // timestamp 0, length 5, type 20, stream 0
                            + "0500000000",
                    List.of(msg(3, 0, 20, 0, new byte[] {5, 0, 0, 0, 0}))),
            new Case("type 0, then 1, 2 and 3 headers on one video chunk stream",
                    "06 000000 000002 09 01000000 aaaa" // fmt 0: ts 0, len 2, video, stream 1
                            + "46 000021 000003 09 bbbbbb" // fmt 1: delta 33, len 3
                            + "86 000021 cccccc" // fmt 2: delta 33
                            + "c6 dddddd", // fmt 3: new message, same delta
                    List.of(msg(6, 0, 9, 1, Bytes.ofHex("aaaa").toArray()),
                            msg(6, 33, 9, 1, Bytes.ofHex("bbbbbb").toArray()),
                            msg(6, 66, 9, 1, Bytes.ofHex("cccccc").toArray()),
                            msg(6, 99, 9, 1, Bytes.ofHex("dddddd").toArray()))),
            new Case("message of 200 bytes in chunks of 128 (type 3 continuation)",
                    "04 000064 0000c8 08 01000000" + "11".repeat(128) + "c4" + "11".repeat(72),
                    List.of(msg(4, 100, 8, 1, filled(200, 0x11)))),
            new Case("extended timestamp, repeated on the continuation chunk (ffmpeg)",
                    "04 ffffff 000082 08 01000000 01000000" + "22".repeat(128) + "c4 01000000" + "22".repeat(2),
                    List.of(msg(4, 0x01000000L, 8, 1, filled(130, 0x22)))),
            new Case("extended timestamp not repeated on the continuation chunk (old Flash)",
                    // The decoder must see four bytes to tell a repeated timestamp from payload, so a
                    // following message is part of the case.
                    "04 ffffff 000082 08 01000000 01000000" + "22".repeat(128) + "c4" + "22".repeat(2)
                            + "03 000000 000005 14 00000000 0500000000",
                    List.of(msg(4, 0x01000000L, 8, 1, filled(130, 0x22)), msg(3, 0, 20, 0, new byte[] {5, 0, 0, 0, 0}))),
            new Case("two-byte basic header, csid 100",
                    "00 24 000010 000001 12 01000000 07", List.of(msg(100, 16, 18, 1, new byte[] {7}))),
            new Case("three-byte basic header, csid 400",
                    "01 5001 000010 000001 12 01000000 07", List.of(msg(400, 16, 18, 1, new byte[] {7}))),
            new Case("set chunk size 4096 then a 300-byte message in one chunk",
                    "02 000000 000004 01 00000000 00001000"
                            + "04 000000 00012c 09 01000000" + "33".repeat(300),
                    List.of(msg(2, 0, 1, 0, Bytes.ofHex("00001000").toArray()), msg(4, 0, 9, 1, filled(300, 0x33)))),
            new Case("zero-length message (found by the fuzzer at the production limit)",
                    "05 000000 000000 12 01000000" + "03 000000 000001 14 00000000 05",
                    List.of(msg(5, 0, 18, 1, new byte[0]), msg(3, 0, 20, 0, new byte[] {5}))),
            new Case("interleaved chunk streams",
                    "04 000000 0000c8 08 01000000" + "44".repeat(128)
                            + "03 000000 000001 14 00000000 05"
                            + "c4" + "44".repeat(72),
                    List.of(msg(3, 0, 20, 0, new byte[] {5}), msg(4, 0, 8, 1, filled(200, 0x44)))));

    static List<RtmpMessage> decodeSplit(byte[] wire, int split, int maxMessage) {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(maxMessage));
        ch.writeInbound(Unpooled.wrappedBuffer(wire, 0, split));
        ch.writeInbound(Unpooled.wrappedBuffer(wire, split, wire.length - split));
        List<RtmpMessage> out = new ArrayList<>();
        RtmpMessage m;
        while ((m = ch.readInbound()) != null) {
            out.add(m);
        }
        ch.finishAndReleaseAll();
        return out;
    }

    @Test
    void decodesEveryCaseSplitAtEveryOffset() {
        for (Case c : CASES) {
            byte[] wire = Bytes.ofHex(c.hex()).toArray();
            for (int split = 0; split <= wire.length; split++) {
                assertThat(decodeSplit(wire, split, 1 << 20)).as("%s split at %d", c.name(), split)
                        .containsExactlyElementsOf(c.messages());
            }
        }
    }

    @Test
    void decodesByteByByte() {
        for (Case c : CASES) {
            byte[] wire = Bytes.ofHex(c.hex()).toArray();
            EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(1 << 20));
            for (byte b : wire) {
                ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            }
            List<RtmpMessage> out = new ArrayList<>();
            RtmpMessage m;
            while ((m = ch.readInbound()) != null) {
                out.add(m);
            }
            assertThat(out).as(c.name()).containsExactlyElementsOf(c.messages());
        }
    }

    static byte[] encode(ChunkEncoder enc, RtmpMessage... messages) {
        ByteBuf out = Unpooled.buffer();
        for (RtmpMessage m : messages) {
            enc.encode(m, out);
        }
        byte[] b = new byte[out.readableBytes()];
        out.readBytes(b);
        return b;
    }

    @Test
    void encoderPicksTheSmallestHeader() {
        ChunkEncoder enc = new ChunkEncoder();
        byte[] wire = encode(enc,
                msg(6, 0, 9, 1, Bytes.ofHex("aaaa").toArray()),
                msg(6, 33, 9, 1, Bytes.ofHex("bbbbbb").toArray()),
                msg(6, 70, 9, 1, Bytes.ofHex("cccccc").toArray()),
                msg(6, 107, 9, 1, Bytes.ofHex("dddddd").toArray()));
        assertThat(Bytes.wrap(wire)).isEqualTo(Bytes.ofHex(
                "06 000000 000002 09 01000000 aaaa" // type 0
                        + "46 000021 000003 09 bbbbbb" // type 1: length changed, delta 33
                        + "86 000025 cccccc" // type 2: delta 37
                        + "c6 dddddd")); // type 3: delta 37 again
    }

    @Test
    void encoderSplitsAndRepeatsExtendedTimestamps() {
        assertThat(Bytes.wrap(encode(new ChunkEncoder(), msg(4, 100, 8, 1, filled(200, 0x11)))))
                .isEqualTo(Bytes.ofHex(CASES.get(2).hex()));
        assertThat(Bytes.wrap(encode(new ChunkEncoder(), msg(4, 0x01000000L, 8, 1, filled(130, 0x22)))))
                .isEqualTo(Bytes.ofHex(CASES.get(3).hex()));
        assertThat(Bytes.wrap(encode(new ChunkEncoder(), msg(400, 16, 18, 1, new byte[] {7}))))
                .isEqualTo(Bytes.ofHex(CASES.get(6).hex()));
    }

    @Test
    void encoderUsesType0WhenTimeGoesBackOrStreamChanges() {
        ChunkEncoder enc = new ChunkEncoder();
        byte[] wire = encode(enc, msg(5, 100, 20, 1, new byte[] {1}), msg(5, 50, 20, 1, new byte[] {2}),
                msg(5, 60, 20, 0, new byte[] {3}));
        assertThat(Bytes.wrap(wire)).isEqualTo(Bytes.ofHex(
                "05 000064 000001 14 01000000 01"
                        + "05 000032 000001 14 01000000 02"
                        + "05 00003c 000001 14 00000000 03"));
    }

    @Test
    void encodeThenDecodeRoundTripsWithLargeChunkSize() {
        ChunkEncoder enc = new ChunkEncoder();
        List<RtmpMessage> messages = new ArrayList<>();
        messages.add(msg(2, 0, 1, 0, Bytes.ofHex("00010000").toArray())); // set chunk size 65536
        for (int i = 0; i < 50; i++) {
            messages.add(msg(4 + i % 3, i * 40L + (i == 30 ? 0x01000000L : 0), 8 + i % 2, 1,
                    filled(1 + i * 1999, i)));
        }
        ByteBuf out = Unpooled.buffer();
        for (RtmpMessage m : messages) {
            enc.encode(m, out);
            if (m.typeId() == RtmpMessage.SET_CHUNK_SIZE) {
                enc.chunkSize(65536);
            }
        }
        byte[] wire = new byte[out.readableBytes()];
        out.readBytes(wire);
        for (int split : new int[] {0, 1, 17, 4096, wire.length / 2, wire.length - 1, wire.length}) {
            assertThat(decodeSplit(wire, split, 1 << 20)).containsExactlyElementsOf(messages);
        }
    }

    static void assertViolation(String hex, int maxMessage, String message) {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(maxMessage));
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(Bytes.ofHex(hex).toArray())))
                .isInstanceOf(DecoderException.class)
                .hasRootCauseInstanceOf(RtmpProtocolException.class)
                .hasMessageContaining(message);
    }

    @Test
    void limitsAreEnforcedWithTheirNames() {
        assertViolation("02 000000 000004 01 00000000 00000000", 1 << 20, "Set Chunk Size 0 out of range");
        assertViolation("02 000000 000004 01 00000000 01000000", 1 << 20, "Set Chunk Size 16777216 out of range");
        assertViolation("03 000000 ffffff 14 00000000", 1 << 20, "message length 16777215 exceeds the limit of 1048576");
        assertViolation("43 000000 000001 14 00", 1 << 20, "type 1 chunk without a preceding type 0 chunk");
        StringBuilder many = new StringBuilder();
        for (int csid = 64; csid <= 64 + RtmpLimits.MAX_CHUNK_STREAMS; csid++) {
            // three-byte basic header; each chunk leaves a 2-byte message half done
            many.append(String.format("01 %02x %02x", (csid - 64) & 0xff, (csid - 64) >> 8));
            many.append("000000 0000c8 09 01000000").append("aa".repeat(128));
        }
        assertViolation(many.toString(), 1 << 20, "more than 64 chunk streams in use");
    }
}
