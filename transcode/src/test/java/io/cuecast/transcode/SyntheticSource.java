package io.cuecast.transcode;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;

import io.cuecast.config.CuecastConfig;
import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.H264Config;
import io.cuecast.core.media.Packet;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

/**
 * A real H.264 source for tests: moving synthetic pictures encoded with libx264 through the same
 * {@link RungEncoder}, 30 fps on a millisecond clock like RTMP, an IDR every {@code gop} frames.
 */
final class SyntheticSource implements AutoCloseable {
    final int width;
    final int height;
    private final RungEncoder encoder;
    private final AVFrame picture;

    SyntheticSource(int width, int height) {
        this.width = width;
        this.height = height;
        CuecastConfig.Rung rung = new CuecastConfig.Rung(Math.min(width, height), 2500, 0, 0, "ultrafast", "high",
                "zerolatency", 30);
        encoder = new RungEncoder(new PlannedRung(rung, width, height, 30), 1000, 300, 1);
        picture = av_frame_alloc();
        picture.format(AV_PIX_FMT_YUV420P);
        picture.width(width);
        picture.height(height);
        av_frame_get_buffer(picture, 0);
    }

    H264Config config() {
        return encoder.config();
    }

    /** {@code frames} video packets on track {@code trackId}, starting at frame {@code first}. */
    List<Packet> frames(int trackId, int first, int frames, int gop) {
        List<Packet> out = new ArrayList<>();
        for (int i = first; i < first + frames; i++) {
            paint(i);
            long pts = Math.round(i * 1000 / 30.0);
            encoder.encode(picture, pts, i % gop == 0,
                    f -> out.add(new Packet(trackId, f.pts(), f.dts(), f.keyframe(), Bytes.wrap(f.data()))));
        }
        return out;
    }

    private void paint(int n) {
        av_frame_make_writable(picture);
        for (int plane = 0; plane < 3; plane++) {
            int w = plane == 0 ? width : width / 2;
            int h = plane == 0 ? height : height / 2;
            int stride = picture.linesize(plane);
            BytePointer p = picture.data(plane);
            byte[] row = new byte[w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    row[x] = (byte) (plane == 0 ? (x + y + n * 4) : 128 + ((x / 16 + n) % 32));
                }
                p.position((long) y * stride).put(row, 0, w);
            }
            p.position(0);
        }
    }

    @Override
    public void close() {
        encoder.close();
        av_frame_free(picture);
    }
}
