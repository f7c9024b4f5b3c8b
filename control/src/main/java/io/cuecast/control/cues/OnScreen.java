package io.cuecast.control.cues;

import com.fasterxml.jackson.databind.JsonNode;
import io.cuecast.core.cue.CueMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One stream's latest placed cue per product, kept in memory as cues go on air, so the public
 * {@code state.json} never reads the cue log. Bounded: a stream remembers at most {@link #MAX_PRODUCTS}
 * products, the least recently cued going first. Thread-safe.
 */
final class OnScreen {
    /** Products remembered per stream; far more than a show keeps on screen at once. */
    static final int MAX_PRODUCTS = 256;

    private record Entry(CueMessage message, Instant start) {}

    /** By SKU, least recently cued first. */
    private final LinkedHashMap<String, Entry> latest = new LinkedHashMap<>();

    /** Records a cue that went on air at {@code start}; cues without a product change nothing. */
    synchronized void placed(CueMessage m, Instant start) {
        if (m.sku() == null) {
            return;
        }
        latest.remove(m.sku()); // a product cued again moves to the end
        latest.put(m.sku(), new Entry(m, start));
        if (latest.size() > MAX_PRODUCTS) {
            Iterator<Map.Entry<String, Entry>> oldest = latest.entrySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** The cues keeping a product on screen at {@code now}, in the order they were cued. */
    synchronized List<JsonNode> at(Instant now) {
        List<JsonNode> products = new ArrayList<>();
        for (Entry e : latest.values()) {
            if (e.message().keepsProductOnScreen(e.start(), now)) {
                products.add(e.message().tree());
            }
        }
        return products;
    }
}
