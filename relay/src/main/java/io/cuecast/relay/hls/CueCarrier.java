package io.cuecast.relay.hls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cuecast.core.media.Bytes;
import io.cuecast.relay.cue.DateRange;
import io.cuecast.relay.cue.Emsg;
import io.cuecast.relay.cue.Id3;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns one cue (compact JSON on the stream's data track) into its two HLS carriers: an ID3v2.4
 * TXXX frame (description {@code cuecast}) inside an emsg v1 box, and an EXT-X-DATERANGE with CLASS
 * {@code io.cuecast.product} and X- attributes.
 */
final class CueCarrier {
    /** The data track scheme that carries cues. */
    static final String SCHEME = "cuecast-cue";
    static final String DATERANGE_CLASS = "io.cuecast.product";
    static final String ID3_DESCRIPTION = "cuecast";
    private static final ObjectMapper JSON = new ObjectMapper();
    private long nextEventId = 1;

    /** What a cue becomes in the segment and in the playlist. */
    record Carried(byte[] emsg, DateRange dateRange) {}

    /**
     * @param pts presentation time on the timeline of the fragments (same clock as tfdt)
     * @param wall the same moment on the EXT-X-PROGRAM-DATE-TIME clock
     * @return null when the payload is not a cue object with an id and a type
     */
    Carried carry(Bytes payload, long pts, long timescale, Instant wall) {
        String json = new String(payload.unsafeArray(), 0, payload.length(), StandardCharsets.UTF_8);
        JsonNode cue;
        try {
            cue = JSON.readTree(json);
        } catch (java.io.IOException e) {
            return null;
        }
        if (cue == null || !cue.isObject() || !cue.path("id").isTextual() || !cue.path("type").isTextual()) {
            return null;
        }
        String id = cue.get("id").asText();
        String type = cue.get("type").asText();
        String sku = cue.path("product").path("sku").isTextual() ? cue.path("product").get("sku").asText() : null;
        long durationMs = cue.path("durationMs").isNumber() ? cue.get("durationMs").asLong() : -1;
        long duration = durationMs < 0 ? 0xFFFFFFFFL : Math.min(0xFFFFFFFEL, durationMs * timescale / 1000);
        byte[] emsg = Emsg.v1(timescale, pts, duration, nextEventId++, Emsg.ID3_SCHEME, "",
                Id3.txxx(ID3_DESCRIPTION, json));
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("X-CUE-ID", id);
        attributes.put("X-CUE-TYPE", type);
        if (sku != null) {
            attributes.put("X-SKU", sku);
        }
        attributes.put("X-PAYLOAD", Base64.getUrlEncoder().withoutPadding()
                .encodeToString(json.getBytes(StandardCharsets.UTF_8)));
        DateRange range = new DateRange(id, DATERANGE_CLASS, wall, durationMs < 0 ? -1 : durationMs / 1000.0,
                attributes, sku, type);
        return new Carried(emsg, range);
    }
}
