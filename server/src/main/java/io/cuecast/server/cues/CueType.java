package io.cuecast.server.cues;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of cue an operator can place. */
public enum CueType {
    PRODUCT_SHOW("product.show"),
    PRODUCT_HIDE("product.hide"),
    PRODUCT_UPDATE("product.update"),
    OFFER_START("offer.start"),
    OFFER_END("offer.end"),
    CUSTOM("custom");

    private final String wire;

    CueType(String wire) {
        this.wire = wire;
    }

    /** The name in JSON, for example {@code product.show}. */
    public String wire() {
        return wire;
    }

    /** True for the {@code product.*} types. */
    public boolean isProduct() {
        return wire.startsWith("product.");
    }

    /** The type with this wire name. */
    public static Optional<CueType> of(String wire) {
        return Arrays.stream(values()).filter(t -> t.wire.equals(wire)).findFirst();
    }
}
