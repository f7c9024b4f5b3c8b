package io.cuecast.transcode;

import static io.cuecast.transcode.FfmpegException.EAGAIN;
import static io.cuecast.transcode.FfmpegException.check;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_free;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_read;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_reset;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_size;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_write;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_samples_set_silence;

import io.cuecast.core.media.AacConfig;
import io.cuecast.core.media.AudioConverter;
import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.Packet;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVAudioFifo;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * Opus (RFC 7587: 48 kHz, 20 ms frames of 960 samples) to AAC-LC (1024-sample frames), once per
 * WebRTC stream: FFmpeg's Opus decoder to planar float stereo, a FIFO that regroups 960-sample
 * frames into 1024-sample ones, FFmpeg's native AAC encoder at 128 kb/s.
 *
 * <p>Time comes from the RTP-derived clock of each Opus packet, not from counting samples: a gap
 * over 20 ms (a lost packet, a sender pausing in DTX) is filled with silence so the sample count
 * keeps matching the clock; a jump over a second (a sender restarting) re-anchors. The encoder's
 * own delay (its 1024-sample priming) is taken off the packet times FFmpeg gives, so audio stays
 * on the video's clock.
 */
public final class OpusToAac implements AudioConverter {
    static final int RATE = 48_000;
    private static final int CHANNELS = 2;
    private static final int AAC_FRAME = 1024;
    private static final long GAP_SAMPLES = RATE / 50;
    private static final long JUMP_SAMPLES = RATE;
    /** Longest silence inserted at once: beyond it we re-anchor instead. */
    private static final int FIFO_SAMPLES = 4 * RATE;

    private AVCodecContext decoder;
    private AVCodecContext encoder;
    private AVPacket in;
    private AVPacket out;
    private AVFrame decoded;
    private AVFrame chunk;
    private AVAudioFifo fifo;
    private final AacConfig config;
    /** The sample clock at the end of what the FIFO holds; Long.MIN_VALUE before the first packet. */
    private long fifoEnd = Long.MIN_VALUE;
    private long decodeErrors;

    public OpusToAac() {
        Natives.load();
        try {
            AVCodec opus = avcodec_find_decoder(AV_CODEC_ID_OPUS);
            AVCodec aac = avcodec_find_encoder(AV_CODEC_ID_AAC);
            if (opus == null || aac == null) {
                throw new FfmpegException("this FFmpeg build lacks the Opus decoder or the AAC encoder");
            }
            decoder = avcodec_alloc_context3(opus);
            decoder.sample_rate(RATE);
            av_channel_layout_default(decoder.ch_layout(), CHANNELS);
            decoder.pkt_timebase(av_make_q(1, RATE));
            check(avcodec_open2(decoder, opus, (AVDictionary) null), "opening the Opus decoder");

            encoder = avcodec_alloc_context3(aac);
            encoder.sample_fmt(AV_SAMPLE_FMT_FLTP);
            encoder.sample_rate(RATE);
            av_channel_layout_default(encoder.ch_layout(), CHANNELS);
            encoder.bit_rate(128_000);
            encoder.time_base(av_make_q(1, RATE));
            // The AudioSpecificConfig goes into the init segment, not into each frame (no ADTS).
            encoder.flags(encoder.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
            check(avcodec_open2(encoder, aac, (AVDictionary) null), "opening the AAC encoder");
            byte[] asc = new byte[encoder.extradata_size()];
            encoder.extradata().get(asc);
            config = AacConfig.parse(Bytes.wrap(asc));

            in = av_packet_alloc();
            out = av_packet_alloc();
            decoded = av_frame_alloc();
            chunk = av_frame_alloc();
            chunk.nb_samples(AAC_FRAME);
            chunk.format(AV_SAMPLE_FMT_FLTP);
            chunk.sample_rate(RATE);
            av_channel_layout_default(chunk.ch_layout(), CHANNELS);
            check(av_frame_get_buffer(chunk, 0), "allocating an AAC input frame");
            fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, CHANNELS, FIFO_SAMPLES);
            if (fifo == null) {
                throw new FfmpegException("out of native memory for the audio FIFO");
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public AacConfig config() {
        return config;
    }

    /** Opus packets FFmpeg refused as corrupt. */
    public long decodeErrors() {
        return decodeErrors;
    }

    @Override
    public List<Packet> convert(byte[] data, int offset, int length, long ms, int trackId) {
        List<Packet> result = new ArrayList<>(2);
        if (length <= 0 || decoder == null) {
            return result;
        }
        check(av_new_packet(in, length), "allocating an Opus packet");
        in.data().put(data, offset, length);
        int sent = avcodec_send_packet(decoder, in);
        av_packet_unref(in);
        if (sent < 0 && sent != EAGAIN) {
            decodeErrors++;
            return result;
        }
        long at = ms * RATE / 1000;
        while (avcodec_receive_frame(decoder, decoded) >= 0) {
            try {
                place(at);
                if (decoded.format() == AV_SAMPLE_FMT_FLTP && decoded.ch_layout().nb_channels() == CHANNELS) {
                    av_audio_fifo_write(fifo, decoded.extended_data(), decoded.nb_samples());
                    fifoEnd += decoded.nb_samples();
                }
                at += decoded.nb_samples();
            } finally {
                av_frame_unref(decoded);
            }
            encodeWhole(result, trackId);
        }
        return result;
    }

    /** Lines the FIFO's end up with the clock: silence for a gap, a new anchor for a jump. */
    private void place(long at) {
        if (fifoEnd == Long.MIN_VALUE || Math.abs(at - fifoEnd) > JUMP_SAMPLES) {
            // A new anchor: the few ms still queued belong to the old timeline and are dropped.
            av_audio_fifo_reset(fifo);
            fifoEnd = at;
            return;
        }
        long gap = at - fifoEnd;
        if (gap > GAP_SAMPLES) {
            int n = (int) Math.min(gap, FIFO_SAMPLES / 2);
            AVFrame silence = av_frame_alloc();
            try {
                silence.nb_samples(n);
                silence.format(AV_SAMPLE_FMT_FLTP);
                av_channel_layout_default(silence.ch_layout(), CHANNELS);
                check(av_frame_get_buffer(silence, 0), "allocating silence");
                av_samples_set_silence(silence.extended_data(), 0, n, CHANNELS, AV_SAMPLE_FMT_FLTP);
                av_audio_fifo_write(fifo, silence.extended_data(), n);
                fifoEnd += n;
            } finally {
                org.bytedeco.ffmpeg.global.avutil.av_frame_free(silence);
            }
        }
    }

    private void encodeWhole(List<Packet> result, int trackId) {
        while (av_audio_fifo_size(fifo) >= AAC_FRAME) {
            check(av_frame_make_writable(chunk), "making the AAC input frame writable");
            long pts = fifoEnd - av_audio_fifo_size(fifo);
            av_audio_fifo_read(fifo, chunk.extended_data(), AAC_FRAME);
            chunk.pts(pts);
            check(avcodec_send_frame(encoder, chunk), "encoding AAC");
            while (avcodec_receive_packet(encoder, out) >= 0) {
                try {
                    byte[] au = new byte[out.size()];
                    out.data().get(au);
                    // FFmpeg's packet time already has the encoder delay taken off (pts - initial_padding).
                    long t = Math.floorDiv(out.pts() * 1000, RATE);
                    result.add(new Packet(trackId, t, t, true, Bytes.wrap(au)));
                } finally {
                    av_packet_unref(out);
                }
            }
        }
    }

    @Override
    public void close() {
        Natives.free(decoder, in, decoded);
        Natives.free(encoder, out, chunk);
        if (fifo != null) {
            av_audio_fifo_free(fifo);
        }
        decoder = null;
        encoder = null;
        in = null;
        out = null;
        decoded = null;
        chunk = null;
        fifo = null;
    }
}
