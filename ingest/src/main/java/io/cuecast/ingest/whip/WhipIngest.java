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
    /** Milliseconds, as RTMP: the packagers and the ladder are tested on it. */
    static final int TIMESCALE = 1000;

    private final StreamHub hub;
    private final StreamStats stats;
    private final String encoder;
    private byte[] sps;
    private byte[] pps;
    private H264Config config;
    private long lastKeyframeMs = -1;
    private long lastDts = Long.MIN_VALUE;
    private boolean warnedConfig;

    WhipIngest(StreamHub hub, String encoder) {
        this.hub = hub;
        this.stats = hub.stats();
        this.encoder = encoder;
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
                if (first && hub.state() == StreamState.CREATED) {
                    hub.prepare(tracks());
                } else {
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
        hub.publish(new Packet(VIDEO_TRACK, dts, dts, au.keyframe(), Bytes.wrap(au.avcc())));
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
        // No audio track until Opus is turned into AAC: a track players cannot decode is worse than none.
        return List.of(new Track(VIDEO_TRACK, MediaKind.VIDEO, TIMESCALE, config), CueTrack.track());
    }
}
