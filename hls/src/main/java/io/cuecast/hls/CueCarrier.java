package io.cuecast.hls;

import io.cuecast.core.cue.CueMessage;
import io.cuecast.hls.cue.DateRange;
import io.cuecast.hls.cue.Emsg;
import io.cuecast.hls.cue.Id3;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns one cue (a {@link CueMessage} from the stream's cue track) into its two HLS carriers: an
 * ID3v2.4 TXXX frame (description {@code cuecast}) inside an emsg v1 box, and an EXT-X-DATERANGE
 * with CLASS {@code io.cuecast.product} and X- attributes. One per rendition (event ids count per
 * rendition); the cue itself is parsed once per stream ({@link CueParseCache}).
 */
final class CueCarrier {
    static final String DATERANGE_CLASS = "io.cuecast.product";
    static final String ID3_DESCRIPTION = "cuecast";
    private long nextEventId = 1;

    /** What a cue becomes in the segment and in the playlist. */
    record Carried(byte[] emsg, DateRange dateRange) {}

    /**
     * @param pts presentation time on the timeline of the fragments (same clock as tfdt)
     * @param timescale ticks per second of {@code pts}
     * @param wall the same moment on the EXT-X-PROGRAM-DATE-TIME clock
     */
    Carried carry(CueMessage cue, long pts, long timescale, Instant wall) {
        String json = cue.json();
        Long durationMs = cue.durationMs();
        long duration = durationMs == null ? 0xFFFFFFFFL : Math.min(0xFFFFFFFEL, durationMs * timescale / 1000);
        byte[] emsg = Emsg.v1(timescale, pts, duration, nextEventId++, Emsg.ID3_SCHEME, "",
                Id3.txxx(ID3_DESCRIPTION, json));
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("X-CUE-ID", cue.id());
        attributes.put("X-CUE-TYPE", cue.type().wire());
        if (cue.sku() != null) {
            attributes.put("X-SKU", cue.sku());
        }
        attributes.put("X-PAYLOAD", Base64.getUrlEncoder().withoutPadding()
                .encodeToString(json.getBytes(StandardCharsets.UTF_8)));
        DateRange range = new DateRange(cue.id(), DATERANGE_CLASS, wall, durationMs == null ? -1 : durationMs / 1000.0,
                attributes, cue);
        return new Carried(emsg, range);
    }
}
