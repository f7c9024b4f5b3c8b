package io.cuecast.core.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.DataConfig;
import io.cuecast.core.media.MediaKind;
import io.cuecast.core.media.Packet;
import io.cuecast.core.media.Track;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamHubTest {
    private static final Track VIDEO = new Track(1, MediaKind.VIDEO, 1000, new DataConfig("test-video"));
    private static final Track AUDIO = new Track(2, MediaKind.AUDIO, 1000, new DataConfig("test-audio"));
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Records every callback; optionally blocks until released to play a slow reader. */
    static final class Recorder implements StreamReader {
        final List<Object> events = new ArrayList<>();
        final CountDownLatch ended = new CountDownLatch(1);
        volatile CountDownLatch gate;

        @Override
        public synchronized void onTracks(List<Track> tracks) {
            events.add(tracks);
        }

        @Override
        public void onPacket(Packet packet) {
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (this) {
                events.add(packet);
            }
        }

        @Override
        public void onEnd() {
            synchronized (this) {
                events.add("end");
            }
            ended.countDown();
        }

        synchronized List<Packet> packets() {
            return events.stream().filter(Packet.class::isInstance).map(Packet.class::cast).toList();
        }
    }

    static Packet video(long t, boolean key) {
        return new Packet(1, t, t, key, Bytes.wrap(new byte[] {(byte) t}));
    }

    static Packet audio(long t) {
        return new Packet(2, t, t, true, Bytes.wrap(new byte[] {(byte) t}));
    }

    @Test
    void deliversTracksThenPacketsInOrderThenEnd() throws Exception {
        StreamHub hub = new StreamHub("s1");
        Recorder r = new Recorder();
        hub.attach("r", r, pool, 100);
        hub.publish(video(0, true)); // before prepare: ignored
        hub.prepare(List.of(VIDEO, AUDIO));
        hub.publish(video(33, true));
        hub.publish(audio(40));
        hub.publish(video(66, false));
        hub.end();
        assertThat(r.ended.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(r.events).containsExactly(List.of(VIDEO, AUDIO), video(33, true), audio(40), video(66, false), "end");
        assertThat(hub.state()).isEqualTo(StreamState.DELETED);
    }

    @Test
    void lateReaderStartsAtNextKeyframe() throws Exception {
        StreamHub hub = new StreamHub("s1");
        hub.prepare(List.of(VIDEO, AUDIO));
        hub.publish(video(0, true));
        Recorder late = new Recorder();
        hub.attach("late", late, pool, 100);
        hub.publish(video(33, false));
        hub.publish(audio(40));
        hub.publish(video(66, true));
        hub.publish(audio(70));
        hub.end();
        assertThat(late.ended.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(late.events.get(0)).isEqualTo(List.of(VIDEO, AUDIO));
        assertThat(late.packets()).containsExactly(video(66, true), audio(70));
    }

    @Test
    void slowReaderDropsAndCountsWithoutStallingOthers() throws Exception {
        StreamHub hub = new StreamHub("s1");
        Recorder slow = new Recorder();
        slow.gate = new CountDownLatch(1);
        Recorder fast = new Recorder();
        ReaderHandle slowHandle = hub.attach("slow", slow, pool, 4);
        hub.attach("fast", fast, pool, 1000);
        hub.prepare(List.of(VIDEO));
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            hub.publish(video(i * 33L, i % 30 == 0));
        }
        long publishMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(publishMillis).as("publisher never waits for the slow reader").isLessThan(1000);
        slow.gate.countDown();
        hub.end();
        assertThat(fast.ended.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(slow.ended.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(fast.packets()).hasSize(100);
        assertThat(slowHandle.dropped()).isGreaterThan(0);
        // After a drop the slow reader only resumes on a keyframe: every run starts with one.
        List<Packet> got = slow.packets();
        for (int i = 1; i < got.size(); i++) {
            long gap = got.get(i).dts() - got.get(i - 1).dts();
            if (gap != 33) {
                assertThat(got.get(i).keyframe()).as("resumed at %d", got.get(i).dts()).isTrue();
            }
        }
    }

    @Test
    void lifecycleIsEnforced() {
        StreamHub hub = new StreamHub("s1");
        assertThatThrownBy(() -> hub.update(List.of(VIDEO))).isInstanceOf(IllegalStateException.class);
        hub.prepare(List.of(VIDEO));
        assertThatThrownBy(() -> hub.prepare(List.of(VIDEO))).isInstanceOf(IllegalStateException.class);
        hub.update(List.of(VIDEO, AUDIO));
        assertThat(hub.state()).isEqualTo(StreamState.UPDATED);
        hub.end();
        hub.end();
        assertThat(hub.state()).isEqualTo(StreamState.DELETED);
    }

    @Test
    void registryAllowsOnePublisherPerStream() {
        HubRegistry registry = new HubRegistry();
        List<String> created = new ArrayList<>();
        registry.onHubCreated(h -> created.add(h.streamId()));
        StreamHub first = registry.claim("a", Publisher.inProcess("test")).orElseThrow();
        assertThat(registry.claim("a", Publisher.inProcess("test"))).isEmpty();
        registry.release(first);
        assertThat(registry.claim("a", Publisher.inProcess("test"))).isPresent();
        assertThat(created).containsExactly("a", "a");
    }

    @Test
    void readerThatThrowsIsDetachedAlone() throws Exception {
        StreamHub hub = new StreamHub("s1");
        StreamReader broken = new StreamReader() {
            @Override
            public void onTracks(List<Track> tracks) {
            }

            @Override
            public void onPacket(Packet packet) {
                throw new IllegalStateException("boom");
            }

            @Override
            public void onEnd() {
            }
        };
        hub.attach("broken", broken, pool, 10);
        Recorder ok = new Recorder();
        hub.attach("ok", ok, pool, 10);
        hub.prepare(List.of(VIDEO));
        hub.publish(video(0, true));
        hub.publish(video(33, false));
        hub.end();
        assertThat(ok.ended.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ok.packets()).hasSize(2);
    }

    /** Review M5: a queue bounded in events held 1024 frames of up to 8 MiB each. */
    @Test
    void aStalledReaderHoldsAtMostItsByteBudgetOfBigFrames() {
        StreamHub hub = new StreamHub("s1");
        List<Runnable> neverRun = new java.util.ArrayList<>();
        ReaderHandle stalled = hub.attach("stalled", new Recorder(), neverRun::add, 1024);
        hub.prepare(List.of(VIDEO));
        io.cuecast.core.media.Bytes frame = io.cuecast.core.media.Bytes.wrap(new byte[1024 * 1024]);
        for (int i = 0; i < 100; i++) {
            hub.publish(new Packet(1, i * 33L, i * 33L, true, frame));
        }
        assertThat(stalled.queuedBytes()).isLessThanOrEqualTo(ReaderHandle.MAX_QUEUED_BYTES);
        assertThat(stalled.dropped()).isEqualTo(100 - ReaderHandle.MAX_QUEUED_BYTES / frame.length());
    }

    /** Review L3: an Error thrown by a reader left its drain flag set and the reader stalled. */
    @Test
    void aReaderThatThrowsAnErrorIsDetachedNotStalled() {
        StreamHub hub = new StreamHub("s1");
        Recorder other = new Recorder();
        ReaderHandle broken = hub.attach("broken", new StreamReader() {
            @Override
            public void onTracks(List<Track> tracks) {
                throw new StackOverflowError("deep");
            }

            @Override
            public void onPacket(Packet p) {
            }

            @Override
            public void onEnd() {
            }
        }, Runnable::run, 100);
        hub.attach("other", other, Runnable::run, 100);
        hub.prepare(List.of(VIDEO));
        hub.publish(video(0, true));
        assertThat(hub.readers()).doesNotContain(broken);
        assertThat(other.packets()).hasSize(1);
    }
}
