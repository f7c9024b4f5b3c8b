package io.cuecast.core.cue;

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

    /**
     * True when a cue of this type, being the latest about its product, keeps that product on screen:
     * {@code product.show}, {@code product.update} and {@code offer.start} (an offer is shown on the
     * product's card). {@code product.hide} and {@code offer.end} take it off.
     */
    public boolean keepsProductOnScreen() {
        return this == PRODUCT_SHOW || this == PRODUCT_UPDATE || this == OFFER_START;
    }

    /** The type with this wire name. */
    public static Optional<CueType> of(String wire) {
        return Arrays.stream(values()).filter(t -> t.wire.equals(wire)).findFirst();
    }
}
