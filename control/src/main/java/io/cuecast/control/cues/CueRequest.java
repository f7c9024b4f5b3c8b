package io.cuecast.control.cues;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Body of {@code POST /api/v1/streams/{id}/cues}, as parsed (unknown fields are refused before this).
 *
 * @param type one of {@link io.cuecast.core.cue.CueType}'s wire names
 * @param product the product, required for {@code product.*}
 * @param data free-form object, required for {@code custom}
 * @param at ISO-8601 instant to place the cue at, null for "now"
 * @param durationMs how long the cue lasts, null when open-ended
 * @param idempotencyKey a retried POST with the same key returns the first cue
 */
public record CueRequest(String type, Product product, JsonNode data, String at, Long durationMs,
                         String idempotencyKey) {

    /**
     * A product as the card shows it.
     *
     * @param sku stock keeping unit, the product's id
     * @param title display name
     * @param price decimal string, for example {@code "19.90"}
     * @param currency ISO 4217 code
     * @param imageUrl http(s) URL of the picture
     * @param url http(s) URL of the buy page
     * @param badge short label such as {@code "-20%"}
     * @param stock units left
     */
    public record Product(String sku, String title, String price, String currency, String imageUrl, String url,
                          String badge, Integer stock) {}
}
