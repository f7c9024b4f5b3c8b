package io.cuecast.hls;

/**
 * What the multivariant playlist says about a rendition.
 *
 * @param name path segment of the rendition, for example {@code source}
 * @param codecs RFC 6381 codec list for CODECS
 * @param width picture width, 0 for audio-only
 * @param height picture height, 0 for audio-only
 * @param frameRate frame rate the bitstream declares (H.264 VUI timing), 0 when it declares none
 */
public record RenditionInfo(String name, String codecs, int width, int height, double frameRate) {
    /** Without a declared frame rate. */
    public RenditionInfo(String name, String codecs, int width, int height) {
        this(name, codecs, width, height, 0);
    }
}
