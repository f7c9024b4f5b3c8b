package io.cuecast.ingest.whip;

/**
 * One RTP packet (RFC 3550 §5.1), parsed without copying: the payload is a range of {@code data}.
 * Header extensions (RFC 8285) and CSRCs are skipped, padding removed.
 *
 * @param payloadType 7-bit payload type
 * @param marker the marker bit (for video: the last packet of a frame)
 * @param sequence 16-bit sequence number
 * @param timestamp 32-bit RTP timestamp
 * @param ssrc synchronization source
 * @param data the datagram
 * @param payloadOffset where the payload starts in {@code data}
 * @param payloadLength the payload's length, padding excluded
 */
public record RtpPacket(int payloadType, boolean marker, int sequence, long timestamp, long ssrc, byte[] data,
                        int payloadOffset, int payloadLength) {
    /** A UDP datagram on the WHIP port is at most this long (a path MTU of 1500); longer ones are dropped. */
    public static final int MAX_LENGTH = 1500;

    /**
     * Parses an RTP packet; {@link MalformedPacketException} says what is wrong (the caller counts it
     * and drops the datagram, never closing anything for one bad packet).
     */
    public static RtpPacket parse(byte[] d, int offset, int length) {
        if (length > MAX_LENGTH) {
            throw new MalformedPacketException("RTP packet of " + length + " bytes, over " + MAX_LENGTH);
        }
        if (length < 12) {
            throw new MalformedPacketException("RTP packet of " + length + " bytes, shorter than its 12-byte header");
        }
        int b0 = d[offset] & 0xff;
        if (b0 >> 6 != 2) {
            throw new MalformedPacketException("RTP version " + (b0 >> 6) + ", not 2");
        }
        boolean padding = (b0 & 0x20) != 0;
        boolean extension = (b0 & 0x10) != 0;
        int csrcCount = b0 & 0x0f;
        int b1 = d[offset + 1] & 0xff;
        int sequence = ((d[offset + 2] & 0xff) << 8) | (d[offset + 3] & 0xff);
        long timestamp = u32(d, offset + 4);
        long ssrc = u32(d, offset + 8);
        int pos = 12 + 4 * csrcCount;
        if (pos > length) {
            throw new MalformedPacketException("RTP header claims " + csrcCount + " CSRCs past the end");
        }
        if (extension) {
            if (pos + 4 > length) {
                throw new MalformedPacketException("RTP header extension past the end");
            }
            int words = ((d[offset + pos + 2] & 0xff) << 8) | (d[offset + pos + 3] & 0xff);
            pos += 4 + 4 * words;
            if (pos > length) {
                throw new MalformedPacketException("RTP header extension of " + words + " words past the end");
            }
        }
        int end = length;
        if (padding) {
            int pad = d[offset + length - 1] & 0xff;
            if (pad == 0 || pos + pad > length) {
                throw new MalformedPacketException("RTP padding of " + pad + " bytes does not fit");
            }
            end -= pad;
        }
        return new RtpPacket(b1 & 0x7f, (b1 & 0x80) != 0, sequence, timestamp, ssrc, d, offset + pos, end - pos);
    }

    private static long u32(byte[] d, int at) {
        return ((long) (d[at] & 0xff) << 24) | ((d[at + 1] & 0xff) << 16) | ((d[at + 2] & 0xff) << 8) | (d[at + 3] & 0xff);
    }

    /**
     * The 16-bit value of header extension {@code id} (RFC 8285 one-byte or two-byte form) in the
     * packet {@code d[0, length)}, or -1 when absent or malformed. Used for the transport-wide
     * sequence number of TWCC.
     */
    public static int extension16(byte[] d, int length, int id) {
        if (id <= 0 || length < 12 || (d[0] & 0x10) == 0) {
            return -1;
        }
        int pos = 12 + 4 * (d[0] & 0x0f);
        if (pos + 4 > length) {
            return -1;
        }
        int profile = ((d[pos] & 0xff) << 8) | (d[pos + 1] & 0xff);
        int end = pos + 4 + 4 * (((d[pos + 2] & 0xff) << 8) | (d[pos + 3] & 0xff));
        if (end > length) {
            return -1;
        }
        pos += 4;
        boolean oneByte = profile == 0xBEDE;
        if (!oneByte && (profile & 0xfff0) != 0x1000) {
            return -1;
        }
        while (pos < end) {
            int b = d[pos] & 0xff;
            if (b == 0) {
                pos++; // padding
                continue;
            }
            int elementId;
            int size;
            if (oneByte) {
                elementId = b >> 4;
                if (elementId == 15) {
                    return -1; // reserved: stop reading
                }
                size = (b & 0x0f) + 1;
                pos++;
            } else {
                if (pos + 2 > end) {
                    return -1;
                }
                elementId = b;
                size = d[pos + 1] & 0xff;
                pos += 2;
            }
            if (pos + size > end) {
                return -1;
            }
            if (elementId == id) {
                return size < 2 ? -1 : ((d[pos] & 0xff) << 8) | (d[pos + 1] & 0xff);
            }
            pos += size;
        }
        return -1;
    }
}
