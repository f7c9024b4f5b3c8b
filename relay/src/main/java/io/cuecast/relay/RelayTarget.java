package io.cuecast.relay;

/**
 * One place a stream is pushed to.
 *
 * @param id the target's id
 * @param streamId the stream it belongs to
 * @param url where to publish (its stream name is a secret: show {@link RtmpUrl#redacted()})
 * @param rendition which rendition to send: {@code source} or a ladder rung such as {@code 480p}
 * @param enabled false keeps it configured but idle
 */
public record RelayTarget(String id, String streamId, String url, String rendition, boolean enabled) {}
