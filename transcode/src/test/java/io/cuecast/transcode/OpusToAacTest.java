package io.cuecast.transcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;

import io.cuecast.core.media.Packet;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.ShortPointer;
import org.junit.jupiter.api.Test;

/** Opus made by libopus (as browsers make it) through the converter, and its AAC decoded back. */
class OpusToAacTest {
    /** {@code seconds} of a 440 Hz stereo tone as 20 ms Opus packets. */
    private static List<byte[]> opusTone(int seconds) {
        Natives.load();
        AVCodec codec = avcodec_find_encoder_by_name("libopus");
        assertThat(codec).as("the GPL FFmpeg jar has libopus").isNotNull();
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        ctx.sample_rate(48_000);
        ctx.sample_fmt(AV_SAMPLE_FMT_S16);
        av_channel_layout_default(ctx.ch_layout(), 2);
        ctx.bit_rate(64_000);
        ctx.time_base(av_make_q(1, 48_000));
        FfmpegException.check(avcodec_open2(ctx, codec, (AVDictionary) null), "opening libopus");
        AVFrame frame = av_frame_alloc();
        frame.nb_samples(960);
        frame.format(AV_SAMPLE_FMT_S16);
        av_channel_layout_default(frame.ch_layout(), 2);
        FfmpegException.check(av_frame_get_buffer(frame, 0), "frame");
        AVPacket p = av_packet_alloc();
        List<byte[]> out = new ArrayList<>();
        for (int f = 0; f < seconds * 50; f++) {
            av_frame_make_writable(frame);
            ShortPointer s = new ShortPointer(frame.data(0)).capacity(960 * 2);
            for (int i = 0; i < 960; i++) {
                short v = (short) (8000 * Math.sin(2 * Math.PI * 440 * (f * 960 + i) / 48_000.0));
                s.put(2L * i, v);
                s.put(2L * i + 1, v);
            }
            frame.pts(f * 960L);
            avcodec_send_frame(ctx, frame);
            while (avcodec_receive_packet(ctx, p) >= 0) {
                byte[] b = new byte[p.size()];
                p.data().get(b);
                out.add(b);
                av_packet_unref(p);
            }
        }
        Natives.free(ctx, p, frame);
        return out;
    }

    /** Decodes AAC access units with FFmpeg's decoder; returns the samples per channel decoded. */
    private static long decodeAac(byte[] asc, List<Packet> aus) {
        AVCodec codec = avcodec_find_decoder(AV_CODEC_ID_AAC);
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        BytePointer extra = new BytePointer(av_mallocz(asc.length + 64));
        extra.put(asc, 0, asc.length);
        ctx.extradata(extra);
        ctx.extradata_size(asc.length);
        FfmpegException.check(avcodec_open2(ctx, codec, (AVDictionary) null), "opening the AAC decoder");
        AVPacket p = av_packet_alloc();
        AVFrame f = av_frame_alloc();
        long samples = 0;
        for (Packet au : aus) {
            byte[] d = au.payload().toArray();
            av_new_packet(p, d.length);
            p.data().put(d, 0, d.length);
            assertThat(avcodec_send_packet(ctx, p)).as("AAC decodes").isGreaterThanOrEqualTo(0);
            av_packet_unref(p);
            while (avcodec_receive_frame(ctx, f) >= 0) {
                samples += f.nb_samples();
            }
        }
        Natives.free(ctx, p, f);
        return samples;
    }

    @Test
    void twoSecondsOfOpusBecomeTwoSecondsOfAacOnTheSameClock() {
        List<byte[]> opus = opusTone(2);
        List<Packet> aac = new ArrayList<>();
        try (OpusToAac c = new OpusToAac()) {
            assertThat(c.config().sampleRate()).isEqualTo(48_000);
            assertThat(c.config().channels()).isEqualTo(2);
            assertThat(c.config().rfc6381()).isEqualTo("mp4a.40.2");
            for (int i = 0; i < opus.size(); i++) {
                aac.addAll(c.convert(opus.get(i), 0, opus.get(i).length, 500 + i * 20L, 3));
            }
            assertThat(c.decodeErrors()).isZero();
            // 2 s = 93.75 AAC frames; the encoder holds one or two back.
            assertThat(aac.size()).isBetween(90, 94);
            assertThat(aac.get(0).trackId()).isEqualTo(3);
            // The first frame starts at the first Opus packet's time, less the AAC encoder delay (1024 samples).
            assertThat(aac.get(0).pts()).isBetween(500L - 22 - 7, 500L);
            for (int i = 1; i < aac.size(); i++) {
                assertThat(aac.get(i).pts() - aac.get(i - 1).pts()).isBetween(21L, 22L);
            }
            assertThat(decodeAac(c.config().asc().toArray(), aac)).isEqualTo(aac.size() * 1024L);
        }
    }

    @Test
    void aGapIsFilledWithSilenceAndAJumpReanchors() {
        List<byte[]> opus = opusTone(3);
        List<Packet> aac = new ArrayList<>();
        try (OpusToAac c = new OpusToAac()) {
            for (int i = 0; i < opus.size(); i++) {
                if (i >= 50 && i < 60) {
                    continue; // 200 ms lost
                }
                long ms = i < 100 ? i * 20L : 10_000 + i * 20L; // then the sender's clock jumps 10 s
                aac.addAll(c.convert(opus.get(i), 0, opus.get(i).length, ms, 2));
            }
        }
        int jump = -1;
        for (int i = 1; i < aac.size(); i++) {
            long step = aac.get(i).pts() - aac.get(i - 1).pts();
            if (step > 1000) {
                assertThat(jump).as("one jump").isEqualTo(-1);
                jump = i;
            } else {
                assertThat(step).as("continuous across the lost packets").isBetween(21L, 22L);
            }
        }
        assertThat(jump).isPositive();
        // Before the jump, 2 s of clock (the 200 ms gap included, as silence).
        assertThat(aac.get(jump - 1).pts() - aac.get(0).pts()).isBetween(1900L, 2000L);
        assertThat(aac.get(jump).pts()).isBetween(12_000L - 25, 12_000L + 25);
    }

    @Test
    void corruptOpusIsCountedNotThrown() {
        try (OpusToAac c = new OpusToAac()) {
            byte[] junk = new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3};
            for (int i = 0; i < 10; i++) {
                c.convert(junk, 0, junk.length, i * 20L, 2);
            }
            assertThat(c.convert(new byte[0], 0, 0, 0, 2)).isEmpty();
        }
    }
}
