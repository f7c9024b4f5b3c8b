package io.cuecast.http;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every refusal of the one JSON body reader is a 400 (or 415) whose message names the field. */
class JsonBodyTest {
    record Item(String sku, Integer stock) {}

    record Body(String name, Item item, List<Item> items) {}

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
        "''                               | invalid_json   | request body is empty",
        "'{\"name\":'                     | invalid_json   | not valid JSON",
        "'{} {}'                          | invalid_json   | not valid JSON",
        "'{\"nmae\":\"x\"}'               | unknown_field  | unknown field 'nmae'",
        "'{\"item\":{\"sku\":\"a\",\"size\":1}}' | unknown_field | unknown field 'item.size'",
        "'{\"name\":[1]}'                 | invalid_field  | 'name' has the wrong type",
        "'{\"item\":{\"stock\":\"many\"}}' | invalid_field | 'item.stock' has the wrong type",
        "'{\"items\":[{\"stock\":1},{\"stock\":\"x\"}]}' | invalid_field | 'items[1].stock' has the wrong type"})
    void refusesNamingTheField(String json, String code, String message) {
        assertThatThrownBy(() -> JsonBody.read(json.getBytes(StandardCharsets.UTF_8), Body.class))
                .isInstanceOfSatisfying(HttpError.class, e -> {
                    assertThat(e.status().code()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(message);
                });
    }

    @ParameterizedTest
    @CsvSource({"text/plain", "application/x-www-form-urlencoded"})
    void anotherContentTypeIs415(String type) {
        DefaultHttpHeaders h = new DefaultHttpHeaders();
        h.set(HttpHeaderNames.CONTENT_TYPE, type);
        Request r = Request.of(HttpMethod.POST, "/x", h, "{}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> JsonBody.read(r, Body.class, false))
                .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.status().code()).isEqualTo(415));
    }
}
