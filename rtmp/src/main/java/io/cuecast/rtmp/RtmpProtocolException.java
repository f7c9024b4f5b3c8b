package io.cuecast.rtmp;

/**
 * The peer broke the RTMP protocol or one of our limits. The connection that sent it is closed with
 * a log line carrying this message; no other connection is affected.
 */
public class RtmpProtocolException extends RuntimeException {
    public RtmpProtocolException(String message) {
        super(message);
    }
}
