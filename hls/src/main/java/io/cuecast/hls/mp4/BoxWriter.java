package io.cuecast.hls.mp4;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Writes ISO BMFF boxes (ISO/IEC 14496-12 §4.2) into a growable array. {@link #open} writes a size
 * placeholder that {@link #close} fills in, so nested boxes need no size arithmetic.
 */
public final class BoxWriter {
    private byte[] buf;
    private int pos;
    private final Deque<Integer> open = new ArrayDeque<>();

    /** Starts with {@code capacity} bytes of room. */
    public BoxWriter(int capacity) {
        buf = new byte[Math.max(64, capacity)];
    }

    /** Opens a box of {@code type}. */
    public BoxWriter open(String type) {
        open.push(pos);
        u32(0);
        fourcc(type);
        return this;
    }

    /** Opens a full box (§4.2.2) with version and flags. */
    public BoxWriter openFull(String type, int version, int flags) {
        open(type);
        u8(version);
        u24(flags);
        return this;
    }

    /** Closes the innermost open box, writing its size. */
    public BoxWriter close() {
        int start = open.pop();
        putU32(start, pos - start);
        return this;
    }

    public BoxWriter u8(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
        return this;
    }

    public BoxWriter u16(int v) {
        ensure(2);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    public BoxWriter u24(int v) {
        ensure(3);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    public BoxWriter u32(long v) {
        ensure(4);
        putU32(pos, v);
        pos += 4;
        return this;
    }

    public BoxWriter u64(long v) {
        u32(v >>> 32);
        u32(v & 0xFFFFFFFFL);
        return this;
    }

    /** Writes {@code n} zero bytes. */
    public BoxWriter zeros(int n) {
        ensure(n);
        Arrays.fill(buf, pos, pos + n, (byte) 0);
        pos += n;
        return this;
    }

    public BoxWriter bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    public BoxWriter bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
        return this;
    }

    /** A four-character code. */
    public BoxWriter fourcc(String code) {
        byte[] b = code.getBytes(StandardCharsets.US_ASCII);
        if (b.length != 4) {
            throw new IllegalArgumentException("not a four-character code: " + code);
        }
        return bytes(b);
    }

    /** A null-terminated UTF-8 string. */
    public BoxWriter cstring(String s) {
        bytes(s.getBytes(StandardCharsets.UTF_8));
        return u8(0);
    }

    /** The unity matrix of §8.3.2.3 and friends. */
    public BoxWriter unityMatrix() {
        u32(0x00010000).u32(0).u32(0);
        u32(0).u32(0x00010000).u32(0);
        return u32(0).u32(0).u32(0x40000000);
    }

    /** Current write position. */
    public int position() {
        return pos;
    }

    /** Overwrites a 32-bit value written earlier. */
    public void putU32(int at, long v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    /** The bytes written; every box must be closed. */
    public byte[] toByteArray() {
        if (!open.isEmpty()) {
            throw new IllegalStateException(open.size() + " boxes still open");
        }
        return Arrays.copyOf(buf, pos);
    }

    private void ensure(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }
}
