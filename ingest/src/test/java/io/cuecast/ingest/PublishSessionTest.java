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

    @Test
    void aLiveStreamRefusesASecondPublisherUntilTheFirstReleases() {
        PublishSession first = PublishSession.open(keys, hubs, "sk_good", Publisher.inProcess("a")).session();
        PublishSession.Outcome second = PublishSession.open(keys, hubs, "sk_good", Publisher.inProcess("b"));
        assertThat(second.refusal()).isEqualTo(PublishSession.Refusal.ALREADY_LIVE);
        assertThat(second.streamId()).isEqualTo("s1");
        first.release();
        first.release(); // idempotent
        assertThat(first.hub().state()).isEqualTo(StreamState.DELETED);
        assertThat(PublishSession.open(keys, hubs, "sk_good", Publisher.inProcess("b")).accepted()).isTrue();
    }
}
