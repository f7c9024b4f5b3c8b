package io.cuecast.http;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.Executor;

/**
 * Where a {@link StreamingBody} writes: the connection, seen as a few operations so the body's
 * logic runs (and is tested) without a socket. Every method must be called on {@link #executor()}.
 */
public interface BodySink {
    /** The connection's thread. */
    Executor executor();

    /** Runs {@code task} on the connection's thread after {@code delayMs}. */
    void schedule(Runnable task, long delayMs);

    /** Calls {@code task} once, when the connection closes. */
    void onClose(Runnable task);

    /** True while the connection is open. */
    boolean isOpen();

    /** Sends the streamed response's status and headers (chunked); once, before the first chunk. */
    void begin();

    /** Sends one chunk; the sink owns this reference. */
    void chunk(ByteBuf data);

    /** Ends the streamed body. */
    void end();

    /** Closes the connection mid-body, so no cache keeps a truncated answer. */
    void abort();

    /** Answers with a whole response instead (before {@link #begin} only). */
    void respond(Response response);
}
