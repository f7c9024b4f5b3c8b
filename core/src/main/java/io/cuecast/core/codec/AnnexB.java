package io.cuecast.core.codec;

import io.cuecast.core.media.Bytes;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * H.264 byte streams with start codes (ITU-T H.264 Annex B), as encoders such as libx264 emit
 * them, converted to the length-prefixed form Cuecast carries inside (ISO/IEC 14496-15 §5.3.3).
 */
public final class AnnexB {
    private AnnexB() {
    }

    /** The NAL units of an Annex B byte stream as [offset, length] slices, start codes removed. */
    public static List<int[]> split(byte[] data, int offset, int length) {
        List<int[]> units = new ArrayList<>();
        int end = offset + length;
        int start = -1;
        int i = offset;
        while (i + 2 < end) {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
                if (start >= 0) {
                    units.add(new int[] {start, trimZeros(data, start, i) - start});
                }
                i += 3;
                start = i;
            } else {
                i++;
            }
        }
        if (start >= 0 && start < end) {
            units.add(new int[] {start, end - start});
        }
        return units;
    }

    /** A zero byte before a start code belongs to the four-byte start code, not to the NAL unit. */
    private static int trimZeros(byte[] data, int start, int end) {
        while (end > start && data[end - 1] == 0) {
            end--;
        }
        return end;
    }

    /** Converts an Annex B access unit to 4-byte length-prefixed NAL units. */
    public static byte[] toLengthPrefixed(byte[] data, int offset, int length) {
        List<int[]> units = split(data, offset, length);
        int total = 0;
        for (int[] u : units) {
            total += 4 + u[1];
        }
        byte[] out = new byte[total];
        int pos = 0;
        for (int[] u : units) {
            out[pos++] = (byte) (u[1] >>> 24);
            out[pos++] = (byte) (u[1] >>> 16);
            out[pos++] = (byte) (u[1] >>> 8);
            out[pos++] = (byte) u[1];
            System.arraycopy(data, u[0], out, pos, u[1]);
            pos += u[1];
        }
        return out;
    }

    /**
     * Builds the AVCDecoderConfigurationRecord of an encoder's Annex B global header (its SPS and
     * PPS). High profiles get the chroma/bit-depth fields of §5.3.3.1.2 for 8-bit 4:2:0.
     *
     * @throws CodecException when the header has no SPS or no PPS
     */
    public static AvcDecoderConfigurationRecord decoderConfiguration(byte[] header) {
        List<Bytes> sps = new ArrayList<>();
        List<Bytes> pps = new ArrayList<>();
        for (int[] u : split(header, 0, header.length)) {
            if (u[1] == 0) {
                continue;
            }
            int type = header[u[0]] & 0x1f;
            if (type == NalUnits.TYPE_SPS) {
                sps.add(Bytes.copyOf(header, u[0], u[1]));
            } else if (type == NalUnits.TYPE_PPS) {
                pps.add(Bytes.copyOf(header, u[0], u[1]));
            }
        }
        if (sps.isEmpty() || pps.isEmpty() || sps.get(0).length() < 4) {
            throw new CodecException("encoder header has " + sps.size() + " SPS and " + pps.size() + " PPS");
        }
        Bytes first = sps.get(0);
        int profile = first.getUnsigned(1);
        Bytes trailer = Bytes.EMPTY;
        if (profile == 100 || profile == 110 || profile == 122 || profile == 144) {
            ByteArrayOutputStream t = new ByteArrayOutputStream();
            t.write(0xfc | 1); // chroma_format_idc 1 (4:2:0)
            t.write(0xf8); // bit_depth_luma_minus8 0
            t.write(0xf8); // bit_depth_chroma_minus8 0
            t.write(0); // numOfSequenceParameterSetExt
            trailer = Bytes.wrap(t.toByteArray());
        }
        return new AvcDecoderConfigurationRecord(profile, first.getUnsigned(2), first.getUnsigned(3), 4,
                List.copyOf(sps), List.copyOf(pps), trailer);
    }
}
