package io.cuecast.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RenditionTimelineTest {
    static MediaSegment seg(RenditionTimeline t, double duration) {
        return new MediaSegment(t.nextSequence(), t.nextSegmentName(), duration, Instant.EPOCH, false,
                t.currentInit(), 60, Unpooled.directBuffer(1).writeByte((int) t.nextSequence()));
    }

    static byte[] bytes(ByteBuf b) {
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    @Test
    void expiredSegmentsAreFreedAndCloseFreesTheRest() {
        RenditionTimeline t = new RenditionTimeline("x", 2, 2);
        t.addInit(new byte[] {1}, null);
        List<MediaSegment> added = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            MediaSegment s = seg(t, 2.0);
            added.add(s);
            t.add(s);
        }
        // window 2 + 1 retired are alive, the two oldest were freed
        assertThat(added).extracting(s -> s.data().refCnt()).containsExactly(0, 0, 1, 1, 1);
        ByteBuf held = t.resource("x-4.m4s");
        t.close();
        assertThat(added).extracting(s -> s.data().refCnt()).containsExactly(0, 0, 0, 0, 1);
        held.release();
        assertThat(added.get(4).data().refCnt()).isZero();
        assertThat(t.resource("x-4.m4s")).isNull();
    }

    @Test
    void slidesTheWindowAndKeepsOneRetiredSegment() {
        RenditionTimeline t = new RenditionTimeline("x", 3, 2);
        String init = t.addInit(new byte[] {1}, new RenditionInfo("source", "avc1.64001f", 2, 2));
        assertThat(init).isEqualTo("init-x-0.mp4");
        assertThat(t.firstSegment()).isNotDone();
        for (int i = 0; i < 5; i++) {
            t.add(seg(t, 2.0));
        }
        assertThat(t.firstSegment()).isDone();
        RenditionTimeline.Snapshot s = t.snapshot();
        assertThat(s.firstSequence()).isEqualTo(2);
        assertThat(s.segments()).extracting(MediaSegment::name).containsExactly("x-2.m4s", "x-3.m4s", "x-4.m4s");
        assertThat(bytes(t.resource("x-1.m4s"))).containsExactly(1); // just retired: still fetchable
        assertThat(t.resource("x-0.m4s")).isNull();
        assertThat(bytes(t.resource("init-x-0.mp4"))).containsExactly(1);
        assertThat(t.playlist()).contains("#EXT-X-MEDIA-SEQUENCE:2").doesNotContain("ENDLIST");
        t.end();
        assertThat(t.playlist()).endsWith("#EXT-X-ENDLIST\n");
        t.close();
    }

    @Test
    void reconnectAddsDiscontinuityAndCountsItWhenItLeaves() {
        RenditionTimeline t = new RenditionTimeline("x", 2, 2);
        t.beginSession();
        t.addInit(new byte[] {1}, new RenditionInfo("source", "avc1.64001f", 2, 2));
        t.add(seg(t, 2.0));
        t.end();
        t.beginSession();
        t.addInit(new byte[] {2}, new RenditionInfo("source", "avc1.64001f", 2, 2));
        t.add(seg(t, 2.0));
        assertThat(t.playlist()).contains("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init-x-1.mp4\"")
                .doesNotContain("ENDLIST");
        t.add(seg(t, 2.0));
        t.add(seg(t, 2.0));
        assertThat(t.snapshot().discontinuitySequence()).isEqualTo(1);
        assertThat(t.resource("init-x-0.mp4")).isNull(); // no segment needs it any more
        t.close();
    }

    @Test
    void targetDurationGrowsToTheLongestSegment() {
        RenditionTimeline t = new RenditionTimeline("x", 3, 2);
        t.addInit(new byte[] {1}, null);
        t.add(seg(t, 4.4));
        assertThat(t.snapshot().targetDuration()).isEqualTo(4);
        t.add(seg(t, 4.6));
        assertThat(t.snapshot().targetDuration()).isEqualTo(5);
        t.close();
    }

    /** The playlists keep a range past the window by the same rule as state.json (CueMessage). */
    @Test
    void aRangeOutlivesTheWindowOnlyWhileItsProductIsOnScreen() {
        RenditionTimeline t = new RenditionTimeline("x", 2, 2);
        t.addInit(new byte[] {1}, null);
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        t.add(segAt(t, t0));
        CueCarrier carrier = new CueCarrier();
        String[][] cues = {
            {"c1", "{\"id\":\"c1\",\"type\":\"product.show\",\"product\":{\"sku\":\"MUG\"}}"},
            {"c2", "{\"id\":\"c2\",\"type\":\"offer.start\",\"product\":{\"sku\":\"LAMP\"}}"},
            {"c3", "{\"id\":\"c3\",\"type\":\"offer.start\",\"product\":{\"sku\":\"FAN\"}}"},
            {"c4", "{\"id\":\"c4\",\"type\":\"offer.end\",\"product\":{\"sku\":\"FAN\"}}"},
            {"c5", "{\"id\":\"c5\",\"type\":\"product.show\",\"product\":{\"sku\":\"SHORT\"},\"durationMs\":3000}"},
            {"c6", "{\"id\":\"c6\",\"type\":\"custom\",\"data\":{\"poll\":1}}"}};
        for (int i = 0; i < cues.length; i++) {
            io.cuecast.core.cue.CueMessage m = io.cuecast.core.cue.CueMessage.parse(cues[i][1]).orElseThrow();
            t.addDateRange(carrier.carry(m, i * 9000L, 90_000, t0.plusMillis(100L * i)).dateRange());
        }
        for (int i = 1; i <= 4; i++) {
            t.add(segAt(t, t0.plusSeconds(2L * i)));
        }
        // The window is 10:00:06 to 10:00:10: every range started before it.
        assertThat(t.snapshot().dateRanges()).extracting(io.cuecast.hls.cue.DateRange::id).containsExactly("c1", "c2");
        t.close();
    }

    /** Review M9: every range starting in the window was listed, without bound. */
    @Test
    void aPlaylistListsAtMostTheNewestRanges() {
        RenditionTimeline t = new RenditionTimeline("x", 6, 2);
        t.addInit(new byte[] {1}, null);
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        t.add(segAt(t, t0));
        CueCarrier carrier = new CueCarrier();
        int n = DateRangeWindow.MAX_RANGES + 100;
        for (int i = 0; i < n; i++) {
            io.cuecast.core.cue.CueMessage m = io.cuecast.core.cue.CueMessage.parse(
                    "{\"id\":\"c" + i + "\",\"type\":\"custom\",\"data\":{\"n\":" + i + "}}").orElseThrow();
            t.addDateRange(carrier.carry(m, i * 900L, 90_000, t0.plusMillis(10L * i)).dateRange());
        }
        t.add(segAt(t, t0.plusSeconds(2)));
        assertThat(t.snapshot().dateRanges()).hasSize(DateRangeWindow.MAX_RANGES)
                .extracting(io.cuecast.hls.cue.DateRange::id).endsWith("c" + (n - 1)).doesNotContain("c0");
        t.close();
    }

    /**
     * Found by scripts/bench/edge: a reader rendering the previous snapshot's text stored it after a
     * newer snapshot was published, so every later reader got the stale playlist (a blocking request
     * for a part was answered without it, and caches kept that answer). The text must always be the
     * current snapshot's.
     */
    @Test
    void thePlaylistTextIsNeverOlderThanTheSnapshot() throws Exception {
        RenditionTimeline t = new RenditionTimeline("x", 6, 2);
        t.partTarget(0.2);
        t.addInit(new byte[] {1}, null);
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<Thread> readers = new java.util.ArrayList<>();
        for (int r = 0; r < 3; r++) {
            Thread reader = new Thread(() -> {
                while (running.get()) {
                    t.playlist();
                }
            });
            reader.start();
            readers.add(reader);
        }
        int stale = 0;
        try {
            for (int i = 0; i < 20_000; i++) {
                t.addPart(Unpooled.directBuffer(1).writeByte(i), 0.2, i % 10 == 0);
                String hint = t.snapshot().nextPartName();
                if (!t.playlist().contains("URI=\"" + hint + "\"")) {
                    stale++;
                }
                if (i % 10 == 9) {
                    t.completeSegment(2.0, Instant.parse("2026-12-01T10:00:00Z").plusSeconds(i / 5), t.currentInit(), 60);
                }
            }
        } finally {
            running.set(false);
            for (Thread reader : readers) {
                reader.join();
            }
            t.close();
        }
        assertThat(stale).as("playlists older than their snapshot").isZero();
    }

    private static MediaSegment segAt(RenditionTimeline t, Instant pdt) {
        return new MediaSegment(t.nextSequence(), t.nextSegmentName(), 2.0, pdt, false, t.currentInit(), 60,
                Unpooled.directBuffer(1).writeByte((int) t.nextSequence()));
    }
}
