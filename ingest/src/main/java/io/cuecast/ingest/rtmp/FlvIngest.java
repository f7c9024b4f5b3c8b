package io.cuecast.ingest.rtmp;

import io.cuecast.core.codec.AvcDecoderConfigurationRecord;
import io.cuecast.core.codec.CodecException;
import io.cuecast.core.codec.NalUnits;
import io.cuecast.core.cue.CueTrack;
import io.cuecast.core.hub.StreamHub;
import io.cuecast.core.hub.StreamState;
import io.cuecast.core.hub.StreamStats;
import io.cuecast.core.media.AacConfig;
import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.H264Config;
import io.cuecast.core.media.MediaKind;
import io.cuecast.core.media.Packet;
import io.cuecast.core.media.Track;
import io.cuecast.rtmp.RtmpProtocolException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns FLV audio and video tag bodies (FLV spec v10.1 §E.4.2, §E.4.3) into hub packets: H.264 in
 * AVCC form with 4-byte lengths and AAC raw frames, both on a millisecond timescale as RTMP gives them.
 *
 * <p>The hub is prepared once every announced track has its config (the AVC sequence header and
 * AudioSpecificConfig), or, when the encoder announced nothing, once a second of media has passed.
 */
public final class FlvIngest {
    private static final Logger log = LoggerFactory.getLogger(FlvIngest.class);
    /** Track id of the video track. */
    public static final int VIDEO_TRACK = 1;
    /** Track id of the audio track. */
    public static final int AUDIO_TRACK = 2;
    /** RTMP timestamps are milliseconds. */
    public static final int TIMESCALE = 1000;
    /** Media buffered while waiting for a missing config; beyond it we prepare with what we have. */
    private static final int MAX_PENDING = 600;
    /** The same bound in bytes: 600 frames of a few megabytes each would be gigabytes. */
    static final long MAX_PENDING_BYTES = 16L * 1024 * 1024;
    private static final long WAIT_FOR_CONFIG_MS = 1000;
    /** FLV codec ids. */
    private static final int CODEC_AVC = 7;
    private static final int SOUND_AAC = 10;
    /** NAL units per access unit; real encoders send fewer than 20. */
    private static final int MAX_NALS = 1024;

    private final StreamHub hub;
    private final StreamStats stats;
    private H264Config videoConfig;
    private AacConfig audioConfig;
    private boolean expectVideo;
    private boolean expectAudio;
    private boolean announced;
    private final List<Packet> pending = new ArrayList<>();
    private long firstPendingTs = -1;
    private long pendingBytes;
    private long lastKeyframeTs = -1;
    private long firstVideoTs = -1;
    private boolean warnedVideoCodec;
    private boolean warnedAudioCodec;
    private boolean warnedCue;
    /** A cue is at most 2 KiB serialized (the cue API's limit); its JSON text no more than this. */
    private static final int MAX_RELAYED_CUE_CHARS = 4096;
    /** NAL length size the encoder uses in its tags, from its AVC sequence header. */
    private int encoderLengthSize = 4;

    /** Feeds {@code hub}. */
    public FlvIngest(StreamHub hub) {
        this.hub = hub;
        this.stats = hub.stats();
    }

    /** Takes what onMetaData announced: which tracks to wait for, and the frame rate. */
    public void onMetaData(Map<?, ?> meta) {
        if (meta.get("videocodecid") != null) {
            expectVideo = true;
        }
        if (meta.get("audiocodecid") != null) {
            expectAudio = true;
        }
        announced = expectVideo || expectAudio;
        if (meta.get("framerate") instanceof Number fps) {
            stats.frameRate(fps.doubleValue());
        }
        if (meta.get("encoder") instanceof String enc) {
            stats.encoder(enc);
        }
    }

    /** One FLV video tag body with its RTMP timestamp. */
    public void onVideo(long timestamp, Bytes body) {
        byte[] d = body.unsafeArray();
        if (d.length < 1) {
            return;
        }
        int codec = d[0] & 0x0f;
        if ((d[0] & 0x80) != 0 || codec != CODEC_AVC) {
            if (!warnedVideoCodec) {
                warnedVideoCodec = true;
                log.warn("stream {}: video codec id {} is not H.264; video ignored (Enhanced RTMP comes later)",
                        hub.streamId(), (d[0] & 0x80) != 0 ? "enhanced" : String.valueOf(codec));
            }
            return;
        }
        if (d.length < 5) {
            throw new RtmpProtocolException("FLV AVC video tag of " + d.length + " bytes is shorter than its 5-byte header");
        }
        int frameType = (d[0] >> 4) & 0x0f;
        int packetType = d[1] & 0xff;
        int cts = (d[2] << 16) | ((d[3] & 0xff) << 8) | (d[4] & 0xff); // SI24, sign from d[2]
        if (packetType == 0) {
            H264Config config;
            try {
                Bytes record = body.slice(5, d.length);
                encoderLengthSize = AvcDecoderConfigurationRecord.parse(record).lengthSize();
                config = H264Config.parse(record);
            } catch (CodecException e) {
                throw new RtmpProtocolException("AVC sequence header: " + e.getMessage());
            }
            stats.video(config.rfc6381(), config.width(), config.height(), config.sps().frameRate());
            onConfig(config, null);
            return;
        }
        if (packetType != 1) {
            return; // 2 = end of sequence
        }
        if (videoConfig == null) {
            return; // NAL units before the sequence header cannot be decoded
        }
        Bytes avcc;
        try {
            avcc = toLength4(d, 5, d.length - 5);
        } catch (CodecException e) {
            throw new RtmpProtocolException("AVC NAL units: " + e.getMessage());
        }
        boolean key = frameType == 1;
        if (key) {
            if (lastKeyframeTs >= 0) {
                stats.keyframeIntervalMs(timestamp - lastKeyframeTs);
            }
            lastKeyframeTs = timestamp;
        }
        if (firstVideoTs < 0) {
            firstVideoTs = timestamp;
        }
        stats.countVideoFrame();
        emit(new Packet(VIDEO_TRACK, timestamp + cts, timestamp, key, avcc));
    }


    /**
     * A product cue another Cuecast pushed with the stream (an {@code onCuePoint} at the cue's
     * time): it enters this hub's cue track, so it reaches every rendition and carrier here too.
     * Anything that is not a valid cue is ignored and counted in the log once.
     */
    public void onCue(long timestamp, String json) {
        java.util.Optional<io.cuecast.core.cue.CueMessage> cue = json.length() > MAX_RELAYED_CUE_CHARS
                ? java.util.Optional.empty() : io.cuecast.core.cue.CueMessage.parse(json);
        if (cue.isEmpty()) {
            if (!warnedCue) {
                warnedCue = true;
                log.warn("stream {}: an onCuePoint named cuecast held no valid cue; ignored", hub.streamId());
            }
            return;
        }
        emit(new Packet(CueTrack.ID, timestamp, timestamp, true, Bytes.wrap(cue.get().bytes())));
    }

    /** One FLV audio tag body with its RTMP timestamp. */
    public void onAudio(long timestamp, Bytes body) {
        byte[] d = body.unsafeArray();
        if (d.length < 1) {
            return;
        }
        int format = (d[0] >> 4) & 0x0f;
        if (format != SOUND_AAC) {
            if (!warnedAudioCodec) {
                warnedAudioCodec = true;
                log.warn("stream {}: audio format {} is not AAC; audio ignored", hub.streamId(), format);
            }
            return;
        }
        if (d.length < 2) {
            throw new RtmpProtocolException("FLV AAC audio tag of 1 byte has no AACPacketType");
        }
        if (d[1] == 0) {
            AacConfig config;
            try {
                config = AacConfig.parse(body.slice(2, d.length));
            } catch (CodecException e) {
                throw new RtmpProtocolException("AAC AudioSpecificConfig: " + e.getMessage());
            }
            stats.audioCodec(config.rfc6381());
            onConfig(null, config);
            return;
        }
        if (audioConfig == null || d.length == 2) {
            return;
        }
        stats.countAudioFrame();
        emit(new Packet(AUDIO_TRACK, timestamp, timestamp, true, body.slice(2, d.length)));
    }

    private void onConfig(H264Config video, AacConfig audio) {
        boolean changed = false;
        if (video != null) {
            changed = videoConfig != null && !videoConfig.equals(video);
            videoConfig = video;
        }
        if (audio != null) {
            changed |= audioConfig != null && !audioConfig.equals(audio);
            audioConfig = audio;
        }
        switch (hub.state()) {
            case CREATED -> maybePrepare(false);
            case PREPARED, UPDATED -> {
                if (changed || tracks().size() != hub.tracks().size()) {
                    hub.update(tracks());
                }
            }
            default -> { }
        }
    }

    private void emit(Packet p) {
        if (hub.state() == StreamState.CREATED) {
            if (firstPendingTs < 0) {
                firstPendingTs = p.dts();
            }
            pending.add(p);
            pendingBytes += p.payload().length();
            maybePrepare(pending.size() >= MAX_PENDING || pendingBytes >= MAX_PENDING_BYTES
                    || p.dts() - firstPendingTs >= WAIT_FOR_CONFIG_MS);
            return;
        }
        hub.publish(p);
    }

    private void maybePrepare(boolean waitedEnough) {
        boolean videoReady = !expectVideo || videoConfig != null;
        boolean audioReady = !expectAudio || audioConfig != null;
        boolean ready = announced ? videoReady && audioReady : videoConfig != null && audioConfig != null;
        if (!ready && !(waitedEnough && (videoConfig != null || audioConfig != null))) {
            return;
        }
        hub.prepare(tracks());
        for (Packet p : pending) {
            hub.publish(p);
        }
        pending.clear();
        pendingBytes = 0;
    }

    private List<Track> tracks() {
        List<Track> tracks = new ArrayList<>(2);
        if (videoConfig != null) {
            tracks.add(new Track(VIDEO_TRACK, MediaKind.VIDEO, TIMESCALE, videoConfig));
        }
        if (audioConfig != null) {
            tracks.add(new Track(AUDIO_TRACK, MediaKind.AUDIO, TIMESCALE, audioConfig));
        }
        // Always present, so cues injected later travel as part of this stream (docs/architecture.md).
        tracks.add(CueTrack.track());
        return tracks;
    }

    /** Re-prefixes NAL units with 4-byte lengths (no copy-worthy work when they already are). */
    private Bytes toLength4(byte[] d, int offset, int length) {
        List<int[]> units = NalUnits.splitLengthPrefixed(d, offset, length, encoderLengthSize, MAX_NALS);
        if (encoderLengthSize == 4) {
            return Bytes.copyOf(d, offset, length);
        }
        int size = 0;
        for (int[] u : units) {
            size += 4 + u[1];
        }
        byte[] out = new byte[size];
        int pos = 0;
        for (int[] u : units) {
            out[pos] = (byte) (u[1] >>> 24);
            out[pos + 1] = (byte) (u[1] >>> 16);
            out[pos + 2] = (byte) (u[1] >>> 8);
            out[pos + 3] = (byte) u[1];
            System.arraycopy(d, u[0], out, pos + 4, u[1]);
            pos += 4 + u[1];
        }
        return Bytes.wrap(out);
    }
}
