package io.cuecast.server;

/**
 * Body of {@code POST /api/v1/streams}; every field optional.
 *
 * @param name a label for operators (default: the stream id), at most 200 characters
 */
public record CreateStreamRequest(String name) {}
