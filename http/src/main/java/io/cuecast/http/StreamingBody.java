package io.cuecast.http;

/** A response body written while it is produced (an LL-HLS hinted part). */
@FunctionalInterface
public interface StreamingBody {
    /** Starts writing into {@code sink}, on the sink's thread. */
    void start(BodySink sink);
}
