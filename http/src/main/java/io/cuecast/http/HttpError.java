package io.cuecast.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request refused at the HTTP layer (bad JSON, wrong content type, a missing token): becomes the
 * router's error response with this status, a stable code and a message that names the problem.
 */
public class HttpError extends RuntimeException {
    private final HttpResponseStatus status;
    private final String code;
    private final long retryAfterSeconds;

    public HttpError(HttpResponseStatus status, String code, String message) {
        this(status, code, message, 0);
    }

    /** With a Retry-After header (for 429 and 503). */
    public HttpError(HttpResponseStatus status, String code, String message, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public HttpResponseStatus status() {
        return status;
    }

    /** A stable machine-readable code, for example {@code invalid_json}. */
    public String code() {
        return code;
    }

    /** Seconds for Retry-After, 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
