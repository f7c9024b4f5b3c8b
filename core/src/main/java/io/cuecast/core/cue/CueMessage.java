package io.cuecast.core.cue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A product cue as it travels inside the stream (a packet of the {@link CueTrack}): the same compact
 * JSON becomes the ID3 frame in the segments, the DATERANGE payload in the playlists and, later,
 * the AMF {@code onCuePoint} parameter on RTMP relays. Parsed once per packet, never per rendition.
 *
 * <p>Wire form, keys in this order, absent keys omitted:
 * {@code {"id","type","product":{...},"data":{...},"durationMs"}}.
 *
 * @param id cue id, {@code cue_...}
 * @param type its type
 * @param product the product object (null members removed), or null
 * @param data free-form object, or null
 * @param durationMs how long it lasts, or null when open-ended
 * @param json the compact JSON, exactly as carried
 */
public record CueMessage(String id, CueType type, ObjectNode product, ObjectNode data, Long durationMs,
                         String json) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Builds a message and its wire JSON from its parts. */
    public static CueMessage of(String id, CueType type, ObjectNode product, ObjectNode data, Long durationMs) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id);
        n.put("type", type.wire());
        ObjectNode p = product == null ? null : product.deepCopy();
        if (p != null) {
            List<String> nulls = new ArrayList<>();
            p.fieldNames().forEachRemaining(f -> {
                if (p.get(f).isNull()) {
                    nulls.add(f);
                }
            });
            p.remove(nulls);
            n.set("product", p);
        }
        if (data != null) {
            n.set("data", data);
        }
        if (durationMs != null) {
            n.put("durationMs", durationMs);
        }
        return new CueMessage(id, type, p, data, durationMs, n.toString());
    }

    /**
     * Reads a message from its wire JSON.
     *
     * @return empty when the bytes are not a JSON object with a textual id and a known type
     */
    public static Optional<CueMessage> parse(byte[] bytes, int offset, int length) {
        JsonNode n;
        try {
            n = JSON.readTree(bytes, offset, length);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (n == null || !n.isObject() || !n.path("id").isTextual() || !n.path("type").isTextual()) {
            return Optional.empty();
        }
        Optional<CueType> type = CueType.of(n.get("type").asText());
        if (type.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode product = n.get("product") instanceof ObjectNode p ? p : null;
        ObjectNode data = n.get("data") instanceof ObjectNode d ? d : null;
        Long duration = n.path("durationMs").canConvertToLong() && n.path("durationMs").isIntegralNumber()
                ? n.get("durationMs").asLong() : null;
        return Optional.of(new CueMessage(n.get("id").asText(), type.get(), product, data, duration,
                new String(bytes, offset, length, StandardCharsets.UTF_8)));
    }

    /** {@link #parse(byte[], int, int)} of a whole string. */
    public static Optional<CueMessage> parse(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return parse(b, 0, b.length);
    }

    /** The product's SKU, or null when the cue names no product. */
    public String sku() {
        return product != null && product.path("sku").isTextual() ? product.get("sku").asText() : null;
    }

    /** The wire JSON as UTF-8. */
    public byte[] bytes() {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** The JSON tree, for APIs that embed the cue in a larger document. */
    public JsonNode tree() {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a cue's own JSON does not parse", e);
        }
    }

    /**
     * The one "is this product on screen" rule, shared by {@code state.json} and the playlists'
     * DATERANGE retention: given that this is the latest cue about its product and it went on air at
     * {@code start}, the product is on screen at {@code at} when the cue names a product, its type
     * {@linkplain CueType#keepsProductOnScreen keeps it on screen}, and its duration (if any) has not
     * run out by {@code at}.
     */
    public boolean keepsProductOnScreen(Instant start, Instant at) {
        if (sku() == null || !type.keepsProductOnScreen()) {
            return false;
        }
        return durationMs == null || start.plusMillis(durationMs).isAfter(at);
    }
}
