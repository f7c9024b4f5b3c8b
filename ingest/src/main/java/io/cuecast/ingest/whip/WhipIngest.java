package io.cuecast.ingest.whip;

import io.cuecast.core.codec.AvcDecoderConfigurationRecord;
import io.cuecast.core.codec.CodecException;
import io.cuecast.core.cue.CueTrack;
import io.cuecast.core.hub.StreamHub;
import io.cuecast.core.hub.StreamState;
import io.cuecast.core.hub.StreamStats;
import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.H264Config;
import io.cuecast.core.media.MediaKind;
import io.cuecast.core.media.Packet;
import io.cuecast.core.media.Track;
import io.cuecast.core.media.AacConfig;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a WHIP session's depacketized H.264 access units into hub packets, the way {@code FlvIngest}
 * does for RTMP: AVCC with 4-byte lengths on a millisecond timescale, so everything after the hub
 * (ladder, packagers, cues, relays) sees a WHIP stream exactly as an RTMP one. WebRTC carries the
 * parameter sets in-band: the decoder config is built from the SPS and PPS that come with a
 * keyframe, and a new SPS (a browser lowering its resolution under load) becomes a config update of
 * the hub, which the packagers turn into a discontinuity.
 *
 * <p>Not thread-safe: the session's event loop (the hub's publisher thread).
 */
final class WhipIngest {
    private static final Logger log = LoggerFactory.getLogger(WhipIngest.class);
    static final int VIDEO_TRACK = 1;
    static final int AUDIO_TRACK = 2;
    /** How long video waits for the first AAC frame before the stream opens without audio. */
    static final long WAIT_FOR_AUDIO_MS = 1000;
    /** Media held while waiting; past either bound the stream opens with what it has. */
    private static final int MAX_PENDING = 600;
    private static final long MAX_PENDING_BYTES = 16L * 1024 * 1024;
    /** Milliseconds, as RTMP: the packagers and the ladder are tested on it. */
    static final int TIMESCALE = 1000;

    private final StreamHub hub;
    private final StreamStats stats;
    private final String encoder;
    private final boolean audioExpected;
    private AacConfig audioConfig;
    private final List<Packet> pending = new ArrayList<>();
    private long pendingBytes;
    private long firstVideoDts = Long.MIN_VALUE;
    private boolean audioStarted;
    private byte[] sps;
    private byte[] pps;
    private H264Config config;
    private long lastKeyframeMs = -1;
    private long lastDts = Long.MIN_VALUE;
    private boolean warnedConfig;

    /**
     * @param audioExpected audio was negotiated: the stream waits a moment for its first AAC frame
     */
    WhipIngest(StreamHub hub, String encoder, boolean audioExpected) {
        this.hub = hub;
        this.stats = hub.stats();
        this.encoder = encoder;
        this.audioExpected = audioExpected;
    }

    /** The video config published, or null before the first keyframe with parameter sets. */
    H264Config config() {
        return config;
    }

    /** One access unit at media time {@code ms}. */
    void onVideo(H264Depacketizer.AccessUnit au, long ms) {
        for (byte[] ps : au.parameterSets()) {
            if ((ps[0] & 0x1f) == 7) {
                sps = ps;
            } else {
                pps = ps;
            }
        }
        if (au.keyframe() && sps != null && pps != null) {
            H264Config next = configOf(sps, pps);
            if (next != null && !next.equals(config)) {
                boolean first = config == null;
                config = next;
                stats.video(next.rfc6381(), next.width(), next.height(), next.sps().frameRate());
                stats.encoder(encoder);
                if (!first && hub.state() != StreamState.CREATED) {
                    hub.update(tracks());
                }
            }
        }
        if (config == null) {
            return; // not decodable yet: the first keyframe with its SPS and PPS opens the stream
        }
        // WebRTC video has no B-frames (RFC 6184 senders in browsers, OBS and FFmpeg refuse them), so
        // pts = dts; a clock step backwards (a sender restarting its timestamps) is held at the last one.
        long dts = Math.max(ms, lastDts == Long.MIN_VALUE ? ms : lastDts + 1);
        lastDts = dts;
        if (au.keyframe()) {
            if (lastKeyframeMs >= 0) {
                stats.keyframeIntervalMs(dts - lastKeyframeMs);
            }
            lastKeyframeMs = dts;
        }
        stats.countVideoFrame();
        if (firstVideoDts == Long.MIN_VALUE) {
            firstVideoDts = dts;
        }
        emit(new Packet(VIDEO_TRACK, dts, dts, au.keyframe(), Bytes.wrap(au.avcc())));
    }

    /** AAC access units made from the session's Opus (track {@link #AUDIO_TRACK}, ms), with their config. */
    void onAudio(AacConfig config, List<Packet> aac) {
        if (!audioExpected || aac.isEmpty()) {
            return;
        }
        if (!audioStarted) {
            audioStarted = true;
            audioConfig = config;
            stats.audioCodec(audioConfig.rfc6381());
            if (hub.state() != StreamState.CREATED) {
                hub.update(tracks()); // audio came after the stream opened without it
            }
        }
        for (Packet p : aac) {
            stats.countAudioFrame();
            emit(p);
        }
    }

    private void emit(Packet p) {
        if (hub.state() != StreamState.CREATED) {
            hub.publish(p);
            return;
        }
        pending.add(p);
        pendingBytes += p.payload().length();
        boolean full = pending.size() >= MAX_PENDING || pendingBytes >= MAX_PENDING_BYTES;
        boolean waited = firstVideoDts != Long.MIN_VALUE && p.dts() - firstVideoDts >= WAIT_FOR_AUDIO_MS;
        // A stream opens with its video config and, when audio was negotiated, the first AAC frame:
        // a track declared without media breaks Safari, a track added a second later is a config update.
        if (config != null && (!audioExpected || audioStarted || waited || full)) {
            hub.prepare(tracks());
            pending.sort(java.util.Comparator.comparingLong(Packet::dts));
            for (Packet q : pending) {
                if (q.trackId() == VIDEO_TRACK || audioStarted) {
                    hub.publish(q);
                }
            }
            pending.clear();
            pendingBytes = 0;
        } else if (full) {
            pending.clear(); // audio without any video for minutes: the stream cannot open yet
            pendingBytes = 0;
        }
    }

    private H264Config configOf(byte[] sps, byte[] pps) {
        try {
            Bytes s = Bytes.wrap(sps);
            int profile = sps.length > 1 ? sps[1] & 0xff : 0;
            // ISO/IEC 14496-15 §5.3.3.1.2: High profiles carry chroma format and bit depths after the
            // PPS list. WebRTC H.264 is 8-bit 4:2:0 (chroma_format_idc 1) in every sender we know.
            Bytes trailer = switch (profile) {
                case 100, 110, 122, 144 -> Bytes.wrap(new byte[] {(byte) 0xfd, (byte) 0xf8, (byte) 0xf8, 0});
                default -> Bytes.EMPTY;
            };
            AvcDecoderConfigurationRecord record = new AvcDecoderConfigurationRecord(profile,
                    sps.length > 2 ? sps[2] & 0xff : 0, sps.length > 3 ? sps[3] & 0xff : 0, 4, List.of(s),
                    List.of(Bytes.wrap(pps)), trailer);
            return H264Config.parse(record.encode());
        } catch (CodecException | IndexOutOfBoundsException e) {
            if (!warnedConfig) {
                warnedConfig = true;
                log.warn("stream {}: an SPS from the WHIP publisher does not parse ({}); waiting for the next keyframe",
                        hub.streamId(), e.getMessage());
            }
            return null;
        }
    }

    private List<Track> tracks() {
        List<Track> tracks = new ArrayList<>(3);
        tracks.add(new Track(VIDEO_TRACK, MediaKind.VIDEO, TIMESCALE, config));
        if (audioStarted) {
            tracks.add(new Track(AUDIO_TRACK, MediaKind.AUDIO, TIMESCALE, audioConfig));
        }
        tracks.add(CueTrack.track());
        return tracks;
    }
}
