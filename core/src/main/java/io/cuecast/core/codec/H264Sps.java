package io.cuecast.core.codec;

import io.cuecast.core.media.Bytes;

/**
 * The fields of an H.264 sequence parameter set (ITU-T H.264 §7.3.2.1.1) that a server needs:
 * profile and level for {@code CODECS}, the cropped picture size, and the frame rate when the VUI
 * carries timing info.
 *
 * @param profileIdc profile_idc
 * @param constraintFlags the constraint_set flags byte
 * @param levelIdc level_idc
 * @param width cropped width in pixels
 * @param height cropped height in pixels
 * @param frameRate frames per second from VUI timing, or 0 when absent
 */
public record H264Sps(int profileIdc, int constraintFlags, int levelIdc, int width, int height, double frameRate) {

    /** Parses an SPS NAL unit including its one-byte NAL header. */
    public static H264Sps parse(Bytes nal) {
        byte[] rbsp = NalUnits.unescape(nal.unsafeArray(), 1, nal.length() - 1);
        BitReader r = new BitReader(rbsp);
        int profileIdc = r.readInt(8);
        int constraintFlags = r.readInt(8);
        int levelIdc = r.readInt(8);
        r.readUe(); // seq_parameter_set_id
        int chromaFormatIdc = 1;
        boolean separateColourPlane = false;
        if (profileIdc == 100 || profileIdc == 110 || profileIdc == 122 || profileIdc == 244 || profileIdc == 44
                || profileIdc == 83 || profileIdc == 86 || profileIdc == 118 || profileIdc == 128
                || profileIdc == 138 || profileIdc == 139 || profileIdc == 134 || profileIdc == 135) {
            chromaFormatIdc = (int) r.readUe();
            if (chromaFormatIdc == 3) {
                separateColourPlane = r.readBit() == 1;
            }
            r.readUe(); // bit_depth_luma_minus8
            r.readUe(); // bit_depth_chroma_minus8
            r.readBit(); // qpprime_y_zero_transform_bypass_flag
            if (r.readBit() == 1) { // seq_scaling_matrix_present_flag
                int lists = chromaFormatIdc != 3 ? 8 : 12;
                for (int i = 0; i < lists; i++) {
                    if (r.readBit() == 1) {
                        skipScalingList(r, i < 6 ? 16 : 64);
                    }
                }
            }
        }
        r.readUe(); // log2_max_frame_num_minus4
        long picOrderCntType = r.readUe();
        if (picOrderCntType == 0) {
            r.readUe(); // log2_max_pic_order_cnt_lsb_minus4
        } else if (picOrderCntType == 1) {
            r.readBit(); // delta_pic_order_always_zero_flag
            r.readSe();
            r.readSe();
            long cycle = r.readUe();
            if (cycle > 255) {
                throw new CodecException("SPS num_ref_frames_in_pic_order_cnt_cycle " + cycle + " > 255");
            }
            for (int i = 0; i < cycle; i++) {
                r.readSe();
            }
        }
        r.readUe(); // max_num_ref_frames
        r.readBit(); // gaps_in_frame_num_value_allowed_flag
        long widthMbs = r.readUe() + 1;
        long heightMapUnits = r.readUe() + 1;
        int frameMbsOnly = r.readBit();
        if (frameMbsOnly == 0) {
            r.readBit(); // mb_adaptive_frame_field_flag
        }
        r.readBit(); // direct_8x8_inference_flag
        long cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
        if (r.readBit() == 1) {
            cropLeft = r.readUe();
            cropRight = r.readUe();
            cropTop = r.readUe();
            cropBottom = r.readUe();
        }
        // §7.4.2.1.1: crop units depend on chroma subsampling.
        int chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
        int subWidthC = chromaArrayType == 1 || chromaArrayType == 2 ? 2 : 1;
        int subHeightC = chromaArrayType == 1 ? 2 : 1;
        long cropUnitX = chromaArrayType == 0 ? 1 : subWidthC;
        long cropUnitY = (chromaArrayType == 0 ? 1 : subHeightC) * (2 - frameMbsOnly);
        long width = widthMbs * 16 - cropUnitX * (cropLeft + cropRight);
        long height = (2 - frameMbsOnly) * heightMapUnits * 16 - cropUnitY * (cropTop + cropBottom);
        if (width <= 0 || height <= 0 || width > 16384 || height > 16384) {
            throw new CodecException("SPS picture size " + width + "x" + height + " out of range");
        }
        double frameRate = 0;
        if (r.remaining() > 0 && r.readBit() == 1) {
            frameRate = readVuiFrameRate(r);
        }
        return new H264Sps(profileIdc, constraintFlags, levelIdc, (int) width, (int) height, frameRate);
    }

    private static double readVuiFrameRate(BitReader r) {
        // Annex E.1.1, up to timing_info.
        if (r.readBit() == 1) { // aspect_ratio_info_present_flag
            int idc = r.readInt(8);
            if (idc == 255) {
                r.skip(32); // sar_width, sar_height
            }
        }
        if (r.readBit() == 1) { // overscan_info_present_flag
            r.readBit();
        }
        if (r.readBit() == 1) { // video_signal_type_present_flag
            r.skip(4);
            if (r.readBit() == 1) {
                r.skip(24);
            }
        }
        if (r.readBit() == 1) { // chroma_loc_info_present_flag
            r.readUe();
            r.readUe();
        }
        if (r.readBit() == 1) { // timing_info_present_flag
            long numUnitsInTick = r.readBits(32);
            long timeScale = r.readBits(32);
            if (numUnitsInTick > 0) {
                // Frame rate is time_scale / (2 * num_units_in_tick) for progressive content (E.2.1).
                return plausible(timeScale / (2.0 * numUnitsInTick));
            }
        }
        return 0;
    }

    /** Frames per second the publisher claims, or 0 (unknown) when no camera makes it (review L10). */
    static double plausible(double fps) {
        return fps >= 1 && fps <= MAX_FRAME_RATE ? fps : 0;
    }

    /** Above this a claimed rate is noise: FRAME-RATE in playlists and the ladder's GOP would follow it. */
    static final double MAX_FRAME_RATE = 240;

    private static void skipScalingList(BitReader r, int size) {
        // §7.3.2.1.1.1
        long last = 8, next = 8;
        for (int j = 0; j < size; j++) {
            if (next != 0) {
                long delta = r.readSe();
                next = (last + delta + 256) % 256;
            }
            last = next == 0 ? last : next;
        }
    }
}
