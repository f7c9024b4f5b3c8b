package io.cuecast.transcode;

import static io.cuecast.transcode.FfmpegException.EAGAIN;
import static io.cuecast.transcode.FfmpegException.check;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;

import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

/**
 * FFmpeg's H.264 decoder fed with length-prefixed access units and the avcC record as extradata
 * (ISO/IEC 14496-15), the form Cuecast carries H.264 in. Not thread-safe; {@link #close} frees every
 * native allocation it made.
 */
final class H264Decoder implements AutoCloseable {
    private AVCodecContext ctx;
    private AVPacket packet;
    private AVFrame frame;

    /**
     * @param avcc AVCDecoderConfigurationRecord of the source
     * @param timescale ticks per second of the packet timestamps
     */
    H264Decoder(byte[] avcc, int timescale) {
        this(avcc, timescale, 16384L * 16384);
    }

    /**
     * @param maxPixels largest picture the decoder accepts: an in-band SPS may announce a size the
     *     sequence header did not, and FFmpeg refuses frames above this instead of allocating them
     */
    H264Decoder(byte[] avcc, int timescale, long maxPixels) {
        Natives.load();
        try {
            AVCodec codec = avcodec_find_decoder(AV_CODEC_ID_H264);
            if (codec == null) {
                throw new FfmpegException("this FFmpeg build has no H.264 decoder");
            }
            ctx = avcodec_alloc_context3(codec);
            packet = av_packet_alloc();
            frame = av_frame_alloc();
            if (ctx == null || packet == null || frame == null) {
                throw new FfmpegException("out of native memory for the H.264 decoder");
            }
            // avcodec_free_context frees extradata with av_free, so it must come from av_malloc.
            BytePointer extra = new BytePointer(av_mallocz(avcc.length + AV_INPUT_BUFFER_PADDING_SIZE));
            extra.put(avcc, 0, avcc.length);
            ctx.extradata(extra);
            ctx.extradata_size(avcc.length);
            ctx.pkt_timebase(av_make_q(1, timescale));
            // One thread: frame threading would add a frame of delay per thread, and the rungs'
            // encoders already keep the other cores busy.
            ctx.thread_count(1);
            ctx.max_pixels(maxPixels);
            check(avcodec_open2(ctx, codec, (AVDictionary) null), "opening the H.264 decoder");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Decodes one access unit and hands every frame that comes out to {@code sink}; the frame is only
     * valid during the call.
     *
     * @return false when FFmpeg refused the data as invalid (corrupt input), true otherwise
     */
    boolean decode(byte[] data, int length, long pts, long dts, boolean key, Consumer<AVFrame> sink) {
        check(av_new_packet(packet, length), "allocating a packet");
        packet.data().put(data, 0, length);
        packet.pts(pts);
        packet.dts(dts);
        packet.flags(key ? AV_PKT_FLAG_KEY : 0);
        int sent = avcodec_send_packet(ctx, packet);
        av_packet_unref(packet);
        drain(sink);
        if (sent < 0 && sent != EAGAIN && sent != AVERROR_EOF()) {
            return false;
        }
        return true;
    }

    /** Signals the end of the stream and drains the frames still inside the decoder. */
    void finish(Consumer<AVFrame> sink) {
        avcodec_send_packet(ctx, null);
        drain(sink);
    }

    private void drain(Consumer<AVFrame> sink) {
        while (avcodec_receive_frame(ctx, frame) >= 0) {
            try {
                sink.accept(frame);
            } finally {
                av_frame_unref(frame);
            }
        }
    }

    @Override
    public void close() {
        Natives.free(ctx, packet, frame);
        ctx = null;
        packet = null;
        frame = null;
    }
}
