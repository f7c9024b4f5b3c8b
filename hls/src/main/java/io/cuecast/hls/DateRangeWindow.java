package io.cuecast.hls;

import io.cuecast.core.cue.CueMessage;
import io.cuecast.hls.cue.DateRange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The EXT-X-DATERANGE tags a rendition's playlist lists: those starting inside the window, and the
 * latest range of every product still on screen by the one rule of {@link CueMessage} (the rule
 * {@code state.json} applies too). Not thread-safe: its {@link RenditionTimeline} calls it under
 * its own lock.
 */
final class DateRangeWindow {
    /**
     * Ranges one playlist lists at most, the newest kept. Each carries up to about 3 KB of payload and
     * an LL-HLS player reloads the playlist every part: at 20 cues a second a 12 s window would
     * otherwise list 240 of them.
     */
    static final int MAX_RANGES = 64;

    private final List<DateRange> ranges = new ArrayList<>();

    void add(DateRange range) {
        ranges.add(range);
        if (ranges.size() > MAX_RANGES) {
            ranges.remove(0);
        }
    }

    /** Drops ranges that started before {@code start} unless their product is on screen at {@code end}. */
    void prune(Instant start, Instant end) {
        Set<String> laterSeen = new HashSet<>();
        List<DateRange> keep = new ArrayList<>();
        for (int i = ranges.size() - 1; i >= 0; i--) {
            DateRange r = ranges.get(i);
            String sku = r.cue().sku();
            boolean inWindow = !r.startDate().isBefore(start);
            boolean latest = sku != null && laterSeen.add(sku);
            if (inWindow || latest && r.cue().keepsProductOnScreen(r.startDate(), end)) {
                keep.add(r);
            }
        }
        ranges.clear();
        for (int i = keep.size() - 1; i >= 0; i--) {
            ranges.add(keep.get(i)); // back in the order they were added
        }
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** The ranges in the order they were added. */
    List<DateRange> list() {
        return List.copyOf(ranges);
    }
}
