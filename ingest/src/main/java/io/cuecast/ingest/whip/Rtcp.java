package io.cuecast.ingest.whip;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The RTCP a receive-only endpoint reads and writes (RFC 3550 §6, RFC 4585 §6): sender reports
 * are read from a compound packet (their NTP ↔ RTP mapping aligns audio to video once); picture loss
 * indications (PLI) and generic NACKs are written to ask for a keyframe and for lost packets.
 */
public final class Rtcp {
    static final int SR = 200;
    static final int RR = 201;
    static final int RTPFB = 205;
    static final int PSFB = 206;
    /** Report blocks and packets in one compound packet, at most. */
    private static final int MAX_PACKETS = 32;

    private Rtcp() {
    }

    /**
     * A sender report's timing: at NTP time {@code ntp} (64-bit fixed point) the sender's RTP clock
     * read {@code rtpTimestamp}.
     */
    public record SenderReport(long ssrc, long ntp, long rtpTimestamp, long packets, long octets) {
        /** The NTP time in milliseconds since 1900. */
        public long ntpMillis() {
            long seconds = ntp >>> 32;
            long fraction = ntp & 0xffffffffL;
            return seconds * 1000 + (fraction * 1000 >>> 32);
        }
    }

    /** Is this datagram RTCP rather than RTP (RFC 5761 §4: payload types 192–223 on a muxed port)? */
    public static boolean isRtcp(byte[] d, int offset, int length) {
        if (length < 2) {
            return false;
        }
        int pt = d[offset + 1] & 0xff;
        return pt >= 192 && pt <= 223;
    }

    /** The sender reports in a compound RTCP packet; other packet types are skipped. */
    public static List<SenderReport> senderReports(byte[] d, int offset, int length) {
        if (length > RtpPacket.MAX_LENGTH) {
            throw new MalformedPacketException("RTCP packet of " + length + " bytes, over " + RtpPacket.MAX_LENGTH);
        }
        ByteBuffer b = ByteBuffer.wrap(d, offset, length).slice();
        List<SenderReport> out = new ArrayList<>(1);
        int pos = 0;
        int count = 0;
        while (pos < length) {
            if (++count > MAX_PACKETS) {
                throw new MalformedPacketException("more than " + MAX_PACKETS + " RTCP packets in one compound");
            }
            if (pos + 4 > length) {
                throw new MalformedPacketException("truncated RTCP header");
            }
            int b0 = b.get(pos) & 0xff;
            if (b0 >> 6 != 2) {
                throw new MalformedPacketException("RTCP version " + (b0 >> 6) + ", not 2");
            }
            int pt = b.get(pos + 1) & 0xff;
            int words = b.getShort(pos + 2) & 0xffff;
            int size = 4 * (words + 1);
            if (pos + size > length) {
                throw new MalformedPacketException("RTCP packet of " + size + " bytes past the end");
            }
            if (pt == SR) {
                if (size < 28) {
                    throw new MalformedPacketException("sender report of " + size + " bytes");
                }
                out.add(new SenderReport(b.getInt(pos + 4) & 0xffffffffL, b.getLong(pos + 8),
                        b.getInt(pos + 16) & 0xffffffffL, b.getInt(pos + 20) & 0xffffffffL,
                        b.getInt(pos + 24) & 0xffffffffL));
            }
            pos += size;
        }
        return out;
    }

    /** A picture loss indication (RFC 4585 §6.3.1): "send a keyframe". */
    public static byte[] pli(long senderSsrc, long mediaSsrc) {
        return ByteBuffer.allocate(12).put((byte) 0x81).put((byte) PSFB).putShort((short) 2)
                .putInt((int) senderSsrc).putInt((int) mediaSsrc).array();
    }

    /**
     * A generic NACK (RFC 4585 §6.2.1) for the given lost sequence numbers, packed as PID + BLP
     * (the packet and a bitmask of the 16 after it), at most 64 entries.
     */
    public static byte[] nack(long senderSsrc, long mediaSsrc, List<Integer> lost) {
        List<int[]> fci = new ArrayList<>();
        for (int seq : lost) {
            int[] last = fci.isEmpty() ? null : fci.get(fci.size() - 1);
            int delta = last == null ? -1 : (seq - last[0]) & 0xffff;
            if (last != null && delta >= 1 && delta <= 16) {
                last[1] |= 1 << (delta - 1);
            } else if (fci.size() < 64) {
                fci.add(new int[] {seq & 0xffff, 0});
            }
        }
        ByteBuffer b = ByteBuffer.allocate(12 + 4 * fci.size());
        b.put((byte) 0x81).put((byte) RTPFB).putShort((short) (2 + fci.size()))
                .putInt((int) senderSsrc).putInt((int) mediaSsrc);
        for (int[] f : fci) {
            b.putShort((short) f[0]).putShort((short) f[1]);
        }
        return b.array();
    }
}
