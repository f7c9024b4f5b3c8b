package io.cuecast.ingest.whip;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * H.264 over RTP (RFC 6184) back into access units: single NAL unit packets (types 1–23), STAP-A
 * (24) and FU-A (28); STAP-B, MTAP and FU-B are refused (packetization-mode 1 never sends them). An
 * access unit is every NAL unit of one RTP timestamp, closed by the marker bit or by a packet with a
 * new timestamp. Out comes AVCC (4-byte lengths) with access unit delimiters and filler dropped, as
 * the hub's H.264 track carries it. A lost packet (a gap in the sequence) drops the frame it was part
 * of, and the next frame is delivered only from a keyframe on: decoders never see a hole.
 *
 * <p>Not thread-safe: one per video SSRC, fed in sequence order (after the reorder buffer).
 */
public final class H264Depacketizer {
    /** An access unit. */
    public record AccessUnit(long rtpTimestamp, boolean keyframe, byte[] avcc, List<byte[]> parameterSets) {}

    /** Largest access unit: a 4K IDR at a high bitrate stays below it. */
    public static final int MAX_FRAME_BYTES = 4 * 1024 * 1024;
    /** NAL units in one access unit; encoders send fewer than 20. */
    public static final int MAX_NALS = 1024;

    private static final int STAP_A = 24;
    private static final int FU_A = 28;

    private final ByteArrayOutputStream frame = new ByteArrayOutputStream();
    private final List<byte[]> parameterSets = new ArrayList<>();
    private ByteArrayOutputStream fragment;
    private long timestamp = -1;
    private int nals;
    private boolean keyframe;
    private boolean damaged;
    private boolean needKeyframe = true;
    private int lastSequence = -1;
    private long dropped;

    /** Frames dropped because a packet of theirs was lost or malformed. */
    public long droppedFrames() {
        return dropped;
    }

    /**
     * Takes the next packet of the stream; returns the access units it completes (none, one, or two
     * when a new timestamp also closes the previous frame), in order.
     */
    public List<AccessUnit> push(RtpPacket p) {
        List<AccessUnit> out = new ArrayList<>(1);
        if (p.payloadLength() == 0) {
            // Padding only (RFC 3550 §5.1; a sender's bandwidth probe): it holds a sequence number, not media.
            lastSequence = p.sequence();
            return out;
        }
        boolean gap = lastSequence >= 0 && p.sequence() != ((lastSequence + 1) & 0xffff);
        lastSequence = p.sequence();
        if (gap) {
            // The lost packet may have ended the previous frame or begun this one: both are suspect.
            damaged = true;
            fragment = null;
        }
        if (timestamp >= 0 && p.timestamp() != timestamp) {
            finish(out); // the marker of the previous frame was lost or never sent
            damaged = gap;
        }
        timestamp = p.timestamp();
        try {
            read(p.data(), p.payloadOffset(), p.payloadLength());
        } catch (MalformedPacketException e) {
            damaged = true;
            fragment = null;
        }
        if (p.marker()) {
            finish(out);
        }
        return out;
    }

    private void read(byte[] d, int off, int len) {
        if (len < 1) {
            throw new MalformedPacketException("empty H.264 RTP payload");
        }
        int type = d[off] & 0x1f;
        if (type >= 1 && type <= 23) {
            nal(d, off, len);
        } else if (type == STAP_A) {
            int pos = off + 1;
            int end = off + len;
            while (pos < end) {
                if (pos + 2 > end) {
                    throw new MalformedPacketException("STAP-A: truncated NAL unit size");
                }
                int size = ((d[pos] & 0xff) << 8) | (d[pos + 1] & 0xff);
                pos += 2;
                if (size == 0 || pos + size > end) {
                    throw new MalformedPacketException("STAP-A: NAL unit of " + size + " bytes past the end");
                }
                nal(d, pos, size);
                pos += size;
            }
        } else if (type == FU_A) {
            if (len < 3) {
                throw new MalformedPacketException("FU-A of " + len + " bytes");
            }
            int header = d[off + 1] & 0xff;
            boolean start = (header & 0x80) != 0;
            boolean end = (header & 0x40) != 0;
            if (start) {
                fragment = new ByteArrayOutputStream();
                // §5.8: the NAL header is rebuilt from the FU indicator's F and NRI and the FU header's type.
                fragment.write((d[off] & 0xe0) | (header & 0x1f));
            } else if (fragment == null) {
                return; // a middle or end fragment whose start was lost: the frame is already damaged
            }
            fragment.write(d, off + 2, len - 2);
            if (fragment.size() > MAX_FRAME_BYTES) {
                throw new MalformedPacketException("FU-A NAL unit over " + MAX_FRAME_BYTES + " bytes");
            }
            if (end) {
                byte[] n = fragment.toByteArray();
                fragment = null;
                nal(n, 0, n.length);
            }
        } else {
            throw new MalformedPacketException("H.264 RTP payload type " + type + " (STAP-B, MTAP, FU-B or reserved)");
        }
    }

    private void nal(byte[] d, int off, int len) {
        int type = d[off] & 0x1f;
        if (type == 9 || type == 12) {
            return; // access unit delimiter, filler: nothing a decoder needs
        }
        if (++nals > MAX_NALS) {
            throw new MalformedPacketException("more than " + MAX_NALS + " NAL units in one access unit");
        }
        if (frame.size() + 4 + len > MAX_FRAME_BYTES) {
            throw new MalformedPacketException("access unit over " + MAX_FRAME_BYTES + " bytes");
        }
        if (type == 5) {
            keyframe = true;
        } else if (type == 7 || type == 8) {
            byte[] ps = new byte[len];
            System.arraycopy(d, off, ps, 0, len);
            parameterSets.add(ps);
        }
        frame.write(len >>> 24);
        frame.write(len >>> 16);
        frame.write(len >>> 8);
        frame.write(len);
        frame.write(d, off, len);
    }

    private void finish(List<AccessUnit> out) {
        if (frame.size() > 0 || damaged) {
            if (damaged || fragment != null) {
                dropped++;
                needKeyframe = true;
            } else if (needKeyframe && !keyframe) {
                dropped++; // not decodable without the keyframe before it
            } else {
                needKeyframe = false;
                out.add(new AccessUnit(timestamp, keyframe, frame.toByteArray(), List.copyOf(parameterSets)));
            }
        }
        frame.reset();
        parameterSets.clear();
        fragment = null;
        nals = 0;
        keyframe = false;
        damaged = false;
        timestamp = -1;
    }
}
