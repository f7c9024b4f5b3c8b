package io.cuecast.core.codec;

import io.cuecast.core.media.Bytes;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * AVCDecoderConfigurationRecord, ISO/IEC 14496-15 §5.3.3.1: the payload of an FLV AVC sequence
 * header and of the MP4 {@code avcC} box.
 *
 * @param profile AVCProfileIndication
 * @param compatibility profile_compatibility
 * @param level AVCLevelIndication
 * @param lengthSize bytes of each NAL length prefix in samples (1, 2 or 4)
 * @param sps sequence parameter sets, each with its NAL header
 * @param pps picture parameter sets, each with its NAL header
 * @param trailer bytes after the PPS list (High profile chroma fields), kept verbatim
 */
public record AvcDecoderConfigurationRecord(
        int profile, int compatibility, int level, int lengthSize, List<Bytes> sps, List<Bytes> pps, Bytes trailer) {

    /** Parses a record; throws {@link CodecException} naming the field that is wrong. */
    public static AvcDecoderConfigurationRecord parse(Bytes bytes) {
        byte[] d = bytes.unsafeArray();
        if (d.length < 7) {
            throw new CodecException("AVCDecoderConfigurationRecord shorter than 7 bytes: " + d.length);
        }
        if (d[0] != 1) {
            throw new CodecException("AVCDecoderConfigurationRecord configurationVersion " + d[0] + " != 1");
        }
        int lengthSize = (d[4] & 0x03) + 1;
        if (lengthSize == 3) {
            throw new CodecException("AVCDecoderConfigurationRecord lengthSizeMinusOne 2 is not allowed");
        }
        int pos = 5;
        int numSps = d[pos++] & 0x1f;
        List<Bytes> sps = new ArrayList<>();
        for (int i = 0; i < numSps; i++) {
            pos = readParameterSet(d, pos, sps, "SPS");
        }
        if (pos >= d.length) {
            throw new CodecException("AVCDecoderConfigurationRecord ends before numOfPictureParameterSets");
        }
        int numPps = d[pos++] & 0xff;
        List<Bytes> pps = new ArrayList<>();
        for (int i = 0; i < numPps; i++) {
            pos = readParameterSet(d, pos, pps, "PPS");
        }
        if (sps.isEmpty()) {
            throw new CodecException("AVCDecoderConfigurationRecord has no SPS");
        }
        return new AvcDecoderConfigurationRecord(d[1] & 0xff, d[2] & 0xff, d[3] & 0xff, lengthSize,
                List.copyOf(sps), List.copyOf(pps), Bytes.copyOf(d, pos, d.length - pos));
    }

    private static int readParameterSet(byte[] d, int pos, List<Bytes> out, String what) {
        if (pos + 2 > d.length) {
            throw new CodecException("AVCDecoderConfigurationRecord " + what + " length truncated");
        }
        int len = ((d[pos] & 0xff) << 8) | (d[pos + 1] & 0xff);
        pos += 2;
        if (len == 0 || pos + len > d.length) {
            throw new CodecException("AVCDecoderConfigurationRecord " + what + " length " + len + " invalid");
        }
        out.add(Bytes.copyOf(d, pos, len));
        return pos + len;
    }

    /** The same record with another NAL length size. */
    public AvcDecoderConfigurationRecord withLengthSize(int newLengthSize) {
        return new AvcDecoderConfigurationRecord(profile, compatibility, level, newLengthSize, sps, pps, trailer);
    }

    /** Serializes the record. */
    public Bytes encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        out.write(profile);
        out.write(compatibility);
        out.write(level);
        out.write(0xfc | (lengthSize - 1));
        out.write(0xe0 | sps.size());
        for (Bytes s : sps) {
            out.write(s.length() >> 8);
            out.write(s.length());
            out.writeBytes(s.unsafeArray());
        }
        out.write(pps.size());
        for (Bytes p : pps) {
            out.write(p.length() >> 8);
            out.write(p.length());
            out.writeBytes(p.unsafeArray());
        }
        out.writeBytes(trailer.unsafeArray());
        return Bytes.wrap(out.toByteArray());
    }
}
