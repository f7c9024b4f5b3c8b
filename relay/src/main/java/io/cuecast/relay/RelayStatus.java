package io.cuecast.relay;

/**
 * What a push relay is doing, as the admin API and metrics show it.
 *
 * @param state idle (not live or disabled), connecting, publishing, backoff (waiting to reconnect)
 * @param attempts connection attempts in this publish session of the stream
 * @param lastError the last failure, or null
 * @param bytes media bytes sent in this publish session
 * @param droppedFrames frames skipped because the receiver was too slow (or while reconnecting)
 * @param lagMs how far the newest frame sent is behind the stream's live edge
 */
public record RelayStatus(String state, long attempts, String lastError, long bytes, long droppedFrames, long lagMs) {
    /** The status of a relay that is not running. */
    public static final RelayStatus IDLE = new RelayStatus("idle", 0, null, 0, 0, 0);
}
