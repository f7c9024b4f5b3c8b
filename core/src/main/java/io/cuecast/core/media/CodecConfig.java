package io.cuecast.core.media;

/** What a decoder needs to know before the first packet of a track. */
public sealed interface CodecConfig permits H264Config, AacConfig, DataConfig {
    /** The RFC 6381 codec string used in HLS {@code CODECS}, for example {@code avc1.64001f}. */
    String rfc6381();
}
