package io.cuecast.transcode;

import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import io.cuecast.config.CuecastConfig;
import io.cuecast.core.cue.CueTrack;
import io.cuecast.core.hub.HubRegistry;
import io.cuecast.core.hub.OfferedRenditions;
import io.cuecast.core.hub.Publisher;
import io.cuecast.core.hub.StreamHub;
import io.cuecast.core.hub.StreamReader;
import io.cuecast.core.media.AacConfig;
import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.H264Config;
import io.cuecast.core.media.MediaKind;
import io.cuecast.core.media.Packet;
import io.cuecast.core.media.Track;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ladder of one publish session: a reader of the source hub that decodes its video once,
 * encodes it once per rung and publishes each rung as a hub of its own (docs/architecture.md).
 *
 * <p>Every rung gets an IDR at the same presentation time: where the source has a keyframe when the
 * source is offered as a passthrough rendition, every hls.segmentDurationMs otherwise, so the
 * packagers cut segment N of every rendition at the same instant. AAC audio and timed data (cues)
 * pass through unchanged; a cue is released into a rung once that rung's video has reached the
 * cue's time, so it lands in the part that holds it.
 *
 * <p>Runs on the stream's own transcoder thread, one callback at a time. Falling more than
 * ladder.maxLagMs behind the source skips to the next keyframe (counted); an FFmpeg error ends the
 * renditions (the source keeps playing); natives are freed when the session ends or fails.
 */
public final class LadderTranscoder implements StreamReader {
    private static final Logger log = LoggerFactory.getLogger(LadderTranscoder.class);
    /** Refused packets in a row after which the source is taken as undecodable. */
    static final int MAX_CONSECUTIVE_DECODE_ERRORS = 50;
    /** Video packets per error-rate window (five seconds at 30 fps). */
    static final int ERROR_WINDOW = 150;
    /** Source keyframes remembered until their decoded frame comes out of the decoder. */
    private static final int MAX_PENDING_KEYFRAMES = 64;

    private final StreamHub source;
    private final CuecastConfig.Ladder ladder;
    private final int segmentDurationMs;
    private final HubRegistry registry;
    private final LadderStatus status;
    private final int encoderThreads;
    private final Runnable onFinished;
    private Runnable onIdle = () -> { };

    private Track video;
    private Track audio;
    private Track data;
    private H264Decoder decoder;
    private Bytes decoderRecord;
    private List<RungWorker> rungs;
    private boolean stopped;
    private boolean skipping;
    private int consecutiveErrors;
    private int windowPackets;
    private int windowErrors;
    private final ArrayDeque<Long> keyframes = new ArrayDeque<>();
    private long nextForcedIdr = Long.MIN_VALUE;

    /**
     * @param encoderThreads x264 threads per rung, 0 for x264's choice
     * @param onFinished called once when the session's ladder is done (ended, failed or off)
     */
    public LadderTranscoder(StreamHub source, CuecastConfig.Ladder ladder, int segmentDurationMs, HubRegistry registry,
                            LadderStatus status, int encoderThreads, Runnable onFinished) {
        this.source = source;
        this.ladder = ladder;
        this.segmentDurationMs = segmentDurationMs;
        this.registry = registry;
        this.status = status;
        this.encoderThreads = encoderThreads;
        this.onFinished = onFinished;
    }

    @Override
    public void onTracks(List<Track> tracks) {
        if (stopped) {
            return;
        }
        try {
            Track newVideo = null, newAudio = null, newData = null;
            for (Track t : tracks) {
                if (t.kind() == MediaKind.VIDEO && t.config() instanceof H264Config && newVideo == null) {
                    newVideo = t;
                } else if (t.kind() == MediaKind.AUDIO && t.config() instanceof AacConfig && newAudio == null) {
                    newAudio = t;
                } else if (CueTrack.is(t) && newData == null) {
                    newData = t;
                }
            }
            boolean audioChanged = rungs != null && (!Objects.equals(audio, newAudio)
                    || !Objects.equals(data, newData));
            audio = newAudio;
            data = newData;
            if (rungs == null) {
                start(newVideo);
                return;
            }
            if (newVideo == null) {
                throw new FfmpegException("the source's H.264 video track went away mid-stream");
            }
            video = newVideo;
            H264Config h = (H264Config) video.config();
            if (tooLarge(h)) {
                throw new FfmpegException(sizeRefusal(h));
            }
            if (!h.record().equals(decoderRecord)) {
                // New SPS/PPS (an encoder restart, maybe a new size): a new decoder; the rungs keep
                // their size and the scaler adapts to the new pictures.
                decoder.close();
                decoder = null;
                openDecoder(h);
            }
            if (audioChanged) {
                for (RungWorker r : rungs) {
                    r.tracks(rungTracks(r.encoder()));
                }
            }
        } catch (RuntimeException | LinkageError | InterruptedException e) {
            fail(e);
        }
    }

    private void start(Track newVideo) {
        if (newVideo == null) {
            off("the source has no H.264 video");
            return;
        }
        video = newVideo;
        H264Config h = (H264Config) video.config();
        if (tooLarge(h)) {
            off(sizeRefusal(h));
            return;
        }
        List<PlannedRung> plan = LadderPlanner.plan(h.width(), h.height(), h.sps().frameRate(), ladder);
        if (plan.isEmpty()) {
            off("no rung is smaller than the source's " + h.width() + "x" + h.height());
            return;
        }
        openDecoder(h);
        double fps = h.sps().frameRate() > 0 ? h.sps().frameRate() : 30;
        int gop = (int) Math.ceil(fps * 10); // x264 never needs to pick an IDR by itself
        List<RungEncoder> encoders = new ArrayList<>();
        try {
            for (PlannedRung p : plan) {
                encoders.add(new RungEncoder(p, video.timescale(), gop, encoderThreads));
            }
        } catch (RuntimeException e) {
            encoders.forEach(RungEncoder::close);
            throw e;
        }
        List<RungWorker> workers = new ArrayList<>();
        for (RungEncoder encoder : encoders) {
            String name = encoder.plan().name();
            StreamHub hub = registry.renditionHub(source, name, Publisher.inProcess("ladder " + name));
            hub.prepare(rungTracks(encoder));
            workers.add(new RungWorker(source.streamId(), encoder, hub, video));
        }
        rungs = workers;
        status.running(plan);
        log.info("stream {}: ladder {} from {}x{}", source.streamId(),
                plan.stream().map(p -> p.name() + " " + p.width() + "x" + p.height() + " " + p.rung().videoKbps()
                        + " kbit/s").toList(), h.width(), h.height());
        OfferedRenditions offer = registry.offered(source.streamId());
        for (RungWorker r : rungs) {
            registry.addRendition(source, r.encoder().plan().name(), r.hub());
            offer = offer.with(r.encoder().plan().name());
        }
        registry.offer(source, offer);
    }

    private void openDecoder(H264Config h) {
        decoder = new H264Decoder(h.record().unsafeArray(), video.timescale(), ladder.maxSourcePixels());
        decoderRecord = h.record();
    }

    private List<Track> rungTracks(RungEncoder encoder) {
        List<Track> t = new ArrayList<>(3);
        t.add(new Track(video.id(), MediaKind.VIDEO, video.timescale(), encoder.config()));
        if (audio != null) {
            t.add(audio);
        }
        if (data != null) {
            t.add(data);
        }
        return t;
    }

    @Override
    public void onPacket(Packet p) {
        if (stopped || rungs == null) {
            return;
        }
        try {
            for (RungWorker r : rungs) {
                if (r.failure() != null) {
                    throw new FfmpegException("rung " + r.encoder().plan().name() + ": " + r.failure().getMessage());
                }
            }
            if (audio != null && p.trackId() == audio.id()) {
                for (RungWorker r : rungs) {
                    r.audio(p);
                }
            } else if (data != null && p.trackId() == data.id()) {
                for (RungWorker r : rungs) {
                    r.cue(p, data.timescale());
                }
            } else if (p.trackId() == video.id()) {
                onVideo(p);
            }
        } catch (RuntimeException | LinkageError | InterruptedException e) {
            fail(e);
        }
    }

    private void onVideo(Packet p) throws InterruptedException {
        long ptsMs = p.pts() * 1000 / video.timescale();
        long newestMs = source.liveEdgeMs();
        long lag = newestMs - ptsMs;
        if (!skipping && newestMs >= 0 && lag > ladder.maxLagMs()) {
            skipping = true;
            status.keyframeSkips.incrementAndGet();
            log.warn("stream {}: ladder is {} ms behind the source (limit {}); skipping to a keyframe",
                    source.streamId(), lag, ladder.maxLagMs());
        }
        if (skipping) {
            // Resume at a keyframe that is close enough to live again.
            if (!p.keyframe() || lag > ladder.maxLagMs() / 2) {
                return;
            }
            skipping = false;
        }
        if (p.keyframe()) {
            if (keyframes.size() >= MAX_PENDING_KEYFRAMES) {
                keyframes.poll();
            }
            keyframes.add(p.pts());
        }
        byte[] payload = p.payload().unsafeArray();
        if (decoder.decode(payload, p.payload().length(), p.pts(), p.dts(), p.keyframe(), this::onFrameUnchecked)) {
            consecutiveErrors = 0;
        } else {
            status.decodeErrors.incrementAndGet();
            windowErrors++;
            if (++consecutiveErrors >= MAX_CONSECUTIVE_DECODE_ERRORS) {
                throw new FfmpegException("the H.264 decoder refused " + consecutiveErrors
                        + " packets in a row: the source video is corrupt");
            }
        }
        // A source that mostly fails to decode would leave the rungs stalled while "running":
        // renditions nobody can watch are worse than none.
        if (++windowPackets == ERROR_WINDOW) {
            if (windowErrors * 2 > windowPackets) {
                throw new FfmpegException("the H.264 decoder refused " + windowErrors + " of the last "
                        + windowPackets + " packets: the source video is corrupt");
            }
            windowPackets = 0;
            windowErrors = 0;
        }
    }

    private void onFrame(AVFrame frame) throws InterruptedException {
        status.framesDecoded.incrementAndGet();
        long pts = frame.pts() != AV_NOPTS_VALUE ? frame.pts() : frame.best_effort_timestamp();
        if (pts == AV_NOPTS_VALUE) {
            return;
        }
        boolean idr = false;
        if (ladder.passthrough()) {
            while (!keyframes.isEmpty() && keyframes.peek() <= pts) {
                idr |= keyframes.poll() == pts;
            }
        } else {
            long interval = (long) segmentDurationMs * video.timescale() / 1000;
            if (nextForcedIdr == Long.MIN_VALUE || pts >= nextForcedIdr) {
                idr = true;
                nextForcedIdr = nextForcedIdr == Long.MIN_VALUE || pts - nextForcedIdr >= interval
                        ? pts + interval : nextForcedIdr + interval;
            }
        }
        for (RungWorker r : rungs) {
            r.frame(frame, pts, idr);
        }
    }

    private void onFrameUnchecked(AVFrame frame) {
        try {
            onFrame(frame);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FfmpegException("interrupted while handing a frame to the rungs");
        }
    }

    @Override
    public void onEnd() {
        try {
            if (!stopped && rungs != null) {
                decoder.finish(this::onFrameUnchecked);
                for (RungWorker r : rungs) {
                    r.finish();
                }
                for (RungWorker r : rungs) {
                    r.close(false);
                }
                for (RungWorker r : rungs) {
                    if (r.failure() != null) {
                        throw new FfmpegException("rung " + r.encoder().plan().name() + ": " + r.failure().getMessage());
                    }
                }
            }
        } catch (RuntimeException | LinkageError | InterruptedException e) {
            log.warn("stream {}: ladder could not flush its last frames: {}", source.streamId(), e.getMessage());
        } finally {
            if (!stopped) {
                stopped = true;
                status.ended();
                release();
            }
            onFinished.run();
        }
    }

    /** Review M6: the source is untrusted; a huge picture costs gigabytes of native frames per decode. */
    private boolean tooLarge(H264Config h) {
        return (long) h.width() * h.height() > ladder.maxSourcePixels();
    }

    private String sizeRefusal(H264Config h) {
        return "the source's " + h.width() + "x" + h.height() + " is larger than ladder.maxSourcePixels ("
                + ladder.maxSourcePixels() + " pixels); the source plays alone";
    }

    /**
     * Called once when the transcoder stops working before its session ends (off or failed), so a
     * capacity slot can go to another stream; the reader stays attached until the end.
     */
    void onIdle(Runnable r) {
        this.onIdle = r;
    }

    private void off(String why) {
        onIdle.run();
        stopped = true;
        status.off(why);
        registry.offer(source, OfferedRenditions.sourceOnly(source.streamId()));
        log.info("stream {}: no ladder: {}", source.streamId(), why);
    }

    private void fail(Throwable e) {
        if (stopped) {
            return;
        }
        stopped = true;
        onIdle.run();
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        status.failed(why);
        // Without passthrough the renditions were all players had: offer the source again, alone.
        registry.offer(source, OfferedRenditions.sourceOnly(source.streamId()));
        log.error("stream {}: ladder failed, its renditions end and the source keeps playing: {}",
                source.streamId(), why, e instanceof FfmpegException ? null : e);
        release();
    }

    /** Ends the rendition hubs and frees every native allocation. */
    private void release() {
        if (rungs != null) {
            for (RungWorker r : rungs) {
                r.close(true);
                registry.release(r.hub());
            }
        }
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
    }
}
