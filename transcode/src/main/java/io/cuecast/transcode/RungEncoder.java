package io.cuecast.transcode;

import static io.cuecast.transcode.FfmpegException.EAGAIN;
import static io.cuecast.transcode.FfmpegException.check;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_d2q;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BICUBIC;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale_frame;

import io.cuecast.core.codec.AnnexB;
import io.cuecast.core.media.H264Config;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;

/**
 * One rung: scales decoded source frames to the rung's size (bicubic, as FFmpeg's scale filter)
 * and encodes them with libx264. IDR frames come only where the caller asks for them (scene-cut
 * keyframes are off, the GOP is long), so every rung's segments can be cut at the same instants.
 * Not thread-safe; {@link #close} frees every native allocation.
 */
final class RungEncoder implements AutoCloseable {
    private final PlannedRung plan;
    private final double frameStep;
    private AVCodecContext ctx;
    private AVFrame scaled;
    private AVPacket packet;
    private SwsContext sws;
    private int swsWidth = -1, swsHeight = -1, swsFormat = -1;
    private final H264Config config;
    private double nextFramePts = Double.NaN;
    private boolean idrPending;
    private long lastPts = Long.MIN_VALUE;

    /**
     * @param timescale ticks per second of frame timestamps (the source track's)
     * @param gopFrames longest distance between IDRs x264 may choose on its own
     * @param threads x264 threads, 0 for its own choice
     */
    RungEncoder(PlannedRung plan, int timescale, int gopFrames, int threads) {
        this.plan = plan;
        this.frameStep = timescale / plan.fps();
        Natives.load();
        AVDictionary options = new AVDictionary(null);
        try {
            AVCodec codec = avcodec_find_encoder_by_name("libx264");
            if (codec == null) {
                throw new FfmpegException("this FFmpeg build has no libx264 encoder");
            }
            ctx = avcodec_alloc_context3(codec);
            packet = av_packet_alloc();
            scaled = av_frame_alloc();
            if (ctx == null || packet == null || scaled == null) {
                throw new FfmpegException("out of native memory for rung " + plan.name());
            }
            ctx.width(plan.width());
            ctx.height(plan.height());
            ctx.pix_fmt(AV_PIX_FMT_YUV420P);
            ctx.time_base(av_make_q(1, timescale));
            ctx.framerate(av_d2q(plan.fps(), 1001 * 1000));
            ctx.bit_rate(plan.rung().videoKbps() * 1000L);
            ctx.rc_max_rate(plan.rung().effectiveMaxrateKbps() * 1000L);
            ctx.rc_buffer_size(plan.rung().effectiveBufsizeKbps() * 1000);
            ctx.gop_size(gopFrames);
            ctx.thread_count(threads);
            // SPS/PPS once, in extradata (they become the avcC record), not before every IDR.
            ctx.flags(ctx.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
            av_dict_set(options, "preset", plan.rung().preset(), 0);
            av_dict_set(options, "profile", plan.rung().profile(), 0);
            if (!plan.rung().tune().isEmpty()) {
                av_dict_set(options, "tune", plan.rung().tune(), 0);
            }
            // A forced I frame becomes an IDR; no scene-cut keyframes; closed GOPs.
            av_dict_set(options, "forced-idr", "1", 0);
            av_dict_set(options, "x264-params", "scenecut=0:open-gop=0", 0);
            check(avcodec_open2(ctx, codec, options), "opening libx264 for " + plan.name());
            byte[] header = new byte[ctx.extradata_size()];
            ctx.extradata().get(header, 0, header.length);
            config = H264Config.parse(AnnexB.decoderConfiguration(header).encode());

            scaled.format(AV_PIX_FMT_YUV420P);
            scaled.width(plan.width());
            scaled.height(plan.height());
            check(av_frame_get_buffer(scaled, 0), "allocating the " + plan.name() + " picture");
        } catch (RuntimeException e) {
            close();
            throw e;
        } finally {
            av_dict_free(options);
        }
    }

    /** The rung's plan. */
    PlannedRung plan() {
        return plan;
    }

    /** The decoder configuration of what this rung produces. */
    H264Config config() {
        return config;
    }

    /**
     * Scales and encodes one decoded frame, unless the rung's fps cap drops it; an IDR asked for
     * on a dropped frame moves to the next kept one.
     *
     * @param pts the frame's presentation time (source timescale)
     * @param idr make this frame an IDR
     * @param sink receives each access unit the encoder gives back
     */
    void encode(AVFrame source, long pts, boolean idr, Consumer<EncodedFrame> sink) {
        if (pts <= lastPts) {
            return; // x264 needs strictly increasing timestamps; a repeated one is a duplicate frame
        }
        idrPending |= idr;
        // Under the fps cap a frame up to a quarter frame early is kept (millisecond timestamps jitter).
        if (!Double.isNaN(nextFramePts) && pts + frameStep / 4 < nextFramePts && !idrPending) {
            return;
        }
        nextFramePts = Double.isNaN(nextFramePts) || pts > nextFramePts + frameStep ? pts + frameStep
                : nextFramePts + frameStep;
        lastPts = pts;
        scale(source);
        scaled.pts(pts);
        scaled.pict_type(idrPending ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
        idrPending = false;
        check(avcodec_send_frame(ctx, scaled), "encoding a " + plan.name() + " frame");
        drain(sink);
    }

    private void scale(AVFrame source) {
        int w = source.width(), h = source.height(), f = source.format();
        if (sws == null || w != swsWidth || h != swsHeight || f != swsFormat) {
            if (sws != null) {
                sws_freeContext(sws);
            }
            sws = sws_getContext(w, h, f, plan.width(), plan.height(), AV_PIX_FMT_YUV420P, SWS_BICUBIC,
                    null, null, (DoublePointer) null);
            if (sws == null) {
                throw new FfmpegException("no scaler from " + w + "x" + h + " format " + f + " to " + plan.name());
            }
            swsWidth = w;
            swsHeight = h;
            swsFormat = f;
        }
        // The encoder may still hold a reference to the previous picture.
        check(av_frame_make_writable(scaled), "making the " + plan.name() + " picture writable");
        check(sws_scale_frame(sws, scaled, source), "scaling to " + plan.name());
    }

    /** Flushes the encoder: the frames it still holds go to {@code sink}. */
    void finish(Consumer<EncodedFrame> sink) {
        avcodec_send_frame(ctx, null);
        drain(sink);
    }

    private void drain(Consumer<EncodedFrame> sink) {
        while (true) {
            int ret = avcodec_receive_packet(ctx, packet);
            if (ret == EAGAIN || ret == AVERROR_EOF()) {
                return;
            }
            check(ret, "receiving a " + plan.name() + " packet");
            try {
                byte[] annexB = new byte[packet.size()];
                packet.data().get(annexB, 0, annexB.length);
                byte[] data = AnnexB.toLengthPrefixed(annexB, 0, annexB.length);
                sink.accept(new EncodedFrame(packet.pts(), packet.dts(), (packet.flags() & AV_PKT_FLAG_KEY) != 0,
                        data));
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    @Override
    public void close() {
        Natives.free(ctx, packet, scaled);
        ctx = null;
        packet = null;
        scaled = null;
        if (sws != null) {
            sws_freeContext(sws);
            sws = null;
        }
    }
}
