package io.cuecast.hls.cue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes ID3v2.4 tags (id3.org id3v2.4.0-structure §3, id3v2.4.0-frames §4.2.6 TXXX). */
public final class Id3 {
    private Id3() {
    }

    /**
     * A tag holding one TXXX frame: UTF-8 encoding, {@code description}, then {@code value}.
     * Sizes are syncsafe integers (§6.2): 7 bits per byte, so no byte of a size is ever 0xFF.
     */
    public static byte[] txxx(String description, String value) {
        byte[] desc = description.getBytes(StandardCharsets.UTF_8);
        byte[] val = value.getBytes(StandardCharsets.UTF_8);
        int frameSize = 1 + desc.length + 1 + val.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream(10 + 10 + frameSize);
        out.writeBytes(new byte[] {'I', 'D', '3', 4, 0, 0}); // version 2.4.0, no flags
        syncsafe(out, 10 + frameSize);
        out.writeBytes(new byte[] {'T', 'X', 'X', 'X'});
        syncsafe(out, frameSize);
        out.write(0); // frame flags
        out.write(0);
        out.write(3); // text encoding: UTF-8
        out.writeBytes(desc);
        out.write(0);
        out.writeBytes(val);
        return out.toByteArray();
    }

    private static void syncsafe(ByteArrayOutputStream out, int n) {
        if (n >= 1 << 28) {
            throw new IllegalArgumentException("ID3 size " + n + " does not fit 28 bits");
        }
        out.write((n >> 21) & 0x7f);
        out.write((n >> 14) & 0x7f);
        out.write((n >> 7) & 0x7f);
        out.write(n & 0x7f);
    }
}
