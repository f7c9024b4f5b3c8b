package io.cuecast.control.cues;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A cue as the API shows it.
 *
 * @param id cue id
 * @param streamId its stream
 * @param type type wire name
 * @param status status wire name
 * @param at requested instant, null for "now"
 * @param pts media time it was placed at (ms), null until placed
 * @param programDateTime the stream's wall-clock time of that instant, null until placed
 * @param createdAt when it was accepted
 * @param idempotencyKey the client's retry key (omitted when none)
 * @param cue the cue as it travels in the stream
 */
public record CueView(String id, String streamId, String type, String status, String at, Long pts,
                      String programDateTime, String createdAt,
                      @JsonInclude(JsonInclude.Include.NON_NULL) String idempotencyKey, JsonNode cue) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The view of a logged cue. */
    public static CueView of(Cue c) {
        JsonNode cue;
        try {
            cue = JSON.readTree(c.payload());
        } catch (JsonProcessingException e) {
            cue = TextNode.valueOf(c.payload()); // a row written by hand: shown as it is
        }
        return new CueView(c.id(), c.streamId(), c.type().wire(), c.status().wire(),
                c.at() == null ? null : c.at().toString(), c.ptsMs(),
                c.programDateTime() == null ? null : c.programDateTime().toString(), c.createdAt().toString(),
                c.idempotencyKey(), cue);
    }
}
