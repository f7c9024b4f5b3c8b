package io.cuecast.control.cues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cuecast.control.ControlException;
import io.cuecast.control.store.SqliteStreamStore;
import io.cuecast.control.store.StreamRecord;
import io.cuecast.core.cue.CueMessage;
import io.cuecast.core.cue.CueTrack;
import io.cuecast.core.hub.HubRegistry;
import io.cuecast.core.hub.Publisher;
import io.cuecast.core.hub.StreamHub;
import io.cuecast.core.hub.StreamReader;
import io.cuecast.core.media.Bytes;
import io.cuecast.core.media.DataConfig;
import io.cuecast.core.media.MediaKind;
import io.cuecast.core.media.Packet;
import io.cuecast.core.media.Track;
import io.cuecast.core.testing.ManualClock;
import io.cuecast.core.testing.ManualScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cue scheduling, idempotency, cancel, rate limiting and the on-screen state, on a manual clock and
 * scheduler: no sockets, no sleeps. The log is a real SQLite file in a temporary directory.
 */
class CueServiceTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Track VIDEO = new Track(1, MediaKind.VIDEO, 1000, new DataConfig("test-video"));
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(T0);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final HubRegistry hubs = new HubRegistry(clock);
    private final List<Packet> onAir = new ArrayList<>();
    private SqliteStreamStore streams;
    private CueService cues;

    @BeforeEach
    void setUp() {
        streams = new SqliteStreamStore(dir);
        streams.insert(new StreamRecord("s", "s", "key", T0));
        cues = new CueService(new SqliteCueStore(streams), id -> streams.get(id).isPresent(), hubs, scheduler, Runnable::run,
                clock, 20, 3_600_000L);
    }

    @AfterEach
    void tearDown() {
        streams.close();
    }

    /** Goes live: the first video frame at media time 0 is "now" on the manual clock. */
    private StreamHub goLive() {
        StreamHub hub = hubs.claim("s", Publisher.inProcess("test")).orElseThrow();
        hub.attach("on-air", new StreamReader() {
            @Override
            public void onTracks(List<Track> tracks) {
            }

            @Override
            public void onPacket(Packet p) {
                if (p.trackId() == CueTrack.ID) {
                    onAir.add(p);
                }
            }

            @Override
            public void onEnd() {
            }
        }, Runnable::run, 100);
        hub.prepare(List.of(VIDEO, CueTrack.track()));
        hub.publish(new Packet(1, 0, 0, true, Bytes.ofHex("00")));
        return hub;
    }

    private static CueRequest request(String json) throws Exception {
        return JSON.readValue(json, CueRequest.class);
    }

    private static CueRequest show(String sku, Long durationMs, String at, String key) throws Exception {
        return new CueRequest("product.show", new CueRequest.Product(sku, "Mug", "19.90", "EUR", null, null, null, null),
                null, at, durationMs, key);
    }

    @Test
    void aCueGoesOnAirAtTheLiveEdgeDatedByTheHubsClock() throws Exception {
        StreamHub hub = goLive();
        clock.advance(Duration.ofMillis(4000));
        hub.publish(new Packet(1, 4000, 4000, false, Bytes.ofHex("00")));
        Cue cue = cues.create("s", show("MUG-1", 60_000L, null, null));
        assertThat(cue.status()).isEqualTo(CueStatus.PLACED);
        assertThat(cue.ptsMs()).isEqualTo(4000);
        // The instant the playlists' DATERANGE START-DATE shows: the hub's anchor plus media time.
        assertThat(cue.programDateTime()).isEqualTo(T0.plusMillis(4000));
        assertThat(onAir).singleElement().satisfies(p -> {
            assertThat(p.pts()).isEqualTo(4000);
            CueMessage m = CueMessage.parse(p.payload().unsafeArray(), 0, p.payload().length()).orElseThrow();
            assertThat(m.id()).isEqualTo(cue.id());
            assertThat(m.sku()).isEqualTo("MUG-1");
        });
    }

    @Test
    void aCueForNowNeedsALiveStreamAndAnUnknownStreamIsNotFound() throws Exception {
        assertThatThrownBy(() -> cues.create("s", show("MUG-1", null, null, null)))
                .isInstanceOfSatisfying(ControlException.Conflict.class, e -> assertThat(e.code()).isEqualTo("stream_not_live"));
        assertThatThrownBy(() -> cues.create("nope", show("MUG-1", null, null, null)))
                .isInstanceOfSatisfying(ControlException.NotFound.class, e -> assertThat(e.code()).isEqualTo("stream_not_found"));
        assertThat(cues.list("s")).isEmpty();
    }

    @Test
    void aScheduledCueGoesOnAirAtItsInstantOrIsMissed() throws Exception {
        goLive();
        Cue later = cues.create("s", show("MUG-1", null, T0.plusSeconds(10).toString(), null));
        Cue never = cues.create("s", show("MUG-2", null, T0.plusSeconds(20).toString(), null));
        assertThat(later.status()).isEqualTo(CueStatus.SCHEDULED);
        scheduler.advance(Duration.ofMillis(9999));
        assertThat(onAir).isEmpty();
        scheduler.advance(Duration.ofMillis(1));
        assertThat(onAir).hasSize(1);
        assertThat(cues.list("s").get(0).status()).isEqualTo(CueStatus.PLACED);
        hubs.release(hubs.get("s").orElseThrow());
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(cues.list("s")).extracting(Cue::id, Cue::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(later.id(), CueStatus.PLACED),
                        org.assertj.core.groups.Tuple.tuple(never.id(), CueStatus.MISSED));
    }

    @Test
    void cancelStopsAScheduledCueAndRefusesAPlacedOne() throws Exception {
        goLive();
        Cue later = cues.create("s", show("MUG-1", null, T0.plusSeconds(10).toString(), null));
        Cue now = cues.create("s", show("MUG-2", null, null, null));
        assertThat(cues.cancel("s", later.id()).status()).isEqualTo(CueStatus.CANCELLED);
        assertThat(scheduler.pending()).isZero();
        scheduler.advance(Duration.ofSeconds(30));
        assertThat(onAir).hasSize(1);
        assertThatThrownBy(() -> cues.cancel("s", now.id()))
                .isInstanceOfSatisfying(ControlException.Conflict.class,
                        e -> assertThat(e.code()).isEqualTo("cue_already_placed"));
        assertThatThrownBy(() -> cues.cancel("s", "cue_nope")).isInstanceOf(ControlException.NotFound.class);
    }

    @Test
    void aRetriedPostWithTheSameKeyIsTheFirstCue() throws Exception {
        goLive();
        Cue first = cues.create("s", show("MUG-1", null, null, "retry-1"));
        Cue again = cues.create("s", show("MUG-1", null, null, "retry-1"));
        assertThat(again).isEqualTo(first);
        assertThat(cues.list("s")).hasSize(1);
        assertThat(onAir).hasSize(1);
    }

    @Test
    void moreThanTheRateIsRefusedUntilTimePasses() throws Exception {
        goLive();
        for (int i = 0; i < 20; i++) {
            cues.create("s", show("MUG-" + i, null, null, null));
        }
        assertThatThrownBy(() -> cues.create("s", show("MUG-X", null, null, null)))
                .isInstanceOfSatisfying(ControlException.RateLimited.class,
                        e -> assertThat(e.retryAfterSeconds()).isEqualTo(1));
        clock.advance(Duration.ofMillis(50)); // one token back at 20 a second
        assertThat(cues.create("s", show("MUG-X", null, null, null)).status()).isEqualTo(CueStatus.PLACED);
        assertThat(cues.list("s")).hasSize(21);
    }

    @Test
    void aWrongFieldIsNamed() throws Exception {
        goLive();
        assertThatThrownBy(() -> cues.create("s", request(
                "{\"type\":\"product.show\",\"product\":{\"sku\":\"A\",\"title\":\"T\",\"price\":\"cheap\",\"currency\":\"EUR\"}}")))
                .isInstanceOfSatisfying(ControlException.Invalid.class, e -> {
                    assertThat(e.field()).isEqualTo("product.price");
                    assertThat(e.getMessage()).startsWith("'product.price' must be a decimal string");
                });
        assertThatThrownBy(() -> cues.create("s", show("MUG-1", null, T0.minusSeconds(60).toString(), null)))
                .isInstanceOfSatisfying(ControlException.Invalid.class, e -> assertThat(e.field()).isEqualTo("at"));
        assertThat(cues.list("s")).isEmpty();
    }

    @Test
    void theStateShowsWhatTheOneOnScreenRuleKeeps() throws Exception {
        goLive();
        cues.create("s", show("MUG", null, null, null));
        cues.create("s", show("SHORT", 5_000L, null, null));
        cues.create("s", request("{\"type\":\"offer.start\",\"product\":{\"sku\":\"LAMP\",\"title\":\"Lamp\","
                + "\"price\":\"5.00\",\"currency\":\"EUR\"}}"));
        cues.create("s", request("{\"type\":\"offer.start\",\"product\":{\"sku\":\"FAN\",\"title\":\"Fan\","
                + "\"price\":\"9.00\",\"currency\":\"EUR\"}}"));
        cues.create("s", request("{\"type\":\"offer.end\",\"product\":{\"sku\":\"FAN\",\"title\":\"Fan\",\"price\":\"9.00\",\"currency\":\"EUR\"}}"));
        cues.create("s", request("{\"type\":\"custom\",\"data\":{\"poll\":1}}"));
        assertThat(skus(cues.activeState("s"))).containsExactly("MUG", "SHORT", "LAMP");
        clock.advance(Duration.ofSeconds(5));
        assertThat(skus(cues.activeState("s"))).as("SHORT's 5 s ran out").containsExactly("MUG", "LAMP");
        cues.create("s", request("{\"type\":\"product.hide\",\"product\":{\"sku\":\"MUG\"}}"));
        CueService.PublicState state = cues.activeState("s");
        assertThat(skus(state)).containsExactly("LAMP");
        assertThat(state.live()).isTrue();
    }

    private static List<String> skus(CueService.PublicState state) {
        return state.products().stream().map(p -> p.path("product").path("sku").asText()).toList();
    }

    @Test
    void aRestartReArmsScheduledCues() throws Exception {
        goLive();
        Cue later = cues.create("s", show("MUG-1", null, T0.plusSeconds(10).toString(), null));
        ManualScheduler afterRestart = new ManualScheduler(clock);
        CueService restarted = new CueService(new SqliteCueStore(streams), id -> true, hubs, afterRestart, Runnable::run,
                clock, 20, 3_600_000L);
        restarted.rearm();
        afterRestart.advance(Duration.ofSeconds(10));
        JsonNode placed = CueView.of(restarted.list("s").get(0)).cue();
        assertThat(restarted.list("s").get(0).status()).isEqualTo(CueStatus.PLACED);
        assertThat(placed.get("id").asText()).isEqualTo(later.id());
    }

    /** Review M2: 50 clients retrying at once with one idempotency key make one cue, with one answer. */
    @Test
    void fiftyConcurrentPostsWithOneKeyMakeOneCueAndOneAnswer() throws Exception {
        goLive();
        int n = 50;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Cue>> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(pool.submit(() -> {
                go.await();
                return cues.create("s", show("MUG-1", null, null, "same-key"));
            }));
        }
        go.countDown();
        List<Cue> results = new ArrayList<>();
        for (java.util.concurrent.Future<Cue> f : answers) {
            results.add(f.get(30, java.util.concurrent.TimeUnit.SECONDS)); // an exception here is a 500 or a 429
        }
        pool.shutdown();
        assertThat(results).allSatisfy(c -> assertThat(c).isEqualTo(results.get(0)));
        assertThat(cues.list("s")).hasSize(1);
        assertThat(onAir).as("cues on air").hasSize(1);
    }

    /** Review M2: a cue the log refuses (disk full, busy) must not be on air. */
    @Test
    void aCueThatCannotBeStoredNeverGoesOnAir() throws Exception {
        CueStore real = new SqliteCueStore(streams);
        CueStore failing = new CueStoreProxy(real) {
            @Override
            public Optional<Cue> insert(Cue c) {
                throw new io.cuecast.control.store.StoreException("disk full", null);
            }
        };
        cues = new CueService(failing, id -> true, hubs, scheduler, Runnable::run, clock, 20, 3_600_000L);
        goLive();
        assertThatThrownBy(() -> cues.create("s", show("MUG-1", null, null, null)))
                .isInstanceOf(io.cuecast.control.store.StoreException.class);
        assertThat(onAir).isEmpty();
        assertThat(cues.activeState("s").products()).isEmpty();
    }

    /** Review H3: the public state is served from memory, however often it is asked for. */
    @Test
    void theStateIsServedFromMemory() throws Exception {
        int[] reads = {0};
        CueStore counting = new CueStoreProxy(new SqliteCueStore(streams)) {
            @Override
            public List<Cue> list(String streamId) {
                reads[0]++;
                return super.list(streamId);
            }

            @Override
            public Optional<Cue> get(String streamId, String cueId) {
                reads[0]++;
                return super.get(streamId, cueId);
            }
        };
        cues = new CueService(counting, id -> true, hubs, scheduler, Runnable::run, clock, 20, 3_600_000L);
        goLive();
        cues.create("s", show("MUG", null, null, null));
        cues.create("s", show("LAMP", null, T0.plusSeconds(1).toString(), null));
        scheduler.advance(Duration.ofSeconds(1));
        reads[0] = 0;
        for (int i = 0; i < 100; i++) {
            assertThat(skus(cues.activeState("s"))).containsExactly("MUG", "LAMP");
        }
        assertThat(reads[0]).as("store reads for 100 state requests").isZero();
    }

    /** Review M1: the scheduler thread drives every packager; a scheduled cue's database work runs elsewhere. */
    @Test
    void aScheduledCueDoesItsDatabaseWorkOffTheSchedulerThread() throws Exception {
        List<String> storeThreads = java.util.Collections.synchronizedList(new ArrayList<>());
        CueStore recording = new CueStoreProxy(new SqliteCueStore(streams)) {
            @Override
            public Optional<Cue> get(String streamId, String cueId) {
                storeThreads.add(Thread.currentThread().getName());
                return super.get(streamId, cueId);
            }

            @Override
            public void update(Cue c) {
                storeThreads.add(Thread.currentThread().getName());
                super.update(c);
            }
        };
        java.util.concurrent.ExecutorService database = java.util.concurrent.Executors.newSingleThreadExecutor(
                r -> new Thread(r, "cue-database"));
        cues = new CueService(recording, id -> true, hubs, scheduler, database, clock, 20, 3_600_000L);
        goLive();
        cues.create("s", show("MUG", null, T0.plusSeconds(10).toString(), null));
        storeThreads.clear();
        scheduler.advance(Duration.ofSeconds(10)); // the scheduler's task runs on this thread
        database.submit(() -> { }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        database.shutdown();
        assertThat(storeThreads).isNotEmpty().allMatch("cue-database"::equals);
        assertThat(onAir).hasSize(1);
    }

    /** Review M9: a product shown without durationMs stayed on screen (and in every playlist) forever. */
    @Test
    void aProductShownWithoutADurationLeavesTheScreenAfterTheMaximum() throws Exception {
        cues = new CueService(new SqliteCueStore(streams), id -> true, hubs, scheduler, Runnable::run, clock, 20,
                60_000L);
        goLive();
        Cue shown = cues.create("s", show("MUG", null, null, null));
        assertThat(CueMessage.parse(shown.payload()).orElseThrow().durationMs()).as("carried in the cue").isEqualTo(60_000L);
        assertThat(CueMessage.parse(onAir.get(0).payload().unsafeArray(), 0, onAir.get(0).payload().length())
                .orElseThrow().durationMs()).isEqualTo(60_000L);
        clock.advance(Duration.ofSeconds(59));
        assertThat(skus(cues.activeState("s"))).containsExactly("MUG");
        clock.advance(Duration.ofSeconds(2));
        assertThat(skus(cues.activeState("s"))).isEmpty();
        assertThatThrownBy(() -> cues.create("s", show("LAMP", 60_001L, null, null)))
                .isInstanceOfSatisfying(ControlException.Invalid.class, e -> assertThat(e.field()).isEqualTo("durationMs"));
        // A cue that shows no product keeps no duration.
        Cue custom = cues.create("s", request("{\"type\":\"custom\",\"data\":{\"poll\":1}}"));
        assertThat(CueMessage.parse(custom.payload()).orElseThrow().durationMs()).isNull();
    }
}
