package io.cuecast.rtmp;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes AMF0 values (Adobe AMF0 specification §2) with hard limits: nesting depth, element counts,
 * and every declared length or count checked against the bytes actually left before anything is
 * allocated. An 11-byte strict array claiming 0x6c6c6c6c elements fails at once instead of
 * allocating (the input that makes red5-io run out of memory).
 */
public final class Amf0Reader {
    private final byte[] data;
    private int pos;
    private final int end;

    /** Reads {@code data[offset, offset+length)}. */
    public Amf0Reader(byte[] data, int offset, int length) {
        this.data = data;
        this.pos = offset;
        this.end = offset + length;
    }

    /** Reads the whole array. */
    public Amf0Reader(byte[] data) {
        this(data, 0, data.length);
    }

    /** True while bytes are left. */
    public boolean hasMore() {
        return pos < end;
    }

    /** Reads every value until the end. */
    public List<Object> readAll() {
        List<Object> values = new ArrayList<>();
        while (hasMore()) {
            if (values.size() >= RtmpLimits.MAX_AMF_ELEMENTS) {
                throw new RtmpProtocolException("AMF0: more than " + RtmpLimits.MAX_AMF_ELEMENTS + " top-level values");
            }
            values.add(read());
        }
        return values;
    }

    /** Reads one value. */
    public Object read() {
        return read(0);
    }

    private Object read(int depth) {
        if (depth > RtmpLimits.MAX_AMF_DEPTH) {
            throw new RtmpProtocolException("AMF0: nesting deeper than " + RtmpLimits.MAX_AMF_DEPTH);
        }
        int marker = u8();
        switch (marker) {
            case Amf0.NUMBER:
                return Double.longBitsToDouble(u64());
            case Amf0.BOOLEAN:
                return u8() != 0;
            case Amf0.STRING:
                return utf8(u16());
            case Amf0.LONG_STRING:
                return utf8(u32("long string length"));
            case Amf0.OBJECT:
                return readProperties(depth, new LinkedHashMap<>());
            case Amf0.TYPED_OBJECT:
                utf8(u16()); // class name; we keep only the properties
                return readProperties(depth, new LinkedHashMap<>());
            case Amf0.ECMA_ARRAY:
                u32("ECMA array count"); // only a hint (§2.10): the object-end marker ends it
                return readProperties(depth, new LinkedHashMap<>());
            case Amf0.STRICT_ARRAY: {
                long count = u32("strict array count");
                // Every element takes at least one byte: a count beyond the bytes left is a lie.
                if (count > end - pos) {
                    throw new RtmpProtocolException("AMF0: strict array claims " + count + " elements but only "
                            + (end - pos) + " bytes remain");
                }
                if (count > RtmpLimits.MAX_AMF_ELEMENTS) {
                    throw new RtmpProtocolException("AMF0: strict array of " + count + " elements exceeds "
                            + RtmpLimits.MAX_AMF_ELEMENTS);
                }
                List<Object> list = new ArrayList<>((int) count);
                for (int i = 0; i < count; i++) {
                    list.add(read(depth + 1));
                }
                return list;
            }
            case Amf0.NULL:
                return null;
            case Amf0.UNDEFINED_MARKER:
            case Amf0.UNSUPPORTED:
                return Amf0.UNDEFINED;
            case Amf0.DATE: {
                double millis = Double.longBitsToDouble(u64());
                need(2);
                pos += 2; // time zone, reserved (§2.13)
                if (Double.isNaN(millis) || Math.abs(millis) > 8.64e15) {
                    throw new RtmpProtocolException("AMF0: date " + millis + " out of range");
                }
                return Instant.ofEpochMilli((long) millis);
            }
            case Amf0.XML_DOCUMENT:
                return utf8(u32("XML document length"));
            case Amf0.REFERENCE:
                throw new RtmpProtocolException("AMF0: references are not supported");
            case Amf0.AVMPLUS:
                throw new RtmpProtocolException("AMF0: AVM+ (AMF3) values are not supported");
            default:
                throw new RtmpProtocolException("AMF0: unknown type marker 0x" + Integer.toHexString(marker)
                        + " at byte " + (pos - 1));
        }
    }

    private Map<String, Object> readProperties(int depth, Map<String, Object> map) {
        while (true) {
            int keyLength = u16();
            if (keyLength == 0) {
                need(1);
                if ((data[pos] & 0xff) == Amf0.OBJECT_END) {
                    pos++;
                    return map;
                }
            }
            if (map.size() >= RtmpLimits.MAX_AMF_ELEMENTS) {
                throw new RtmpProtocolException("AMF0: object with more than " + RtmpLimits.MAX_AMF_ELEMENTS
                        + " properties");
            }
            String key = utf8(keyLength);
            map.put(key, read(depth + 1));
        }
    }

    private void need(long n) {
        if (n > end - pos) {
            throw new RtmpProtocolException("AMF0: needs " + n + " bytes at offset " + pos + " but " + (end - pos)
                    + " remain");
        }
    }

    private int u8() {
        need(1);
        return data[pos++] & 0xff;
    }

    private int u16() {
        need(2);
        int v = ((data[pos] & 0xff) << 8) | (data[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    private long u32(String what) {
        need(4);
        long v = ((long) (data[pos] & 0xff) << 24) | ((data[pos + 1] & 0xff) << 16) | ((data[pos + 2] & 0xff) << 8)
                | (data[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    private long u64() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (data[pos++] & 0xff);
        }
        return v;
    }

    private String utf8(long length) {
        need(length);
        String s = new String(data, pos, (int) length, StandardCharsets.UTF_8);
        pos += (int) length;
        return s;
    }
}
