package io.cuecast.core.cue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CueMessageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private static ObjectNode obj(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    @Test
    void encodesCompactJsonInWireOrderWithoutNullProductMembers() throws Exception {
        CueMessage m = CueMessage.of("cue_1", CueType.PRODUCT_SHOW,
                obj("{\"sku\":\"MUG-1\",\"title\":\"Mug\",\"badge\":null}"), obj("{\"k\":1}"), 60_000L);
        assertThat(m.json()).isEqualTo(
                "{\"id\":\"cue_1\",\"type\":\"product.show\",\"product\":{\"sku\":\"MUG-1\",\"title\":\"Mug\"},"
                        + "\"data\":{\"k\":1},\"durationMs\":60000}");
        assertThat(m.sku()).isEqualTo("MUG-1");
    }

    @Test
    void parsesWhatItEncodesIntoAnEqualMessage() throws Exception {
        CueMessage m = CueMessage.of("cue_2", CueType.OFFER_START, obj("{\"sku\":\"S\"}"), null, null);
        byte[] wire = m.json().getBytes(StandardCharsets.UTF_8);
        CueMessage back = CueMessage.parse(wire, 0, wire.length).orElseThrow();
        assertThat(back).isEqualTo(m);
        assertThat(back.durationMs()).isNull();
        assertThat(back.data()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "42", "null", "{\"id\":1,\"type\":\"product.show\"}",
        "{\"id\":\"c\"}", "{\"id\":\"c\",\"type\":\"product.dance\"}", "{\"id\":\"c\",\"type\":\"custom\"",
        "\u0000\u00ff"})
    void refusesAnythingButACueObject(String text) {
        assertThat(CueMessage.parse(text)).isEmpty();
    }

    /** The one on-screen rule: type, SKU and duration, at an instant. */
    @ParameterizedTest(name = "{0} sku={1} duration={2} at +{3} ms → {4}")
    @CsvSource({
        "product.show,   MUG, ,      999999, true",
        "product.update, MUG, ,      0,      true",
        "offer.start,    MUG, ,      0,      true",
        "product.hide,   MUG, ,      0,      false",
        "offer.end,      MUG, ,      0,      false",
        "custom,         MUG, ,      0,      false",
        "product.show,      , ,      0,      false",
        "offer.start,       , ,      0,      false",
        "product.show,   MUG, 60000, 59999,  true",
        "product.show,   MUG, 60000, 60000,  false",
        "offer.start,    MUG, 1000,  5000,   false"})
    void keepsAProductOnScreen(String type, String sku, Long durationMs, long atMs, boolean onScreen) throws Exception {
        ObjectNode product = sku == null ? null : obj("{\"sku\":\"" + sku + "\"}");
        CueMessage m = CueMessage.of("c", CueType.of(type).orElseThrow(), product, null, durationMs);
        assertThat(m.keepsProductOnScreen(T0, T0.plusMillis(atMs))).isEqualTo(onScreen);
    }

    @Test
    void theCueTrackIsRecognisedByItsScheme() {
        assertThat(CueTrack.is(CueTrack.track())).isTrue();
        assertThat(CueTrack.track().id()).isEqualTo(CueTrack.ID);
        assertThat(CueTrack.track().timescale()).isEqualTo(CueTrack.TIMESCALE);
    }
}
