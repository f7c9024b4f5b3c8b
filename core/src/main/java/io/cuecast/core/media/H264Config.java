package io.cuecast.core.media;

import io.cuecast.core.codec.AvcDecoderConfigurationRecord;
import io.cuecast.core.codec.H264Sps;

/**
 * H.264 decoder configuration: the AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1) and
 * what we read from its first SPS.
 *
 * @param record the record as it goes into an {@code avcC} box, length size always 4 inside Cuecast
 * @param sps the parsed first sequence parameter set
 */
public record H264Config(Bytes record, H264Sps sps) implements CodecConfig {

    /** Parses a record as FLV and MP4 carry it. */
    public static H264Config parse(Bytes record) {
        AvcDecoderConfigurationRecord parsed = AvcDecoderConfigurationRecord.parse(record);
        H264Sps sps = H264Sps.parse(parsed.sps().get(0));
        return new H264Config(parsed.withLengthSize(4).encode(), sps);
    }

    /** Coded width in pixels after cropping. */
    public int width() {
        return sps.width();
    }

    /** Coded height in pixels after cropping. */
    public int height() {
        return sps.height();
    }

    @Override
    public String rfc6381() {
        return String.format("avc1.%02x%02x%02x", sps.profileIdc(), sps.constraintFlags(), sps.levelIdc());
    }
}
