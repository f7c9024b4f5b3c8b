package io.cuecast.core.codec;

import io.cuecast.core.media.Bytes;

/**
 * The leading fields of an MPEG-4 AudioSpecificConfig, ISO/IEC 14496-3 §1.6.2.1.
 *
 * @param objectType audioObjectType (2 = AAC LC)
 * @param sampleRate sampling frequency in Hz
 * @param channels channel count from channelConfiguration
 */
public record AudioSpecificConfig(int objectType, int sampleRate, int channels) {
    private static final int[] SAMPLE_RATES = {
        96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350
    };

    /** Parses the config; throws {@link CodecException} naming the bad field. */
    public static AudioSpecificConfig parse(Bytes asc) {
        if (asc.length() < 2) {
            throw new CodecException("AudioSpecificConfig shorter than 2 bytes");
        }
        BitReader r = new BitReader(asc.unsafeArray());
        int objectType = r.readInt(5);
        if (objectType == 31) {
            objectType = 32 + r.readInt(6);
        }
        int index = r.readInt(4);
        int sampleRate;
        if (index == 15) {
            sampleRate = r.readInt(24);
        } else if (index < SAMPLE_RATES.length) {
            sampleRate = SAMPLE_RATES[index];
        } else {
            throw new CodecException("AudioSpecificConfig samplingFrequencyIndex " + index + " is reserved");
        }
        int channelConfig = r.readInt(4);
        int channels = channelConfig == 7 ? 8 : channelConfig;
        if (sampleRate <= 0) {
            throw new CodecException("AudioSpecificConfig sample rate " + sampleRate + " invalid");
        }
        return new AudioSpecificConfig(objectType, sampleRate, channels);
    }
}
