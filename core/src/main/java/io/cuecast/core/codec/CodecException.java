package io.cuecast.core.codec;

/** A codec structure could not be parsed; the message names what was wrong. */
public class CodecException extends RuntimeException {
    public CodecException(String message) {
        super(message);
    }
}
