package io.cuecast.transcode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

import io.cuecast.config.CuecastConfig;
import io.cuecast.core.hub.HubRegistry;
import io.cuecast.core.hub.StreamHub;
import io.cuecast.core.hub.StreamReader;
import io.cuecast.core.media.AacConfig;
import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.H264Config;
import io.cuecast.core.media.MediaKind;
import io.cuecast.core.media.Packet;
import io.cuecast.core.media.Track;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Runs Cuecast's ladder pipeline ({@link LadderTranscoder}: one decode, a scale and an x264 encode
 * per rung, the server's default ladder) over a file as fast as it goes and prints wall time, CPU
 * time and fps. The file is demuxed into memory first, so only the pipeline is timed. Used by
 * {@code scripts/bench/ladder}; not a test.
 */
public final class LadderBench {
    private LadderBench() {
    }

    public static void main(String[] args) {
        String file = args[0];
        Loader.load(avformat.class);
        List<Packet> packets = new ArrayList<>();
        List<Track> tracks = new ArrayList<>();
        demux(file, tracks, packets);

        HubRegistry registry = new HubRegistry();
        Map<String, long[]> out = new TreeMap<>(); // rendition → {frames, bytes}
        registry.onRenditionCreated((source, name, hub) -> {
            long[] c = new long[2];
            out.put(name, c);
            hub.attach("bench/" + name, new StreamReader() {
                @Override
                public void onTracks(List<Track> t) {
                }

                @Override
                public void onPacket(Packet p) {
                    if (p.trackId() == 1) {
                        c[0]++;
                        c[1] += p.payload().length();
                    }
                }

                @Override
                public void onEnd() {
                }
            }, Runnable::run, Integer.MAX_VALUE);
        });
        StreamHub hub = new StreamHub("bench");
        LadderStatus status = new LadderStatus();
        CuecastConfig.Ladder ladder = CuecastConfig.defaultLadder();
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        LadderTranscoder t = new LadderTranscoder(hub, ladder, 2000, registry, status, threads, () -> { });
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        t.onTracks(tracks);
        for (Packet p : packets) {
            t.onPacket(p);
        }
        t.onEnd();
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        LadderStatus.Snapshot s = status.snapshot();
        if (s.state() != LadderStatus.State.ENDED) {
            throw new IllegalStateException("ladder " + s.state() + ": " + s.detail());
        }
        double seconds = packets.stream().filter(p -> p.trackId() == 1).count() / 30.0;
        System.out.printf("cuecast frames=%d wall_s=%.2f cpu_s=%.2f fps=%.1f%n", s.framesDecoded(), wall, cpu,
                s.framesDecoded() / wall);
        out.forEach((name, c) -> System.out.printf("cuecast rung=%s frames=%d kbps=%.0f%n", name, c[0],
                c[1] * 8 / seconds / 1000));
    }

    private static void demux(String file, List<Track> tracks, List<Packet> packets) {
        AVFormatContext fmt = new AVFormatContext(null);
        FfmpegException.check(avformat_open_input(fmt, file, null, (AVDictionary) null), "opening " + file);
        try {
            FfmpegException.check(avformat_find_stream_info(fmt, (PointerPointer<?>) null), "probing " + file);
            int video = -1, audio = -1;
            for (int i = 0; i < fmt.nb_streams(); i++) {
                AVCodecParameters par = fmt.streams(i).codecpar();
                byte[] extra = new byte[par.extradata_size()];
                if (extra.length > 0) {
                    par.extradata().get(extra, 0, extra.length);
                }
                if (par.codec_id() == AV_CODEC_ID_H264 && video < 0) {
                    video = i;
                    tracks.add(new Track(1, MediaKind.VIDEO, 1000, H264Config.parse(Bytes.wrap(extra))));
                } else if (par.codec_id() == AV_CODEC_ID_AAC && audio < 0) {
                    audio = i;
                    tracks.add(new Track(2, MediaKind.AUDIO, 1000, AacConfig.parse(Bytes.wrap(extra))));
                }
            }
            AVRational ms = av_make_q(1, 1000);
            AVPacket pkt = av_packet_alloc();
            while (av_read_frame(fmt, pkt) >= 0) {
                int si = pkt.stream_index();
                if (si == video || si == audio) {
                    AVRational tb = fmt.streams(si).time_base();
                    long dts = av_rescale_q(pkt.dts() == AV_NOPTS_VALUE ? pkt.pts() : pkt.dts(), tb, ms);
                    long pts = av_rescale_q(pkt.pts() == AV_NOPTS_VALUE ? pkt.dts() : pkt.pts(), tb, ms);
                    byte[] data = new byte[pkt.size()];
                    pkt.data().get(data, 0, data.length);
                    packets.add(new Packet(si == video ? 1 : 2, pts, dts, si != video
                            || (pkt.flags() & AV_PKT_FLAG_KEY) != 0, Bytes.wrap(data)));
                }
                av_packet_unref(pkt);
            }
            av_packet_free(pkt);
        } finally {
            avformat_close_input(fmt);
        }
    }
}
