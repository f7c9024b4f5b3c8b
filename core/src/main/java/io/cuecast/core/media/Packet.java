package io.cuecast.core.media;

/**
 * One immutable access unit on a track.
 *
 * <p>Canonical payloads inside Cuecast: H.264 as NAL units each prefixed by a 4-byte big-endian
 * length (no start codes, ISO/IEC 14496-15 sample format); AAC as one raw access unit; data tracks as
 * the cue bytes.
 *
 * @param trackId the {@link Track#id()} it belongs to
 * @param pts presentation time in the track's timescale
 * @param dts decode time in the track's timescale
 * @param keyframe true for a random access point (IDR for video; always true for audio and data)
 * @param payload the access unit
 */
public record Packet(int trackId, long pts, long dts, boolean keyframe, Bytes payload) {
    public Packet {
        if (payload == null) {
            throw new IllegalArgumentException("payload must not be null");
        }
    }
}
