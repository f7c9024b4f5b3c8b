package io.cuecast.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one JSON body reader: strict (unknown fields and trailing tokens refused) and every refusal a
 * 400 that names the field, or a 415 for another content type.
 */
public final class JsonBody {
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonBody() {
    }

    /** 415 unless the request has no Content-Type or a JSON one. */
    public static void requireJson(Request request) {
        String ct = request.header(HttpHeaderNames.CONTENT_TYPE);
        if (ct != null && !ct.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new HttpError(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                    "request body must be application/json, got '" + ct + "'");
        }
    }

    /** The body as {@code type}; null when the body is empty and {@code optional}. */
    public static <T> T read(Request request, Class<T> type, boolean optional) {
        if (request.body().length == 0) {
            if (optional) {
                return null;
            }
            throw new HttpError(HttpResponseStatus.BAD_REQUEST, "invalid_json", "request body is empty");
        }
        requireJson(request);
        return read(request.body(), type);
    }

    /** {@code body} as {@code type}, every problem a 400 naming the field. */
    public static <T> T read(byte[] body, Class<T> type) {
        if (body.length == 0) {
            throw new HttpError(HttpResponseStatus.BAD_REQUEST, "invalid_json", "request body is empty");
        }
        try {
            return STRICT.readValue(body, type);
        } catch (UnrecognizedPropertyException e) {
            throw new HttpError(HttpResponseStatus.BAD_REQUEST, "unknown_field", "unknown field '" + path(e)
                    + "' (known: " + e.getKnownPropertyIds() + ")");
        } catch (MismatchedInputException e) {
            if (e.getPath().isEmpty() && e.getOriginalMessage().startsWith("Trailing token")) {
                throw invalid(e); // "{} {}": not one JSON value
            }
            throw new HttpError(HttpResponseStatus.BAD_REQUEST, "invalid_field",
                    "'" + path(e) + "' has the wrong type: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw invalid(e);
        } catch (IOException e) {
            throw new HttpError(HttpResponseStatus.BAD_REQUEST, "invalid_json", "cannot read body: " + e.getMessage());
        }
    }

    /** {@code body} as a JSON tree (for bodies checked by a schema of their own, like a ladder). */
    public static JsonNode tree(Request request) {
        requireJson(request);
        try {
            JsonNode n = STRICT.readTree(request.body());
            if (n == null || n.isMissingNode()) {
                throw new HttpError(HttpResponseStatus.BAD_REQUEST, "invalid_json", "request body is empty");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw invalid(e);
        } catch (IOException e) {
            throw new HttpError(HttpResponseStatus.BAD_REQUEST, "invalid_json", "cannot read body: " + e.getMessage());
        }
    }

    private static HttpError invalid(JsonProcessingException e) {
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return new HttpError(HttpResponseStatus.BAD_REQUEST, "invalid_json",
                "request body is not valid JSON: " + e.getOriginalMessage() + where);
    }

    /** {@code product.sku}, {@code rungs[0].preset}: where in the body the problem is. */
    private static String path(JsonMappingException e) {
        List<String> names = new ArrayList<>();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                names.add(r.getFieldName());
            } else if (!names.isEmpty()) {
                names.set(names.size() - 1, names.get(names.size() - 1) + "[" + r.getIndex() + "]");
            } else {
                names.add("[" + r.getIndex() + "]");
            }
        }
        return names.isEmpty() ? "body" : String.join(".", names);
    }
}
