package io.cuecast.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/** How a router words the errors it makes itself (404, 405, 413, 500) and the {@link HttpError}s it catches. */
public enum ErrorStyle {
    /** {@code {"error":{"code","message"}}}: the admin API. */
    JSON,
    /** One line of text: the public port, read by players and people. */
    TEXT;

    Response render(HttpResponseStatus status, String code, String message, long retryAfterSeconds) {
        Response r = this == JSON ? Response.error(status, code, message)
                : Response.text(status, message + "\n").header(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        if (retryAfterSeconds > 0) {
            r.header(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        }
        return r;
    }
}
