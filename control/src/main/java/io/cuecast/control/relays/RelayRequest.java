package io.cuecast.control.relays;

/**
 * The body of {@code POST /api/v1/streams/{id}/relays} and {@code PUT …/relays/{relayId}}.
 *
 * @param url {@code rtmp(s)://host[:port]/app/key} (required when adding)
 * @param rendition {@code source} (default) or a ladder rung name such as {@code 480p}
 * @param enabled default true
 */
public record RelayRequest(String url, String rendition, Boolean enabled) {}
