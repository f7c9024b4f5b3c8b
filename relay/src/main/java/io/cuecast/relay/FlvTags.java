package io.cuecast.relay;

import io.cuecast.core.cue.CueMessage;
import io.cuecast.core.media.AacConfig;
import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.H264Config;
import io.cuecast.core.media.Packet;
import io.cuecast.rtmp.Amf0Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bodies of the RTMP messages a push relay sends, as FLV tags (Adobe FLV 10.1 §E.4): AVC and
 * AAC sequence headers and frames from the hub's canonical packets (AVCC with 4-byte lengths, raw
 * AAC), {@code @setDataFrame onMetaData}, and a product cue as an {@code onCuePoint} data message.
 */
public final class FlvTags {
    /** The {@code name} of Cuecast's cue points; a Cuecast receiving one turns it back into a cue. */
    public static final String CUE_POINT_NAME = "cuecast";

    private FlvTags() {
    }

    /** VIDEODATA with an AVCVIDEOPACKET of type 0: the AVCDecoderConfigurationRecord. */
    public static byte[] videoSequenceHeader(H264Config c) {
        byte[] record = c.record().toArray();
        byte[] out = new byte[5 + record.length];
        out[0] = 0x17; // keyframe, codec 7 (AVC)
        System.arraycopy(record, 0, out, 5, record.length);
        return out;
    }

    /** VIDEODATA with an AVCVIDEOPACKET of type 1; the composition time is pts − dts in ms. */
    public static byte[] videoFrame(Packet p, int timescale) {
        byte[] data = p.payload().toArray();
        long cts = (p.pts() - p.dts()) * 1000 / timescale;
        byte[] out = new byte[5 + data.length];
        out[0] = (byte) (p.keyframe() ? 0x17 : 0x27);
        out[1] = 1;
        out[2] = (byte) (cts >> 16);
        out[3] = (byte) (cts >> 8);
        out[4] = (byte) cts;
        System.arraycopy(data, 0, out, 5, data.length);
        return out;
    }

    /** AUDIODATA, AAC, packet type 0: the AudioSpecificConfig. */
    public static byte[] audioSequenceHeader(AacConfig c) {
        byte[] asc = c.asc().toArray();
        byte[] out = new byte[2 + asc.length];
        out[0] = (byte) 0xAF; // AAC, 44 kHz, 16-bit, stereo: the fixed flags FLV requires for AAC
        System.arraycopy(asc, 0, out, 2, asc.length);
        return out;
    }

    /** AUDIODATA, AAC, packet type 1: a raw frame. */
    public static byte[] audioFrame(Packet p) {
        byte[] raw = p.payload().toArray();
        byte[] out = new byte[2 + raw.length];
        out[0] = (byte) 0xAF;
        out[1] = 1;
        System.arraycopy(raw, 0, out, 2, raw.length);
        return out;
    }

    /** {@code @setDataFrame("onMetaData", {...})} describing the stream. */
    public static byte[] metaData(H264Config video, double frameRate, AacConfig audio) {
        Map<String, Object> meta = new LinkedHashMap<>();
        if (video != null) {
            meta.put("width", (double) video.width());
            meta.put("height", (double) video.height());
            meta.put("videocodecid", 7.0);
            if (frameRate > 0) {
                meta.put("framerate", frameRate);
            }
        }
        if (audio != null) {
            meta.put("audiocodecid", 10.0);
            meta.put("audiosamplerate", (double) audio.sampleRate());
            meta.put("audiochannels", (double) audio.channels());
        }
        meta.put("encoder", "Cuecast");
        return Amf0Writer.encode("@setDataFrame", "onMetaData", meta);
    }

    /**
     * The cue as {@code onCuePoint} (the FLV cue point form Flash players, Wowza and OvenMediaEngine
     * read): name {@code cuecast}, its time in seconds, type {@code event}, and the cue's compact JSON
     * as parameter {@code cue}, exactly the bytes that go into the HLS ID3 frame.
     */
    public static byte[] cuePoint(CueMessage cue, long timeMs) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("cue", new String(cue.bytes(), StandardCharsets.UTF_8));
        parameters.put("id", cue.id());
        parameters.put("type", cue.type().wire());
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("name", CUE_POINT_NAME);
        point.put("time", timeMs / 1000.0);
        point.put("type", "event");
        point.put("parameters", parameters);
        return Amf0Writer.encode("onCuePoint", point);
    }

    static Bytes wrap(byte[] b) {
        return Bytes.wrap(b);
    }
}
