package io.cuecast.control.cues;

import io.cuecast.core.cue.CueType;
import io.cuecast.control.ControlException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Currency;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Checks a cue request field by field; every refusal names the field. */
final class CueValidator {
    private static final Pattern PRICE = Pattern.compile("\\d{1,12}(\\.\\d{1,4})?");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    private static final Pattern SKU = Pattern.compile("[^\"\\p{Cntrl}]+");
    /** Scheduling further ahead than this is refused. */
    static final long MAX_AHEAD_MS = 24L * 3600 * 1000;
    static final long MAX_DURATION_MS = 24L * 3600 * 1000;

    private CueValidator() {
    }

    static ControlException.Invalid bad(String field, String problem) {
        return new ControlException.Invalid(field, problem);
    }

    /** Validates and returns the parsed type and schedule instant (null for now). */
    static CueType validate(CueRequest r) {
        if (r.type() == null) {
            throw bad("type", "is required (one of " + types() + ")");
        }
        CueType type = CueType.of(r.type()).orElseThrow(() -> bad("type", "must be one of " + types()
                + ", got '" + r.type() + "'"));
        if (type.isProduct()) {
            if (r.product() == null) {
                throw bad("product", "is required for " + type.wire());
            }
            validateProduct(r.product(), type != CueType.PRODUCT_HIDE);
        } else if (r.product() != null) {
            validateProduct(r.product(), true);
        }
        if (type == CueType.CUSTOM && (r.data() == null || !r.data().isObject())) {
            throw bad("data", "must be a JSON object for custom cues");
        }
        if (type != CueType.CUSTOM && r.data() != null && !r.data().isObject()) {
            throw bad("data", "must be a JSON object");
        }
        if (r.durationMs() != null && (r.durationMs() <= 0 || r.durationMs() > MAX_DURATION_MS)) {
            throw bad("durationMs", "must be between 1 and " + MAX_DURATION_MS);
        }
        if (r.idempotencyKey() != null && (r.idempotencyKey().isEmpty() || r.idempotencyKey().length() > 128)) {
            throw bad("idempotencyKey", "must be 1 to 128 characters");
        }
        return type;
    }

    /** The scheduled instant, or null; must lie between now and 24 h ahead. */
    static Instant at(CueRequest r, Instant now) {
        if (r.at() == null) {
            return null;
        }
        Instant at;
        try {
            at = Instant.parse(r.at());
        } catch (DateTimeParseException e) {
            throw bad("at", "must be an ISO-8601 instant such as 2026-11-26T10:15:30Z, got '" + r.at() + "'");
        }
        // A little slack: "now" sent by a client a few hundred milliseconds ago is still now.
        if (at.isBefore(now.minusSeconds(2))) {
            throw bad("at", "is in the past (" + r.at() + ")");
        }
        if (at.isAfter(now.plusMillis(MAX_AHEAD_MS))) {
            throw bad("at", "is more than 24 h ahead");
        }
        return at;
    }

    private static void validateProduct(CueRequest.Product p, boolean full) {
        text("product.sku", p.sku(), 64, true);
        if (!SKU.matcher(p.sku()).matches()) {
            // The SKU is quoted into EXT-X-DATERANGE attributes, where '"' and line breaks cannot go.
            throw bad("product.sku", "must not contain '\"' or control characters");
        }
        text("product.title", p.title(), 200, full);
        if (full || p.price() != null) {
            if (p.price() == null) {
                throw bad("product.price", "is required");
            }
            if (!PRICE.matcher(p.price()).matches()) {
                throw bad("product.price", "must be a decimal string such as \"19.90\", got '" + p.price() + "'");
            }
        }
        if (full || p.currency() != null) {
            if (p.currency() == null) {
                throw bad("product.currency", "is required");
            }
            if (!CURRENCY.matcher(p.currency()).matches() || !isIso4217(p.currency())) {
                throw bad("product.currency", "must be an ISO 4217 code such as EUR, got '" + p.currency() + "'");
            }
        }
        url("product.imageUrl", p.imageUrl());
        url("product.url", p.url());
        text("product.badge", p.badge(), 32, false);
        if (p.stock() != null && p.stock() < 0) {
            throw bad("product.stock", "must not be negative");
        }
    }

    private static boolean isIso4217(String code) {
        try {
            Currency.getInstance(code);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void text(String field, String value, int max, boolean required) {
        if (value == null) {
            if (required) {
                throw bad(field, "is required");
            }
            return;
        }
        if (value.isBlank()) {
            throw bad(field, "must not be blank");
        }
        if (value.length() > max) {
            throw bad(field, "is longer than " + max + " characters");
        }
    }

    private static void url(String field, String value) {
        if (value == null) {
            return;
        }
        try {
            URI u = new URI(value);
            if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme()) || u.getHost() == null
                    || value.length() > 1024) {
                throw bad(field, "must be an http(s) URL of at most 1024 characters");
            }
        } catch (URISyntaxException e) {
            throw bad(field, "is not a valid URL: " + e.getReason());
        }
    }

    private static String types() {
        return Arrays.stream(CueType.values()).map(CueType::wire).collect(Collectors.joining(", "));
    }
}
