package io.cuecast.server.admin;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A request the API refuses; becomes a JSON error with this status and message. */
public class ApiException extends RuntimeException {
    private final HttpResponseStatus status;
    private final String code;

    public ApiException(HttpResponseStatus status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public HttpResponseStatus status() {
        return status;
    }

    /** A stable machine-readable error code, for example {@code invalid_json}. */
    public String code() {
        return code;
    }
}
