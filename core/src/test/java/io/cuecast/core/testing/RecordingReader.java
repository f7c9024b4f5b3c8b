package io.cuecast.core.testing;

import io.cuecast.core.hub.StreamReader;
import io.cuecast.core.media.Packet;
import io.cuecast.core.media.Track;
import java.util.List;

/**
 * A hub reader for tests that records what it is told, in order, into {@code seen}: the track
 * lists, the packets, and the string {@code "end"}.
 */
public final class RecordingReader implements StreamReader {
    private final List<Object> seen;

    public RecordingReader(List<Object> seen) {
        this.seen = seen;
    }

    @Override
    public void onTracks(List<Track> tracks) {
        seen.add(tracks);
    }

    @Override
    public void onPacket(Packet packet) {
        seen.add(packet);
    }

    @Override
    public void onEnd() {
        seen.add("end");
    }
}
