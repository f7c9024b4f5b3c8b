package io.cuecast.core.media;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable, value-equal byte sequence. Packets and codec configs hold their payloads in this
 * so that they can be shared between readers without copies and compared in tests with equals.
 */
public final class Bytes {
    /** The empty sequence. */
    public static final Bytes EMPTY = new Bytes(new byte[0]);

    private final byte[] data;

    private Bytes(byte[] data) {
        this.data = data;
    }

    /** Copies {@code data} into a new immutable sequence. */
    public static Bytes copyOf(byte[] data) {
        return new Bytes(data.clone());
    }

    /** Copies a slice of {@code data}. */
    public static Bytes copyOf(byte[] data, int offset, int length) {
        return new Bytes(Arrays.copyOfRange(data, offset, offset + length));
    }

    /**
     * Takes ownership of {@code data} without copying; the caller must never touch it again.
     * Used on hot paths where the array was freshly allocated for this purpose.
     */
    public static Bytes wrap(byte[] data) {
        return new Bytes(data);
    }

    /** Parses lowercase or uppercase hex, spaces allowed; for fixtures. */
    public static Bytes ofHex(String hex) {
        return new Bytes(HexFormat.of().parseHex(hex.replaceAll("\\s+", "")));
    }

    /** Number of bytes. */
    public int length() {
        return data.length;
    }

    /** Byte at {@code index}, unsigned. */
    public int getUnsigned(int index) {
        return data[index] & 0xff;
    }

    /** Big-endian unsigned 16-bit value at {@code index}. */
    public int getUnsignedInt16(int index) {
        return ((data[index] & 0xff) << 8) | (data[index + 1] & 0xff);
    }

    /** A fresh copy of the content. */
    public byte[] toArray() {
        return data.clone();
    }

    /** Copies the content into {@code dst} at {@code offset}. */
    public void copyTo(byte[] dst, int offset) {
        System.arraycopy(data, 0, dst, offset, data.length);
    }

    /** A copy of the slice {@code [from, to)}. */
    public Bytes slice(int from, int to) {
        return new Bytes(Arrays.copyOfRange(data, from, to));
    }

    /**
     * Direct read access for writers that copy the bytes out (for example into a Netty buffer).
     * The returned array must not be modified.
     */
    public byte[] unsafeArray() {
        return data;
    }

    /** Lowercase hex of the content. */
    public String toHex() {
        return HexFormat.of().formatHex(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes other && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return data.length <= 32 ? "Bytes[" + toHex() + "]" : "Bytes[" + data.length + " bytes]";
    }
}
