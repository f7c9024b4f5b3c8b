package io.cuecast.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuecast.config.CuecastConfig;
import io.cuecast.core.hub.HubRegistry;
import io.cuecast.core.hub.Publisher;
import io.cuecast.core.hub.StreamHub;
import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.Packet;
import io.cuecast.core.time.Scheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** LL-HLS (RFC 8216bis): exact playlist text for parts and hints, and blocking reload, socket-free. */
class LowLatencyTest {
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void playlistListsPartsOfRecentSegmentsAndHintsTheNext() {
        RenditionTimeline t = new RenditionTimeline("t", 6, 2);
        t.partTarget(0.334);
        t.addInit(new byte[] {1}, new RenditionInfo("source", "avc1.64001f", 2, 2));
        for (int i = 0; i < 3; i++) {
            t.addPart(Unpooled.directBuffer(1).writeByte(i), 0.33333, i == 0);
        }
        t.completeSegment(1.0, T0, "init-t-0.mp4", 30);
        t.addPart(Unpooled.directBuffer(1).writeByte(9), 0.33333, true);
        assertThat(t.playlist()).isEqualTo("""
                #EXTM3U
                #EXT-X-VERSION:6
                #EXT-X-TARGETDURATION:2
                #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=12.0,PART-HOLD-BACK=1.002
                #EXT-X-PART-INF:PART-TARGET=0.334
                #EXT-X-MEDIA-SEQUENCE:0
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-MAP:URI="init-t-0.mp4"
                #EXT-X-PROGRAM-DATE-TIME:2026-11-26T10:00:00Z
                #EXT-X-PART:DURATION=0.33333,URI="t-0.0.m4s",INDEPENDENT=YES
                #EXT-X-PART:DURATION=0.33333,URI="t-0.1.m4s"
                #EXT-X-PART:DURATION=0.33333,URI="t-0.2.m4s"
                #EXTINF:1.000,
                t-0.m4s
                #EXT-X-PART:DURATION=0.33333,URI="t-1.0.m4s",INDEPENDENT=YES
                #EXT-X-PRELOAD-HINT:TYPE=PART,URI="t-1.1.m4s"
                """);
        t.close();
    }

    @Test
    void deltaUpdateSkipsSegmentsOlderThanCanSkipUntil() {
        RenditionTimeline t = new RenditionTimeline("t", 20, 2);
        t.partTarget(0.334);
        t.addInit(new byte[] {1}, null);
        for (int i = 0; i < 10; i++) {
            t.addPart(Unpooled.directBuffer(1).writeByte(i), 0.33333, true);
            t.completeSegment(2.0, T0.plusSeconds(2L * i), "init-t-0.mp4", 60);
        }
        String delta = t.deltaPlaylist();
        // 20 s listed, CAN-SKIP-UNTIL 12 s: the four segments that start more than 12 s before the end go.
        assertThat(delta).startsWith("#EXTM3U\n#EXT-X-VERSION:9\n")
                .contains("#EXT-X-MEDIA-SEQUENCE:0\n", "#EXT-X-SKIP:SKIPPED-SEGMENTS=4\n")
                .doesNotContain("t-3.m4s").contains("#EXT-X-SKIP:SKIPPED-SEGMENTS=4\n#EXT-X-MAP:URI=\"init-t-0.mp4\"\n")
                .contains("t-4.m4s", "t-9.m4s");
        assertThat(t.playlist()).contains("t-0.m4s").doesNotContain("EXT-X-SKIP");
        t.close();
    }

    @Test
    void blockedReloadsCompleteWhenThePartExistsWithoutAThreadEach() {
        RenditionTimeline t = new RenditionTimeline("t", 6, 2);
        t.partTarget(0.334);
        t.addInit(new byte[] {1}, null);
        assertThat(t.await(0, 0, 60_000)).as("not yet").isNotDone();
        List<CompletableFuture<Void>> blocked = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            blocked.add(t.await(0, 1, 60_000));
        }
        CompletableFuture<Void> wholeSegment = t.await(0, -1, 60_000);
        t.addPart(Unpooled.directBuffer(1).writeByte(0), 0.3, true);
        assertThat(t.await(0, 0, 60_000)).isDone();
        assertThat(blocked).noneMatch(CompletableFuture::isDone);
        t.addPart(Unpooled.directBuffer(1).writeByte(1), 0.3, false);
        assertThat(blocked).allMatch(CompletableFuture::isDone);
        assertThat(wholeSegment).isNotDone();
        t.completeSegment(0.6, T0, "init-t-0.mp4", 18);
        assertThat(wholeSegment).isDone();
        assertThat(t.await(0, 5, 60_000)).as("an older segment is complete").isDone();
        t.close();
    }

    HlsService service;

    FullHttpResponse get(String uri) throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(HlsRoutesTest.handler(service, new SimpleMeterRegistry()));
        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri));
        // Packaging runs on the caller's thread here, so an answer is one hop onto the channel's loop.
        ch.runPendingTasks();
        return ch.readOutbound();
    }

    @Test
    void httpBlockingReloadAnswersAtOnceWaitsOrRefuses() throws Exception {
        HubRegistry hubs = new HubRegistry(Clock.fixed(T0, ZoneOffset.UTC));
        service = new HlsService(hubs, new CuecastConfig.Hls(2000, 6, 60_000, 300_000, 200), Clock.fixed(T0, ZoneOffset.UTC),
                Runnable::run, Scheduler.of(scheduler), new SimpleMeterRegistry());
        StreamHub hub = hubs.claim("s", Publisher.inProcess("test")).orElseThrow();
        hub.prepare(List.of(HlsPackagerTest.VIDEO));
        int frame = 0;
        for (; frame < 75; frame++) { // 2.5 s: one segment and a part and a half
            long ms = Math.round(frame * 1000.0 / 30);
            hub.publish(new Packet(1, ms, ms, frame % 60 == 0, Bytes.ofHex("00000001 65")));
        }
        FullHttpResponse now = get("/hls/s/source/index.m3u8?_HLS_msn=1&_HLS_part=0");
        assertThat(now.status().code()).isEqualTo(200);
        assertThat(now.content().toString(StandardCharsets.UTF_8)).contains("-1.0.m4s\",INDEPENDENT=YES")
                .contains("#EXT-X-PRELOAD-HINT:TYPE=PART");
        now.release();
        assertThat(get("/hls/s/source/index.m3u8?_HLS_msn=9").status().code()).isEqualTo(400);
        assertThat(get("/hls/s/source/index.m3u8?_HLS_part=1").status().code()).isEqualTo(400);

        // A request for the part after next completes once the publisher gets there.
        EmbeddedChannel waiting = new EmbeddedChannel(HlsRoutesTest.handler(service, new SimpleMeterRegistry()));
        waiting.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                "/hls/s/source/index.m3u8?_HLS_msn=1&_HLS_part=3"));
        waiting.runPendingTasks();
        assertThat((Object) waiting.readOutbound()).isNull();
        for (; frame < 120; frame++) {
            long ms = Math.round(frame * 1000.0 / 30);
            hub.publish(new Packet(1, ms, ms, frame % 60 == 0, Bytes.ofHex("00000001 65")));
        }
        waiting.runPendingTasks();
        FullHttpResponse late = waiting.readOutbound();
        assertThat(late).isNotNull();
        assertThat(late.content().toString(StandardCharsets.UTF_8)).contains("-1.3.m4s\"");
        late.release();
        FullHttpResponse part = get("/hls/s/source/" + service.stream("s").orElseThrow().rendition("source")
                .snapshot().openParts().get(0).name());
        assertThat(part.status().code()).isEqualTo(200);
        assertThat(part.headers().get("Content-Type")).isEqualTo("video/iso.segment");
        part.release();
        service.closeAll();
    }

    /** Publishes 30 fps frames {@code from} up to {@code to} (a keyframe every 60); returns {@code to}. */
    static int publish(StreamHub hub, int from, int to) {
        for (int f = from; f < to; f++) {
            long ms = Math.round(f * 1000.0 / 30);
            hub.publish(new Packet(1, ms, ms, f % 60 == 0, Bytes.ofHex(f % 60 == 0 ? "00000001 65 aabbcc"
                    : "00000001 41 ddeeff")));
        }
        return to;
    }

    @Test
    void aHintedPartIsStreamedWhileItIsWritten() throws Exception {
        HubRegistry hubs = new HubRegistry(Clock.fixed(T0, ZoneOffset.UTC));
        service = new HlsService(hubs, new CuecastConfig.Hls(2000, 6, 60_000, 300_000, 200), Clock.fixed(T0, ZoneOffset.UTC),
                Runnable::run, Scheduler.of(scheduler), new SimpleMeterRegistry());
        StreamHub hub = hubs.claim("s", Publisher.inProcess("test")).orElseThrow();
        hub.prepare(List.of(HlsPackagerTest.VIDEO));
        int frame = 0;
        frame = publish(hub, frame, 61); // one segment, then the first frame of the next
        RenditionTimeline t = service.stream("s").orElseThrow().rendition("source");
        String hinted = t.snapshot().nextPartName();
        assertThat(hinted).endsWith("-1.0.m4s");
        EmbeddedChannel ch = new EmbeddedChannel(HlsRoutesTest.handler(service, new SimpleMeterRegistry()));
        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/hls/s/source/" + hinted));
        ch.runPendingTasks();
        assertThat((Object) ch.readOutbound()).as("nothing before the first chunk").isNull();
        // Three more frames make the part's first chunk (100 ms): it is sent before the part is complete.
        frame = publish(hub, frame, 65);
        ch.runPendingTasks();
        HttpResponse head = ch.readOutbound();
        assertThat(head).isNotNull().isNotInstanceOf(FullHttpResponse.class);
        assertThat(head.status().code()).isEqualTo(200);
        assertThat(head.headers().get("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(head.headers().get("Content-Type")).isEqualTo("video/iso.segment");
        HttpContent first = ch.readOutbound();
        assertThat(first).isNotInstanceOf(LastHttpContent.class);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(ByteBufUtil.getBytes(first.content()));
        first.release();
        assertThat(t.snapshot().openParts()).as("the part is still being written").isEmpty();
        frame = publish(hub, frame, 75);
        boolean last = false;
        for (int i = 0; i < 100 && !last; i++) {
            ch.runPendingTasks();
            Object o;
            while ((o = ch.readOutbound()) != null) {
                HttpContent c = (HttpContent) o;
                body.writeBytes(ByteBufUtil.getBytes(c.content()));
                last |= c instanceof LastHttpContent;
                c.release();
            }
        }
        assertThat(last).isTrue();
        ByteBuf whole = t.resource(hinted);
        assertThat(body.toByteArray()).as("the streamed bytes are the part").isEqualTo(
                ByteBufUtil.getBytes(whole));
        assertThat(new String(body.toByteArray(), StandardCharsets.ISO_8859_1).split("moof", -1).length - 1)
                .as("written as two CMAF chunks").isEqualTo(2);
        whole.release();
        ch.finishAndReleaseAll();
        service.closeAll();
    }
}
