package io.cuecast.ingest.whip;

/** An offer that cannot be read; the WHIP endpoint answers 400 with this message. */
public final class SdpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SdpException(String message) {
        super(message);
    }
}
