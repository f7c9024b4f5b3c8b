package io.cuecast.core.hub;

import java.util.ArrayList;
import java.util.List;

/**
 * Which renditions of a stream players are offered, in the order a multivariant playlist lists
 * them: {@link #SOURCE} for the stream's own media, rung names (paths {@code {id}/{name}} in the
 * registry) for transcoded ones. Published as one event by whoever decides it (the ladder), read by
 * whoever offers them (HLS), instead of a flag on the source hub.
 *
 * @param streamId the stream
 * @param names offered rendition names
 */
public record OfferedRenditions(String streamId, List<String> names) {
    /** The name of the stream's own (passthrough) rendition. */
    public static final String SOURCE = "source";

    public OfferedRenditions {
        names = List.copyOf(names);
    }

    /** Only the source: the default of every publish session. */
    public static OfferedRenditions sourceOnly(String streamId) {
        return new OfferedRenditions(streamId, List.of(SOURCE));
    }

    /** True when {@code name} is offered. */
    public boolean offers(String name) {
        return names.contains(name);
    }

    /** The same set with {@code name} added at the end (no change when present). */
    public OfferedRenditions with(String name) {
        if (names.contains(name)) {
            return this;
        }
        List<String> n = new ArrayList<>(names);
        n.add(name);
        return new OfferedRenditions(streamId, n);
    }

    /** The same set without {@code name}. */
    public OfferedRenditions without(String name) {
        return new OfferedRenditions(streamId, names.stream().filter(n -> !n.equals(name)).toList());
    }
}
