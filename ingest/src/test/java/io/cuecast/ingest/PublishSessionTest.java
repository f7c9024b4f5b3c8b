package io.cuecast.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuecast.core.hub.HubRegistry;
import io.cuecast.core.hub.Publisher;
import io.cuecast.core.hub.StreamState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The publish sequence every ingest protocol shares: authorize, claim, release. */
class PublishSessionTest {
    private final HubRegistry hubs = new HubRegistry();
    private final PublishAuthorizer keys = key -> "sk_good".equals(key) ? Optional.of("s1") : Optional.empty();

    @Test
    void aGoodKeyClaimsItsStreamForThePublisher() {
        List<String> closed = new ArrayList<>();
        Publisher whip = Publisher.of("whip", "/192.0.2.1:5000", Runnable::run, closed::add);
        PublishSession.Outcome o = PublishSession.open(keys, hubs, "sk_good", whip);
        assertThat(o.accepted()).isTrue();
        assertThat(o.streamId()).isEqualTo("s1");
        assertThat(hubs.get("s1")).containsSame(o.session().hub());
        assertThat(o.session().hub().publisher()).isSameAs(whip);
        o.session().hub().terminate("key revoked");
        assertThat(closed).containsExactly("key revoked");
    }

    @Test
    void aBadOrEmptyKeyIsRefusedWithoutTouchingTheRegistry() {
        for (String key : new String[] {"sk_bad", "", null}) {
            PublishSession.Outcome o = PublishSession.open(keys, hubs, key, Publisher.inProcess("test"));
            assertThat(o.accepted()).isFalse();
            assertThat(o.refusal()).isEqualTo(PublishSession.Refusal.BAD_KEY);
            assertThat(o.streamId()).isNull();
        }
        assertThat(hubs.size()).isZero();
    }

    /**
     * Review M3: a host whose network dropped leaves a session that never closes; its reconnect
     * with the valid key must take the stream over at once, not be refused until the idle timeout.
     */
    @Test
    void aPublishWithTheValidKeyTakesOverALiveStreamAndClosesTheStaleSession() {
        List<String> staleClosed = new ArrayList<>();
        PublishSession stale = PublishSession.open(keys, hubs, "sk_good",
                Publisher.of("rtmp", "/198.51.100.7:50000", Runnable::run, staleClosed::add)).session();
        PublishSession.Outcome fresh = PublishSession.open(keys, hubs, "sk_good",
                Publisher.of("rtmp", "/198.51.100.7:50001", Runnable::run, r -> { }));
        assertThat(fresh.accepted()).isTrue();
        assertThat(hubs.get("s1")).containsSame(fresh.session().hub());
        assertThat(stale.hub().state()).isEqualTo(StreamState.DELETED);
        assertThat(staleClosed).singleElement().asString().contains("took over").contains("/198.51.100.7:50001");
        // The stale session's own release later (its socket finally closing) leaves the new one alone.
        stale.release();
        assertThat(hubs.get("s1")).containsSame(fresh.session().hub());
        assertThat(fresh.session().hub().state()).isNotEqualTo(StreamState.DELETED);
    }

    /**
     * Review M4: the stream is deleted (its key removed) after the key was checked and before the
     * hub became visible; the delete's terminate found no hub. The session must not stay live.
     */
    @Test
    void aStreamDeletedBetweenTheKeyCheckAndTheClaimIsNotLeftLive() {
        int[] calls = {0};
        PublishAuthorizer deletedMeanwhile = key -> ++calls[0] == 1 ? Optional.of("s1") : Optional.empty();
        List<String> closed = new ArrayList<>();
        PublishSession.Outcome o = PublishSession.open(deletedMeanwhile, hubs, "sk_good",
                Publisher.of("rtmp", "/192.0.2.1:1", Runnable::run, closed::add));
        assertThat(o.accepted()).isFalse();
        assertThat(o.refusal()).isEqualTo(PublishSession.Refusal.BAD_KEY);
        assertThat(hubs.get("s1")).isEmpty();
    }

    @Test
    void aReleasedStreamIsFreeForTheNextPublisher() {
        PublishSession first = PublishSession.open(keys, hubs, "sk_good", Publisher.inProcess("a")).session();
        first.release();
        first.release(); // idempotent
        assertThat(first.hub().state()).isEqualTo(StreamState.DELETED);
        assertThat(hubs.get("s1")).isEmpty();
        assertThat(PublishSession.open(keys, hubs, "sk_good", Publisher.inProcess("b")).accepted()).isTrue();
    }
}
