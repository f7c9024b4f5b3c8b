package io.cuecast.transcode;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** What the ladder of one publish session is doing; written by its transcoder, read by the API. */
public final class LadderStatus {
    /** Lifecycle of a stream's ladder. */
    public enum State {
        /** Waiting for the source's tracks. */
        STARTING,
        /** Renditions are being produced. */
        RUNNING,
        /** No ladder for this stream (disabled, no video, or no rung smaller than the source). */
        OFF,
        /** The pipeline stopped on an error; the source keeps playing. */
        FAILED,
        /** The publisher left and every rendition was finished. */
        ENDED
    }

    /**
     * A rendition as the API shows it.
     *
     * @param name path name, for example {@code 480p}
     * @param width pixels
     * @param height pixels
     * @param videoKbps target bitrate
     * @param fps output frame rate
     */
    public record Rendition(String name, int width, int height, int videoKbps, double fps) {}

    /**
     * A consistent read of the status.
     *
     * @param state lifecycle state
     * @param detail why it is OFF or FAILED, empty otherwise
     * @param renditions transcoded renditions, largest first
     * @param framesDecoded source frames decoded
     * @param keyframeSkips times the transcoder fell more than ladder.maxLagMs behind and skipped to a keyframe
     * @param decodeErrors source packets the decoder refused as corrupt
     */
    public record Snapshot(State state, String detail, List<Rendition> renditions, long framesDecoded,
                           long keyframeSkips, long decodeErrors) {}

    private volatile State state = State.STARTING;
    private volatile String detail = "";
    private volatile List<Rendition> renditions = List.of();
    final AtomicLong framesDecoded = new AtomicLong();
    final AtomicLong keyframeSkips = new AtomicLong();
    final AtomicLong decodeErrors = new AtomicLong();

    void running(List<PlannedRung> rungs) {
        renditions = rungs.stream().map(r -> new Rendition(r.name(), r.width(), r.height(), r.rung().videoKbps(),
                r.fps())).toList();
        state = State.RUNNING;
    }

    void off(String why) {
        detail = why;
        state = State.OFF;
    }

    void failed(String why) {
        detail = why;
        state = State.FAILED;
    }

    void ended() {
        if (state == State.RUNNING || state == State.STARTING) {
            state = State.ENDED;
        }
    }

    /** The current figures. */
    public Snapshot snapshot() {
        return new Snapshot(state, detail, renditions, framesDecoded.get(), keyframeSkips.get(), decodeErrors.get());
    }
}
