package io.cuecast.relay;

/** Why a push relay is not publishing: the receiver's refusal, a closed connection, a bad URL. */
public final class RelayException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean refused;

    /** A failure on the way: unreachable, closed, timed out. */
    public RelayException(String message) {
        this(message, false);
    }

    /** @param refused true when the receiver answered no (key, application), not merely failed */
    public RelayException(String message, boolean refused) {
        super(message);
        this.refused = refused;
    }

    /** True when the receiver refused the publish: retrying soon only repeats the refusal. */
    public boolean refused() {
        return refused;
    }
}
