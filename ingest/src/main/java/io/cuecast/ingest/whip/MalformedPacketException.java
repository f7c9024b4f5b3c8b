package io.cuecast.ingest.whip;

/** A datagram that is not what it claims to be; counted and dropped, never fatal for the session. */
public final class MalformedPacketException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedPacketException(String message) {
        super(message);
    }
}
