package io.cuecast.core.media;

/** Config of a timed-data track; {@code scheme} names what the payloads are (for example cue JSON). */
public record DataConfig(String scheme) implements CodecConfig {
    @Override
    public String rfc6381() {
        return "";
    }
}
