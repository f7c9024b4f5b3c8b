package io.cuecast.server;

import io.cuecast.control.ControlException;
import io.cuecast.http.HttpError;
import io.netty.handler.codec.http.HttpResponseStatus;

/** The one place the control plane's refusals become HTTP statuses. */
final class ApiErrors {
    private ApiErrors() {
    }

    /** The HTTP error of a domain exception, or null for anything else (a 500). */
    static HttpError map(Throwable e) {
        if (!(e instanceof ControlException c)) {
            return null;
        }
        HttpResponseStatus status;
        long retryAfter = 0;
        if (c instanceof ControlException.NotFound) {
            status = HttpResponseStatus.NOT_FOUND;
        } else if (c instanceof ControlException.Conflict) {
            status = HttpResponseStatus.CONFLICT;
        } else if (c instanceof ControlException.Invalid) {
            status = HttpResponseStatus.BAD_REQUEST;
        } else {
            status = HttpResponseStatus.TOO_MANY_REQUESTS;
            retryAfter = ((ControlException.RateLimited) c).retryAfterSeconds();
        }
        return new HttpError(status, c.code(), c.getMessage(), retryAfter);
    }
}
