package io.cuecast.relay.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.time.Instant;
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
        List<MediaSegment> added = new java.util.ArrayList<>();
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
    }

    @Test
    void targetDurationGrowsToTheLongestSegment() {
        RenditionTimeline t = new RenditionTimeline("x", 3, 2);
        t.addInit(new byte[] {1}, null);
        t.add(seg(t, 4.4));
        assertThat(t.snapshot().targetDuration()).isEqualTo(4);
        t.add(seg(t, 4.6));
        assertThat(t.snapshot().targetDuration()).isEqualTo(5);
    }
}
