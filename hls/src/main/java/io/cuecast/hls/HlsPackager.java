package io.cuecast.hls;

import io.cuecast.core.cue.CueMessage;
import io.cuecast.core.cue.CueTrack;
import io.cuecast.core.hub.StreamReader;
import io.cuecast.core.media.AacConfig;
import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.H264Config;
import io.cuecast.core.media.MediaKind;
import io.cuecast.core.media.Packet;
import io.cuecast.core.media.Track;
import io.cuecast.hls.mp4.FragmentWriter;
import io.cuecast.hls.mp4.InitSegmentWriter;
import io.cuecast.hls.mp4.Mp4Track;
import io.cuecast.hls.mp4.Sample;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts one publish session of a stream into CMAF segments of a {@link RenditionTimeline}.
 *
 * <p>Segments start on video keyframes: a segment is closed at the first keyframe at or after the
 * target duration, so every segment is independently decodable. Video is written on a 90 kHz
 * timescale, AAC on its sample rate with exactly 1024 samples per frame (resynchronised if the
 * publisher's clock drifts by more than two frames), so durations carry no millisecond rounding.
 * Runs on the reader executor of the hub, one callback at a time.
 */
public final class HlsPackager implements StreamReader {
    private static final Logger log = LoggerFactory.getLogger(HlsPackager.class);
    static final int VIDEO_TIMESCALE = 90_000;
    private static final int AAC_FRAME = 1024;
    /** A segment that grows past this (no keyframe for far too long) is dropped instead of held. */
    private static final int MAX_SEGMENT_BYTES = 64 * 1024 * 1024;

    private final String streamId;
    private final SegmentSink timeline;
    private final long targetTicks;
    private final SessionClock clock;
    private final String renditionName;
    private boolean sessionStarted;
    private final LongConsumer onSegment;
    private final Runnable onEnd;

    private Track video;
    private Track audio;
    private int dataTrackId = -1;
    /** Ticks per second of the cue track's timestamps, from its declaration. */
    private int dataTimescale = CueTrack.TIMESCALE;
    private final CueParseCache cueParser;
    private final CueCarrier cues = new CueCarrier();
    private int audioRate;
    private String initName;

    private final List<Sample> videoSamples = new ArrayList<>();
    private final List<Sample> audioSamples = new ArrayList<>();
    private final DirectChunks videoData = new DirectChunks();
    private final DirectChunks audioData = new DirectChunks();
    private final List<byte[]> pendingEmsg = new ArrayList<>();
    private int segmentBytes;
    private long segmentStart90k = -1;
    private int segmentVideoFrames;
    private final long partTicks;
    /**
     * Each part is written as CMAF chunks of about half a part, so a player streaming the hinted
     * part gets its first frames 100 ms after they arrive instead of at the end of the part. One
     * chunk per frame would cost a moof per frame (about 25 kbit/s at 30 fps, 8 % of a 300 kbit/s rung).
     */
    private final long chunkTicks;
    private long partStart90k = -1;
    private boolean partIndependent;
    private PendingVideo pendingVideo;
    private long lastVideoDuration = 3000;
    private long nextAudioTicks = Long.MIN_VALUE;
    private long fragmentSequence = 1;

    private record PendingVideo(long dts, int cto, boolean key, Bytes data) {}

    /**
     * @param renditionName the rendition's name in URLs and the multivariant playlist
     * @param clock the session's shared media → timeline → wall-clock mapping
     * @param onSegment called with each finished segment's size in bytes
     * @param onEnd called after the last segment of the session is written
     */
    HlsPackager(String streamId, String renditionName, SegmentSink timeline, int segmentDurationMs,
                int partDurationMs, SessionClock clock, LongConsumer onSegment, Runnable onEnd) {
        this(streamId, renditionName, timeline, segmentDurationMs, partDurationMs, clock, onSegment, onEnd,
                new CueParseCache());
    }

    /** @param cueParser shared by the renditions of one stream, so each cue is parsed once */
    HlsPackager(String streamId, String renditionName, SegmentSink timeline, int segmentDurationMs,
                int partDurationMs, SessionClock clock, LongConsumer onSegment, Runnable onEnd,
                CueParseCache cueParser) {
        this.cueParser = cueParser;
        this.streamId = streamId;
        this.renditionName = renditionName;
        this.timeline = timeline;
        this.targetTicks = segmentDurationMs * 90L;
        this.partTicks = partDurationMs * 90L;
        this.chunkTicks = partTicks / 2;
        this.clock = clock;
        this.onSegment = onSegment;
        this.onEnd = onEnd;
    }

    @Override
    public void onTracks(List<Track> tracks) {
        if (!sessionStarted) {
            // Runs after the previous session's packager finished (they share a serial executor).
            sessionStarted = true;
            clock.begin();
            timeline.beginSession();
        }
        if (!videoSamples.isEmpty() || !audioSamples.isEmpty() || pendingVideo != null) {
            flush(true);
        }
        video = null;
        audio = null;
        List<Mp4Track> mp4 = new ArrayList<>();
        List<String> codecs = new ArrayList<>();
        int width = 0, height = 0;
        double frameRate = 0;
        for (Track t : tracks) {
            if (CueTrack.is(t)) {
                dataTrackId = t.id();
                dataTimescale = t.timescale();
            }
            if (t.kind() == MediaKind.VIDEO && t.config() instanceof H264Config h && video == null) {
                video = t;
                mp4.add(new Mp4Track(t.id(), MediaKind.VIDEO, VIDEO_TIMESCALE, h));
                codecs.add(h.rfc6381());
                width = h.width();
                height = h.height();
                frameRate = h.sps().frameRate();
            } else if (t.kind() == MediaKind.AUDIO && t.config() instanceof AacConfig a && audio == null) {
                audio = t;
                audioRate = a.sampleRate();
                mp4.add(new Mp4Track(t.id(), MediaKind.AUDIO, audioRate, a));
                codecs.add(a.rfc6381());
            }
        }
        if (mp4.isEmpty()) {
            log.warn("stream {}: no H.264 or AAC track to package", streamId);
            return;
        }
        initName = timeline.addInit(InitSegmentWriter.write(mp4),
                new RenditionInfo(renditionName, String.join(",", codecs), width, height, frameRate));
    }

    @Override
    public void onPacket(Packet p) {
        if (initName == null) {
            return;
        }
        if (video != null && p.trackId() == video.id()) {
            onVideo(p);
        } else if (audio != null && p.trackId() == audio.id()) {
            onAudio(p);
        } else if (p.trackId() == dataTrackId && clock.anchored()) {
            onCue(p);
        }
    }

    private long to90k(long ticks, int timescale) {
        return clock.to90k(ticks, timescale);
    }

    private void onVideo(Packet p) {
        long dts = to90k(p.dts(), video.timescale());
        int cto = (int) (to90k(p.pts(), video.timescale()) - dts);
        if (pendingVideo != null) {
            long duration = dts - pendingVideo.dts;
            if (duration <= 0 || duration > 10L * VIDEO_TIMESCALE) {
                duration = lastVideoDuration; // non-monotonic or huge gap: keep the cadence
            }
            lastVideoDuration = duration;
            addVideo(pendingVideo, duration);
        }
        // A publisher that stops sending keyframes still gets bounded segments (at 10 targets).
        if (segmentStart90k >= 0 && (p.keyframe() && dts - segmentStart90k >= targetTicks
                || dts - segmentStart90k >= 10 * targetTicks)) {
            cut(dts);
        } else if (partFirst() >= 0 && dts + lastVideoDuration - partFirst() > partTicks) {
            // The next frame would not fit in the part: RFC 8216bis §4.4.4.9 caps parts at PART-TARGET.
            flushPart(dts);
        } else if (!videoSamples.isEmpty() && dts - videoSamples.get(0).dts() >= chunkTicks) {
            writeChunk(dts);
        }
        pendingVideo = new PendingVideo(dts, cto, p.keyframe(), p.payload());
    }

    /** A cue: an emsg for the fragment being written, a DATERANGE for the playlist (docs/architecture.md). */
    private void onCue(Packet p) {
        CueMessage cue = cueParser.parse(p.payload()).orElse(null);
        if (cue == null) {
            log.warn("stream {}: cue payload is not cue JSON; dropped", streamId);
            return;
        }
        long pts90k = to90k(p.pts(), dataTimescale);
        Instant wall = clock.wall(pts90k);
        CueCarrier.Carried carried = cues.carry(cue, pts90k, VIDEO_TIMESCALE, wall);
        pendingEmsg.add(carried.emsg());
        timeline.addDateRange(carried.dateRange());
    }

    private void addVideo(PendingVideo v, long duration) {
        if (segmentStart90k < 0) {
            segmentStart90k = v.dts;
        }
        videoSamples.add(new Sample(v.dts, duration, v.cto, v.key, v.data.length()));
        videoData.write(v.data.unsafeArray(), 0, v.data.length());
        grow(v.data.length());
    }

    private void onAudio(Packet p) {
        long ticks90k = to90k(p.dts(), audio.timescale());
        long ticks = ticks90k * audioRate / VIDEO_TIMESCALE;
        if (nextAudioTicks == Long.MIN_VALUE || Math.abs(ticks - nextAudioTicks) > 2L * AAC_FRAME) {
            nextAudioTicks = ticks;
        }
        audioSamples.add(new Sample(nextAudioTicks, AAC_FRAME, 0, true, p.payload().length()));
        audioData.write(p.payload().unsafeArray(), 0, p.payload().length());
        nextAudioTicks += AAC_FRAME;
        grow(p.payload().length());
        if (video == null) {
            long now90k = nextAudioTicks * VIDEO_TIMESCALE / audioRate;
            if (segmentStart90k < 0) {
                segmentStart90k = audioSamples.get(0).dts() * VIDEO_TIMESCALE / audioRate;
            }
            if (now90k - segmentStart90k >= targetTicks) {
                cut(now90k);
            } else if (!audioSamples.isEmpty() && now90k - audioSamples.get(0).dts() * VIDEO_TIMESCALE / audioRate
                    >= partTicks) {
                flushPart(now90k);
            }
        }
    }

    private void grow(int bytes) {
        segmentBytes += bytes;
        if (segmentBytes > MAX_SEGMENT_BYTES) {
            log.warn("stream {}: {} bytes without a keyframe; dropping the segment", streamId, segmentBytes);
            clearBuffered();
            segmentStart90k = -1;
        }
    }

    private void clearBuffered() {
        videoSamples.clear();
        audioSamples.clear();
        videoData.clear();
        audioData.clear();
        segmentBytes = 0;
    }

    /** Start (90 kHz) of the part in progress: its first chunk's, or its first buffered video sample's; -1 if empty. */
    private long partFirst() {
        return partStart90k >= 0 ? partStart90k : videoSamples.isEmpty() ? -1 : videoSamples.get(0).dts();
    }

    /** Writes what is buffered before {@code end} and closes the part in progress (an LL-HLS part). */
    private void flushPart(long end) {
        writeChunk(end);
        if (partStart90k >= 0) {
            timeline.completePart((end - partStart90k) / (double) VIDEO_TIMESCALE, partIndependent);
            partStart90k = -1;
        }
    }

    /**
     * Writes the samples before {@code end} (90 kHz) as one CMAF chunk (moof + mdat) of the part in
     * progress; audio at or after {@code end} waits for the next chunk.
     */
    private void writeChunk(long end) {
        long audioCut = end * audioRate / VIDEO_TIMESCALE;
        int audioNowCount = 0;
        int audioNowBytes = 0;
        for (Sample s : audioSamples) {
            if (video != null && s.dts() >= audioCut) {
                break;
            }
            audioNowCount++;
            audioNowBytes += s.size();
        }
        List<Sample> audioNow = List.copyOf(audioSamples.subList(0, audioNowCount));
        if (videoSamples.isEmpty() && audioNow.isEmpty()) {
            return;
        }
        List<FragmentWriter.Run> runs = new ArrayList<>(2);
        if (!videoSamples.isEmpty()) {
            runs.add(new FragmentWriter.Run(video.id(), videoSamples.get(0).dts(), List.copyOf(videoSamples)));
        }
        if (!audioNow.isEmpty()) {
            runs.add(new FragmentWriter.Run(audio.id(), audioNow.get(0).dts(), audioNow));
        }
        byte[] moof = FragmentWriter.moof(fragmentSequence++, runs);
        int dataSize = videoData.size() + audioNowBytes;
        int emsgSize = 0;
        for (byte[] e : pendingEmsg) {
            emsgSize += e.length;
        }
        int total = emsgSize + moof.length + 8 + dataSize;
        ByteBuf data = Unpooled.directBuffer(total, total);
        // CMAF §7.4.5: event message boxes go before the moof of the fragment they belong to.
        for (byte[] e : pendingEmsg) {
            data.writeBytes(e);
        }
        pendingEmsg.clear();
        data.writeBytes(moof);
        FragmentWriter.mdatHeader(data, dataSize);
        videoData.copyTo(data, 0, videoData.size());
        audioData.copyTo(data, 0, audioNowBytes);
        if (partStart90k < 0) {
            partStart90k = !videoSamples.isEmpty() ? videoSamples.get(0).dts()
                    : audioNow.get(0).dts() * VIDEO_TIMESCALE / audioRate;
            partIndependent = videoSamples.isEmpty() || videoSamples.get(0).keyframe();
        }
        timeline.appendChunk(data);
        segmentVideoFrames += videoSamples.size();
        videoSamples.clear();
        videoData.clear();
        audioSamples.subList(0, audioNowCount).clear();
        audioData.keepFrom(audioNowBytes);
        segmentBytes = audioData.size();
    }

    /** Closes the current segment at {@code end} (90 kHz): its last part, then the segment of all its parts. */
    private void cut(long end) {
        long start = segmentStart90k;
        flushPart(end);
        if (start < 0 || !timeline.hasOpenParts()) {
            return;
        }
        double duration = (end - start) / (double) VIDEO_TIMESCALE;
        Instant pdt = clock.wall(start);
        int size = timeline.completeSegment(duration, pdt, initName, segmentVideoFrames);
        onSegment.accept(size);
        clock.reached(end);
        segmentVideoFrames = 0;
        segmentStart90k = video != null ? end : -1;
    }

    /** Writes what is buffered as a final, possibly short, segment. */
    private void flush(boolean keepGoing) {
        if (pendingVideo != null) {
            // The last frame has no successor: give it the segment's mean frame duration, which
            // millisecond-rounded RTMP timestamps make more accurate than the last single delta.
            long duration = lastVideoDuration;
            if (!videoSamples.isEmpty()) {
                duration = Math.max(1, (pendingVideo.dts - videoSamples.get(0).dts()) / videoSamples.size());
            }
            addVideo(pendingVideo, duration);
            long end = pendingVideo.dts + duration;
            pendingVideo = null;
            cut(end);
        } else if (!audioSamples.isEmpty()) {
            long end = nextAudioTicks * VIDEO_TIMESCALE / Math.max(1, audioRate);
            cut(end);
        }
        if (!keepGoing) {
            clearBuffered();
        }
    }

    @Override
    public void onEnd() {
        if (initName != null) {
            flush(false);
        }
        onEnd.run();
    }
}
