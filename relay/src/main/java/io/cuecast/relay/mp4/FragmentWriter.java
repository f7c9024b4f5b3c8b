package io.cuecast.relay.mp4;

import java.util.List;

/**
 * Writes one CMAF fragment: {@code moof} + {@code mdat} (ISO/IEC 14496-12 §8.8) holding a run of
 * samples for each track. Data offsets are relative to the start of the moof
 * (default-base-is-moof), as CMAF requires (ISO/IEC 23000-19 §7.5.16).
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
    public record Run(int trackId, long baseDecodeTime, List<Sample> samples) {}

    private FragmentWriter() {
    }

    /**
     * Writes the fragment.
     *
     * @param sequence mfhd sequence_number, increasing by one per fragment
     * @param prefix boxes written before the moof (for example {@code emsg}), may be empty
     * @param runs one run per track that has samples
     */
    public static byte[] write(long sequence, byte[] prefix, List<Run> runs) {
        int dataSize = 0;
        int sampleCount = 0;
        for (Run r : runs) {
            for (Sample s : r.samples()) {
                dataSize += s.data().length();
            }
            sampleCount += r.samples().size();
        }
        BoxWriter w = new BoxWriter(prefix.length + 256 + sampleCount * 16 + dataSize);
        w.bytes(prefix);
        int moofStart = w.position();
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
                w.u32(s.duration()).u32(s.data().length()).u32(s.keyframe() ? FLAGS_SYNC : FLAGS_NON_SYNC)
                        .u32(s.compositionOffset());
            }
            w.close();
            w.close();
        }
        w.close();
        int moofSize = w.position() - moofStart;
        long mdatSize = 8L + dataSize;
        w.u32(mdatSize).fourcc("mdat");
        int offset = moofSize + 8;
        for (int i = 0; i < runs.size(); i++) {
            w.putU32(offsetFields[i], offset);
            for (Sample s : runs.get(i).samples()) {
                w.bytes(s.data().unsafeArray());
                offset += s.data().length();
            }
        }
        return w.toByteArray();
    }
}
