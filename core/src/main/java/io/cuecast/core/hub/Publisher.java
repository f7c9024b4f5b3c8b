package io.cuecast.core.hub;

import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Who feeds a hub: what every ingest protocol (and the ladder, for its renditions) hands the
 * registry when it claims a stream, so the hub can reach it without knowing the protocol.
 */
public interface Publisher {
    /**
     * The publisher's thread: the one thread that calls the hub's publisher methods. Packets placed
     * from outside ({@link StreamHub#inject}, a cue) hop onto it to keep the one ordered sequence.
     */
    Executor executor();

    /** Asks the publisher to stop (the stream was deleted, or its key revoked); idempotent. */
    void close(String reason);

    /** What publishes, for logs and the API: {@code rtmp}, {@code ladder 480p}. */
    String description();

    /** The remote address of the publishing peer, empty for in-process publishers. */
    String remoteAddress();

    /**
     * What the admin API shows of the publisher's transport beyond the stream's own stats (WHIP: the
     * selected candidate pair, loss, NACK and PLI counts); empty when there is nothing more. Called
     * from any thread: a snapshot, possibly a moment old.
     */
    default Map<String, Object> transport() {
        return Map.of();
    }

    /** A publisher from its parts. */
    static Publisher of(String description, String remoteAddress, Executor executor, Consumer<String> close) {
        return new Publisher() {
            @Override
            public Executor executor() {
                return executor;
            }

            @Override
            public void close(String reason) {
                close.accept(reason);
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public String remoteAddress() {
                return remoteAddress;
            }
        };
    }

    /** An in-process publisher whose thread is the caller's and that cannot be asked to stop. */
    static Publisher inProcess(String description) {
        return of(description, "", Runnable::run, reason -> { });
    }
}
