package io.cuecast.core.codec;

/** Reads bits MSB first, with the Exp-Golomb codes of ITU-T H.264 §9.1. */
public final class BitReader {
    private final byte[] data;
    private long bitPos;
    private final long bitLimit;

    /** Reads {@code data} from its first bit. */
    public BitReader(byte[] data) {
        this.data = data;
        this.bitLimit = (long) data.length * 8;
    }

    /** Reads one bit. */
    public int readBit() {
        if (bitPos >= bitLimit) {
            throw new CodecException("bitstream ended after " + bitLimit + " bits");
        }
        int bit = (data[(int) (bitPos >>> 3)] >> (7 - (int) (bitPos & 7))) & 1;
        bitPos++;
        return bit;
    }

    /** Reads {@code n} bits (at most 32) as an unsigned value. */
    public long readBits(int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 1) | readBit();
        }
        return v;
    }

    /** Reads {@code n} bits (at most 31) as an int. */
    public int readInt(int n) {
        return (int) readBits(n);
    }

    /** Skips {@code n} bits. */
    public void skip(int n) {
        for (int i = 0; i < n; i++) {
            readBit();
        }
    }

    /** ue(v): unsigned Exp-Golomb code, H.264 §9.1; bounded at 31 leading zeros. */
    public long readUe() {
        int zeros = 0;
        while (readBit() == 0) {
            if (++zeros > 31) {
                throw new CodecException("Exp-Golomb code longer than 32 bits");
            }
        }
        return (1L << zeros) - 1 + readBits(zeros);
    }

    /** se(v): signed Exp-Golomb code, H.264 §9.1.1. */
    public long readSe() {
        long k = readUe();
        return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
    }

    /** Bits left to read. */
    public long remaining() {
        return bitLimit - bitPos;
    }
}
