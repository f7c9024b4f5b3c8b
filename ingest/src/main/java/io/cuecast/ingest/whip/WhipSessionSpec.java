package io.cuecast.ingest.whip;

/**
 * What a session was negotiated with and the limits it runs under.
 *
 * @param videoPayloadType the H.264 payload type we answered
 * @param rtxPayloadType its retransmission payload type, or -1
 * @param audioPayloadType the Opus payload type we answered, or -1
 * @param transportCcId the header extension id of TWCC's transport-wide sequence number, or -1
 */
record WhipSessionSpec(int videoPayloadType, int rtxPayloadType, int audioPayloadType, int transportCcId, int jitterMs,
                       int handshakeTimeoutMs, int livenessTimeoutMs, int keyframeRequestMs, int maxBitrateKbps) {}
