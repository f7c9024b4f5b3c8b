package io.cuecast.server.admin;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A request the API refuses; becomes a JSON error with this status and message. */
public class ApiException extends RuntimeException {
    private final HttpResponseStatus status;
    private final String code;
    private final long retryAfterSeconds;

    public ApiException(HttpResponseStatus status, String code, String message) {
        this(status, code, message, 0);
    }

    /** With a Retry-After header (for 429). */
    public ApiException(HttpResponseStatus status, String code, String message, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Seconds for Retry-After, 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public HttpResponseStatus status() {
        return status;
    }

    /** A stable machine-readable error code, for example {@code invalid_json}. */
    public String code() {
        return code;
    }
}
