package io.cuecast.core.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cuecast.core.cue.CueTrack;
import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.DataConfig;
import io.cuecast.core.media.MediaKind;
import io.cuecast.core.media.Packet;
import io.cuecast.core.media.Track;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** The hub's side of every protocol: the publisher it is claimed for, its live edge and wall clock, renditions. */
class PublishContractTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00.123456Z");
    private static final Track VIDEO_90K = new Track(1, MediaKind.VIDEO, 90_000, new DataConfig("test-video"));

    /** A publisher that records what the hub asks of it; its executor queues work to run later. */
    static final class FakePublisher implements Publisher {
        final List<Runnable> queued = new ArrayList<>();
        final List<String> closed = new ArrayList<>();

        @Override
        public Executor executor() {
            return queued::add;
        }

        @Override
        public void close(String reason) {
            closed.add(reason);
        }

        @Override
        public String description() {
            return "fake";
        }

        @Override
        public String remoteAddress() {
            return "/192.0.2.7:50000";
        }
    }

    @Test
    void terminateAsksThePublisherItWasClaimedFor() {
        HubRegistry registry = new HubRegistry();
        FakePublisher p = new FakePublisher();
        StreamHub hub = registry.claim("s", p).orElseThrow();
        hub.terminate("stream deleted");
        assertThat(p.closed).containsExactly("stream deleted");
        assertThat(hub.publisher().remoteAddress()).isEqualTo("/192.0.2.7:50000");
    }

    @Test
    void injectedPacketsRunOnThePublishersThreadInItsOrder() {
        FakePublisher p = new FakePublisher();
        StreamHub hub = new HubRegistry().claim("s", p).orElseThrow();
        List<Packet> seen = new ArrayList<>();
        hub.attach("r", new StreamReader() {
            @Override
            public void onTracks(List<Track> tracks) {
            }

            @Override
            public void onPacket(Packet packet) {
                seen.add(packet);
            }

            @Override
            public void onEnd() {
            }
        }, Runnable::run, 10);
        hub.prepare(List.of(VIDEO_90K, CueTrack.track()));
        hub.inject(new Packet(CueTrack.ID, 5, 5, true, Bytes.ofHex("7b7d")));
        assertThat(seen).as("nothing is published off the publisher's thread").isEmpty();
        p.queued.forEach(Runnable::run);
        assertThat(seen).extracting(Packet::trackId).containsExactly(CueTrack.ID);
    }

    @Test
    void theLiveEdgeIsTheNewestVideoDecodeTimeInMillisecondsWhateverTheTimescale() {
        StreamHub hub = new HubRegistry().claim("s", new FakePublisher()).orElseThrow();
        assertThat(hub.liveEdgeMs()).isEqualTo(-1);
        hub.prepare(List.of(VIDEO_90K, CueTrack.track()));
        hub.publish(new Packet(1, 180_000, 90_000, true, Bytes.ofHex("00")));
        hub.publish(new Packet(1, 360_000, 180_000, false, Bytes.ofHex("00"))); // P: pts 4 s, dts 2 s
        hub.publish(new Packet(1, 270_000, 270_000, false, Bytes.ofHex("00"))); // B: pts 3 s, dts 3 s
        hub.publish(new Packet(CueTrack.ID, 999_999, 999_999, true, Bytes.ofHex("7b7d"))); // not video
        assertThat(hub.liveEdgeMs()).as("the newest decode time, not the largest presentation time")
                .isEqualTo(3000);
    }

    @Test
    void mediaTimeMapsOntoTheRegistrysClockFromTheFirstPacket() {
        StreamHub hub = new HubRegistry(Clock.fixed(T0, ZoneOffset.UTC)).claim("s", new FakePublisher())
                .orElseThrow();
        hub.prepare(List.of(VIDEO_90K));
        assertThat(hub.wallClockAt(0)).isNull();
        hub.publish(new Packet(1, 900_000, 900_000, true, Bytes.ofHex("00"))); // first packet at 10 s
        Instant anchor = T0.truncatedTo(ChronoUnit.MILLIS);
        assertThat(hub.wallClockAt(10_000)).isEqualTo(anchor);
        assertThat(hub.wallClockAt(12_500)).isEqualTo(anchor.plusMillis(2500));
    }

    @Test
    void renditionsAreNamedPathsAndTheOfferIsOneEventPerSession() {
        HubRegistry registry = new HubRegistry();
        StreamHub source = registry.claim("abc", new FakePublisher()).orElseThrow();
        assertThat(registry.offered("abc").names()).containsExactly(OfferedRenditions.SOURCE);
        List<String> announced = new ArrayList<>();
        registry.onRenditionCreated((s, name, r) -> announced.add(name + "@" + r.streamId()));
        StreamHub rung = registry.renditionHub(source, "480p", Publisher.inProcess("ladder 480p"));
        assertThat(registry.get("abc/480p")).as("not findable before it is added").isEmpty();
        registry.addRendition(source, "480p", rung);
        registry.offer(source, registry.offered("abc").with("480p"));
        assertThat(announced).containsExactly("480p@abc/480p");
        assertThat(registry.get("abc/480p")).containsSame(rung);
        assertThat(registry.offered("abc").names()).containsExactly("source", "480p");
        assertThat(registry.size()).as("renditions are not streams").isEqualTo(1);

        registry.release(rung);
        assertThat(registry.get("abc/480p")).isEmpty();
        registry.release(source);
        StreamHub next = registry.claim("abc", new FakePublisher()).orElseThrow();
        registry.offer(source, new OfferedRenditions("abc", List.of("480p")));
        assertThat(registry.offered("abc").names()).as("an old session cannot change the new one's offer")
                .containsExactly("source");
        assertThat(next.state()).isEqualTo(StreamState.CREATED);
    }

    @Test
    void anEndedStreamsOfferIsForgottenWhenItsOutputsGo() {
        HubRegistry registry = new HubRegistry();
        StreamHub hub = registry.claim("abc", new FakePublisher()).orElseThrow();
        registry.offer(hub, new OfferedRenditions("abc", List.of("480p")));
        registry.forget("abc");
        assertThat(registry.offered("abc").names()).as("live: kept").containsExactly("480p");
        registry.release(hub);
        assertThat(registry.offered("abc").names()).as("ended: its playlists still list it").containsExactly("480p");
        registry.forget("abc");
        assertThat(registry.offered("abc").names()).containsExactly("source");
    }

    @Test
    void aStreamIdIsNotAPath() {
        assertThatThrownBy(() -> new HubRegistry().claim("a/b", new FakePublisher()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Review L9: a failing creation listener left the stream registered as live until restart. */
    @Test
    void aFailingCreationListenerLeavesNoLiveStream() {
        HubRegistry registry = new HubRegistry();
        registry.onHubCreated(h -> {
            throw new IllegalStateException("listener broke");
        });
        assertThatThrownBy(() -> registry.takeOver("s", new FakePublisher())).hasMessage("listener broke");
        assertThat(registry.get("s")).isEmpty();
    }

    @Test
    void aTakeOverEndsTheDisplacedSessionAndAsksItsPublisherToClose() {
        HubRegistry registry = new HubRegistry();
        FakePublisher stale = new FakePublisher();
        StreamHub old = registry.takeOver("s", stale);
        StreamHub fresh = registry.takeOver("s", new FakePublisher());
        assertThat(old.state()).isEqualTo(StreamState.DELETED);
        assertThat(stale.closed).singleElement().asString().contains("took over");
        assertThat(registry.get("s")).containsSame(fresh);
        registry.release(old); // the stale connection closing at last
        assertThat(registry.get("s")).containsSame(fresh);
    }
}
