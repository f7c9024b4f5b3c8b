package io.cuecast.control;

/**
 * A request the control plane refuses, in its own words: what went wrong and a stable code. The API
 * layer maps each kind to an HTTP status in one place; the control plane knows no HTTP.
 */
public abstract sealed class ControlException extends RuntimeException
        permits ControlException.NotFound, ControlException.Conflict, ControlException.Invalid,
        ControlException.RateLimited {
    private final String code;

    ControlException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** A stable machine-readable code, for example {@code stream_not_found}. */
    public String code() {
        return code;
    }

    /** The thing named does not exist. */
    public static final class NotFound extends ControlException {
        public NotFound(String code, String message) {
            super(code, message);
        }
    }

    /** The request is valid but the state forbids it now (not live, already placed). */
    public static final class Conflict extends ControlException {
        public Conflict(String code, String message) {
            super(code, message);
        }
    }

    /** A field of the request is wrong; the message names it. */
    public static final class Invalid extends ControlException {
        private final String field;

        public Invalid(String field, String problem) {
            this("invalid_field", field, "'" + field + "' " + problem);
        }

        public Invalid(String code, String field, String message) {
            super(code, message);
            this.field = field;
        }

        /** The field at fault, for example {@code product.price}. */
        public String field() {
            return field;
        }
    }

    /** Too many requests; retry after the given time. */
    public static final class RateLimited extends ControlException {
        private final long retryAfterSeconds;

        public RateLimited(String message, long retryAfterSeconds) {
            super("rate_limited", message);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
