package io.cuecast.hls;

import io.netty.buffer.ByteBuf;

/**
 * Receives a part while it is being written (RFC 8216bis §6.2.6: a preload-hinted part is answered
 * as its bytes are produced). Called under the timeline's lock on the packager's thread: must not
 * block, and should hand the work to its own thread.
 */
public interface PartSink {
    /** The next CMAF chunk of the part; the sink owns this reference and must release it. */
    void chunk(ByteBuf data);

    /**
     * The part is complete ({@code complete}), or will never be (the stream ended or was deleted,
     * or the publisher went away mid-part).
     */
    void done(boolean complete);
}
