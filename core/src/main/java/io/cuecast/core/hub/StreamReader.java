package io.cuecast.core.hub;

import io.cuecast.core.media.Packet;
import io.cuecast.core.media.Track;
import java.util.List;

/**
 * A consumer of one live stream. Every callback of one reader runs on that reader's executor, one
 * at a time and in publish order, so implementations need no locking of their own.
 */
public interface StreamReader {
    /** The stream's tracks became known (prepared) or changed (updated). */
    void onTracks(List<Track> tracks);

    /** One packet, in decode order per track. */
    void onPacket(Packet packet);

    /** The publisher left; no more callbacks follow. */
    void onEnd();
}
