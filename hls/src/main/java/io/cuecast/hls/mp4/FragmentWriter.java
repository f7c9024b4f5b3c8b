package io.cuecast.hls.mp4;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;

/**
 * Writes one CMAF fragment: {@code moof} + {@code mdat} (ISO/IEC 14496-12 §8.8) holding a run of
 * samples for each track. Data offsets are relative to the start of the moof
 * (default-base-is-moof), as CMAF requires (ISO/IEC 23000-19 §7.5.16); the mdat follows the moof
 * directly, with each run's bytes in run order.
 */
public final class FragmentWriter {
    /** trun flags: data-offset, sample-duration, sample-size, sample-flags, sample-composition-time-offset. */
    private static final int TRUN_FLAGS = 0x000001 | 0x000100 | 0x000200 | 0x000400 | 0x000800;
    /** tfhd flag default-base-is-moof. */
    private static final int TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;
    /** §8.8.3.1 sample flags: sample_depends_on = 2 (does not depend on others). */
    private static final int FLAGS_SYNC = 0x02000000;
    /** sample_depends_on = 1, sample_is_non_sync_sample = 1. */
    private static final int FLAGS_NON_SYNC = 0x01010000;

    /**
     * One track's run in a fragment.
     *
     * @param trackId MP4 track_ID
     * @param baseDecodeTime tfdt of the first sample
     * @param samples the samples in decode order
     */
    public record Run(int trackId, long baseDecodeTime, List<Sample> samples) {
        /** Bytes of all samples. */
        public int dataSize() {
            int n = 0;
            for (Sample s : samples) {
                n += s.size();
            }
            return n;
        }
    }

    private FragmentWriter() {
    }

    /** The moof box for {@code runs}, with data offsets for an mdat that follows it directly. */
    public static byte[] moof(long sequence, List<Run> runs) {
        int sampleCount = 0;
        for (Run r : runs) {
            sampleCount += r.samples().size();
        }
        BoxWriter w = new BoxWriter(64 + runs.size() * 64 + sampleCount * 16);
        w.open("moof");
        w.openFull("mfhd", 0, 0).u32(sequence).close();
        int[] offsetFields = new int[runs.size()];
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            w.open("traf");
            w.openFull("tfhd", 0, TFHD_DEFAULT_BASE_IS_MOOF).u32(r.trackId()).close();
            w.openFull("tfdt", 1, 0).u64(r.baseDecodeTime()).close();
            w.openFull("trun", 1, TRUN_FLAGS).u32(r.samples().size());
            offsetFields[i] = w.position();
            w.u32(0); // data_offset, patched below
            for (Sample s : r.samples()) {
                w.u32(s.duration()).u32(s.size()).u32(s.keyframe() ? FLAGS_SYNC : FLAGS_NON_SYNC)
                        .u32(s.compositionOffset());
            }
            w.close();
            w.close();
        }
        w.close();
        int offset = w.position() + 8; // moof size + mdat header
        for (int i = 0; i < runs.size(); i++) {
            w.putU32(offsetFields[i], offset);
            offset += runs.get(i).dataSize();
        }
        return w.toByteArray();
    }

    /** Writes the mdat header for {@code dataSize} bytes of samples. */
    public static void mdatHeader(ByteBuf out, int dataSize) {
        out.writeInt(8 + dataSize);
        out.writeInt(0x6d646174); // "mdat"
    }

    /**
     * Writes a whole fragment into a heap array: {@code prefix} boxes (for example {@code emsg}),
     * the moof, and an mdat with {@code data[i]} holding the bytes of {@code runs[i]}.
     */
    public static byte[] write(long sequence, byte[] prefix, List<Run> runs, List<byte[]> data) {
        byte[] moof = moof(sequence, runs);
        int dataSize = 0;
        for (byte[] d : data) {
            dataSize += d.length;
        }
        ByteBuf out = Unpooled.buffer(prefix.length + moof.length + 8 + dataSize);
        out.writeBytes(prefix).writeBytes(moof);
        mdatHeader(out, dataSize);
        for (byte[] d : data) {
            out.writeBytes(d);
        }
        return out.array();
    }
}
