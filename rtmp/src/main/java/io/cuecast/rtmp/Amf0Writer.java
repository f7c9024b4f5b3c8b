package io.cuecast.rtmp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Encodes Java values as AMF0 (the mapping is described in {@link Amf0}). */
public final class Amf0Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    /** Writes each value in order; returns this for chaining. */
    public Amf0Writer write(Object... values) {
        for (Object v : values) {
            writeValue(v);
        }
        return this;
    }

    /** The bytes written so far. */
    public byte[] toByteArray() {
        return out.toByteArray();
    }

    /** Encodes {@code values} in one call. */
    public static byte[] encode(Object... values) {
        return new Amf0Writer().write(values).toByteArray();
    }

    private void writeValue(Object v) {
        if (v == null) {
            out.write(Amf0.NULL);
        } else if (v == Amf0.UNDEFINED) {
            out.write(Amf0.UNDEFINED_MARKER);
        } else if (v instanceof Number n) {
            out.write(Amf0.NUMBER);
            long bits = Double.doubleToLongBits(n.doubleValue());
            for (int i = 7; i >= 0; i--) {
                out.write((int) (bits >>> (i * 8)));
            }
        } else if (v instanceof Boolean b) {
            out.write(Amf0.BOOLEAN);
            out.write(b ? 1 : 0);
        } else if (v instanceof String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            if (utf8.length <= 0xffff) {
                out.write(Amf0.STRING);
                u16(utf8.length);
            } else {
                out.write(Amf0.LONG_STRING);
                u32(utf8.length);
            }
            out.writeBytes(utf8);
        } else if (v instanceof Map<?, ?> map) {
            out.write(Amf0.OBJECT);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                byte[] key = e.getKey().toString().getBytes(StandardCharsets.UTF_8);
                u16(key.length);
                out.writeBytes(key);
                writeValue(e.getValue());
            }
            u16(0);
            out.write(Amf0.OBJECT_END);
        } else if (v instanceof List<?> list) {
            out.write(Amf0.STRICT_ARRAY);
            u32(list.size());
            for (Object o : list) {
                writeValue(o);
            }
        } else if (v instanceof Instant t) {
            out.write(Amf0.DATE);
            long bits = Double.doubleToLongBits(t.toEpochMilli());
            for (int i = 7; i >= 0; i--) {
                out.write((int) (bits >>> (i * 8)));
            }
            u16(0);
        } else {
            throw new IllegalArgumentException("no AMF0 mapping for " + v.getClass().getName());
        }
    }

    private void u16(int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    private void u32(long v) {
        out.write((int) (v >>> 24));
        out.write((int) (v >>> 16));
        out.write((int) (v >>> 8));
        out.write((int) v);
    }
}
