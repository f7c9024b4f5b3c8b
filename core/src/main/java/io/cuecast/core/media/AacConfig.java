package io.cuecast.core.media;

import io.cuecast.core.codec.AudioSpecificConfig;

/**
 * AAC decoder configuration: the AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1) and its fields.
 *
 * @param asc the raw AudioSpecificConfig bytes
 * @param parsed its decoded fields
 */
public record AacConfig(Bytes asc, AudioSpecificConfig parsed) implements CodecConfig {

    /** Parses an AudioSpecificConfig. */
    public static AacConfig parse(Bytes asc) {
        return new AacConfig(asc, AudioSpecificConfig.parse(asc));
    }

    /** Sample rate in Hz. */
    public int sampleRate() {
        return parsed.sampleRate();
    }

    /** Channel count. */
    public int channels() {
        return parsed.channels();
    }

    @Override
    public String rfc6381() {
        return "mp4a.40." + parsed.objectType();
    }
}
