package io.cuecast.ingest.rtmp;

/**
 * What the RTMP server needs from the configuration.
 *
 * @param host bind address
 * @param port TCP port, 0 for any free one
 * @param app the application name publishers must use
 * @param maxMessageBytes largest message reassembled
 * @param outChunkSize chunk size we send with
 * @param handshakeTimeoutMs time from accept to publish
 * @param idleTimeoutMs silence after which a publisher is dropped
 */
public record RtmpSettings(String host, int port, String app, int maxMessageBytes, int outChunkSize,
                           int handshakeTimeoutMs, int idleTimeoutMs) {}
