package io.cuecast.hls.mp4;

import io.cuecast.core.media.AacConfig;
import io.cuecast.core.media.H264Config;
import io.cuecast.core.media.MediaKind;
import java.util.List;

/**
 * Writes a CMAF header (ISO/IEC 23000-19 §7.3.2): {@code ftyp} + {@code moov} with one track per
 * media track and {@code mvex}, no samples. Box layout follows ISO/IEC 14496-12; sample entries
 * follow ISO/IEC 14496-15 (avc1/avcC) and 14496-14 (mp4a/esds).
 */
public final class InitSegmentWriter {
    private InitSegmentWriter() {
    }

    /** Writes the init segment for {@code tracks} (video or audio; data tracks are not MP4 tracks). */
    public static byte[] write(List<Mp4Track> tracks) {
        BoxWriter w = new BoxWriter(1024);
        w.open("ftyp").fourcc("iso6").u32(0).fourcc("iso6").fourcc("cmfc").fourcc("mp41").close();
        w.open("moov");
        int nextTrackId = 1;
        for (Mp4Track t : tracks) {
            nextTrackId = Math.max(nextTrackId, t.id() + 1);
        }
        w.openFull("mvhd", 0, 0).u32(0).u32(0).u32(1000).u32(0)
                .u32(0x00010000).u16(0x0100).zeros(10).unityMatrix().zeros(24).u32(nextTrackId).close();
        for (Mp4Track t : tracks) {
            writeTrak(w, t);
        }
        w.open("mvex");
        for (Mp4Track t : tracks) {
            w.openFull("trex", 0, 0).u32(t.id()).u32(1).u32(0).u32(0).u32(0).close();
        }
        w.close();
        w.close();
        return w.toByteArray();
    }

    private static void writeTrak(BoxWriter w, Mp4Track t) {
        boolean video = t.kind() == MediaKind.VIDEO;
        w.open("trak");
        // tkhd flags: track_enabled | track_in_movie
        w.openFull("tkhd", 0, 3).u32(0).u32(0).u32(t.id()).u32(0).u32(0).zeros(8)
                .u16(0).u16(0).u16(video ? 0 : 0x0100).u16(0).unityMatrix();
        if (video) {
            H264Config c = (H264Config) t.config();
            w.u32((long) c.width() << 16).u32((long) c.height() << 16);
        } else {
            w.u32(0).u32(0);
        }
        w.close();
        w.open("mdia");
        // language "und" packed as three 5-bit letters (§8.4.2.3)
        w.openFull("mdhd", 0, 0).u32(0).u32(0).u32(t.timescale()).u32(0).u16(0x55c4).u16(0).close();
        w.openFull("hdlr", 0, 0).u32(0).fourcc(video ? "vide" : "soun").zeros(12)
                .cstring(video ? "VideoHandler" : "SoundHandler").close();
        w.open("minf");
        if (video) {
            w.openFull("vmhd", 0, 1).u16(0).zeros(6).close();
        } else {
            w.openFull("smhd", 0, 0).u16(0).u16(0).close();
        }
        w.open("dinf").openFull("dref", 0, 0).u32(1).openFull("url ", 0, 1).close().close().close();
        w.open("stbl");
        w.openFull("stsd", 0, 0).u32(1);
        if (video) {
            writeAvc1(w, (H264Config) t.config());
        } else {
            writeMp4a(w, t.id(), (AacConfig) t.config());
        }
        w.close();
        w.openFull("stts", 0, 0).u32(0).close();
        w.openFull("stsc", 0, 0).u32(0).close();
        w.openFull("stsz", 0, 0).u32(0).u32(0).close();
        w.openFull("stco", 0, 0).u32(0).close();
        w.close(); // stbl
        w.close(); // minf
        w.close(); // mdia
        w.close(); // trak
    }

    private static void writeAvc1(BoxWriter w, H264Config c) {
        w.open("avc1").zeros(6).u16(1) // SampleEntry: reserved, data_reference_index
                .u16(0).u16(0).zeros(12) // pre_defined, reserved, pre_defined[3]
                .u16(c.width()).u16(c.height())
                .u32(0x00480000).u32(0x00480000) // 72 dpi
                .u32(0).u16(1) // reserved, frame_count
                .zeros(32) // compressorname
                .u16(0x0018).u16(0xffff); // depth, pre_defined = -1
        w.open("avcC").bytes(c.record().unsafeArray()).close();
        w.close();
    }

    private static void writeMp4a(BoxWriter w, int trackId, AacConfig c) {
        byte[] asc = c.asc().unsafeArray();
        w.open("mp4a").zeros(6).u16(1)
                .zeros(8) // reserved
                .u16(Math.max(1, c.channels())).u16(16).u16(0).u16(0)
                .u32(c.sampleRate() <= 0xffff ? (long) c.sampleRate() << 16 : 0);
        // ISO/IEC 14496-1 §7.2.6: ES_Descriptor > DecoderConfigDescriptor > DecoderSpecificInfo, SLConfig
        int decSpecific = 2 + asc.length;
        int decConfig = 13 + decSpecific;
        int es = 3 + (2 + decConfig) + 3;
        w.openFull("esds", 0, 0)
                .u8(0x03).u8(es).u16(trackId).u8(0)
                .u8(0x04).u8(decConfig).u8(0x40).u8(0x15).u24(0).u32(0).u32(0)
                .u8(0x05).u8(asc.length).bytes(asc)
                .u8(0x06).u8(1).u8(0x02)
                .close();
        w.close();
    }
}
