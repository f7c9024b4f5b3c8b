package io.cuecast.core.codec;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Helpers for H.264 NAL units (ITU-T H.264 §7.3.1 and §7.4.1). */
public final class NalUnits {
    /** NAL unit type of an IDR slice. */
    public static final int TYPE_IDR = 5;
    /** NAL unit type of a sequence parameter set. */
    public static final int TYPE_SPS = 7;
    /** NAL unit type of a picture parameter set. */
    public static final int TYPE_PPS = 8;
    /** NAL unit type of an access unit delimiter. */
    public static final int TYPE_AUD = 9;

    private NalUnits() {
    }

    /** Removes emulation prevention bytes (0x000003 → 0x0000), H.264 §7.4.1. */
    public static byte[] unescape(byte[] data, int offset, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length);
        int zeros = 0;
        for (int i = offset; i < offset + length; i++) {
            int b = data[i] & 0xff;
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out.write(b);
        }
        return out.toByteArray();
    }

    /**
     * Splits a length-prefixed access unit into NAL unit slices [offset, length].
     *
     * @param lengthSize bytes of each length prefix (1, 2 or 4)
     * @param maxUnits bound on the number of NAL units, so a hostile payload cannot make us allocate
     * @throws CodecException when a length runs past the end or the bound is hit
     */
    public static List<int[]> splitLengthPrefixed(byte[] data, int offset, int length, int lengthSize, int maxUnits) {
        List<int[]> units = new ArrayList<>();
        int pos = offset;
        int end = offset + length;
        while (pos < end) {
            if (end - pos < lengthSize) {
                throw new CodecException("NAL length prefix truncated at byte " + (pos - offset));
            }
            long n = 0;
            for (int i = 0; i < lengthSize; i++) {
                n = (n << 8) | (data[pos + i] & 0xff);
            }
            pos += lengthSize;
            if (n > end - pos) {
                throw new CodecException("NAL unit length " + n + " exceeds the " + (end - pos) + " bytes left");
            }
            if (units.size() >= maxUnits) {
                throw new CodecException("more than " + maxUnits + " NAL units in one access unit");
            }
            units.add(new int[] {pos, (int) n});
            pos += (int) n;
        }
        return units;
    }
}
