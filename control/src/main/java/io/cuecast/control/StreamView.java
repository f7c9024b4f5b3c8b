package io.cuecast.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A stream as the admin API shows it.
 *
 * @param id stream id
 * @param name label
 * @param streamKey the secret to paste into OBS "Stream Key"; only in the answer that made it (create,
 *     rotate): the server keeps its hash, not the key
 * @param rtmpServer what to paste into OBS "Server"
 * @param rtmpUrl server and key in one URL, for ffmpeg; only with {@code streamKey}
 * @param playbackUrl the multivariant playlist
 * @param createdAt ISO-8601 creation time
 * @param live whether a publisher is attached now
 * @param ingest live figures, null when not live
 * @param ladder the ladder of the latest publish session, null before the first since start
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StreamView(String id, String name, String streamKey, String rtmpServer, String rtmpUrl,
                         String playbackUrl, String createdAt, boolean live, Ingest ingest, Ladder ladder) {
    /**
     * What the transcoder does.
     *
     * @param state starting, running, off, failed or ended
     * @param detail why it is off or failed
     * @param renditions transcoded renditions, largest first
     * @param framesDecoded source frames decoded
     * @param keyframeSkips times it fell behind by more than ladder.maxLagMs and skipped to a keyframe
     * @param decodeErrors source packets the decoder refused as corrupt
     */
    public record Ladder(String state, String detail, List<Rendition> renditions, long framesDecoded,
                         long keyframeSkips, long decodeErrors) {}

    /**
     * One transcoded rendition.
     *
     * @param name its name, for example {@code 480p}
     * @param width picture width
     * @param height picture height
     * @param videoKbps its video bitrate
     * @param fps its frame rate
     */
    public record Rendition(String name, int width, int height, int videoKbps, double fps) {}

    /**
     * What the publisher sends.
     *
     * @param since ISO-8601 start of the publish session
     * @param videoCodec RFC 6381 codec string of the video track, empty when none
     * @param audioCodec RFC 6381 codec string of the audio track, empty when none
     * @param width picture width
     * @param height picture height
     * @param fps frames per second
     * @param bitrateKbps ingest bitrate over the last seconds
     * @param keyframeIntervalMs distance between the last two keyframes
     * @param bytes bytes received
     * @param videoFrames video frames received
     * @param audioFrames audio frames received
     * @param droppedPackets packets readers dropped because they were too slow
     * @param encoder the encoder name from onMetaData
     * @param remoteAddress the publisher's address
     * @param protocol how it publishes: {@code rtmp} or {@code whip}
     * @param transport the protocol's own figures (WHIP: selected candidate pair, DTLS role, packets
     *     lost and recovered, NACKs and PLIs sent, the A/V correction applied); empty for RTMP
     */
    public record Ingest(String since, String videoCodec, String audioCodec, int width, int height, double fps,
                         long bitrateKbps, long keyframeIntervalMs, long bytes, long videoFrames, long audioFrames,
                         long droppedPackets, String encoder, String remoteAddress, String protocol,
                         java.util.Map<String, Object> transport) {}
}
