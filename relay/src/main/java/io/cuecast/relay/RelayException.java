package io.cuecast.relay;

/** Why a push relay is not publishing: the receiver's refusal, a closed connection, a bad URL. */
public final class RelayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RelayException(String message) {
        super(message);
    }
}
