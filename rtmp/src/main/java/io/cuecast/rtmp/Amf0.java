package io.cuecast.rtmp;

/**
 * AMF0 type markers (Adobe Action Message Format AMF0, §2.1) and the value we use for
 * {@code undefined}. Decoded values map to Java as: number → Double, boolean → Boolean, string and
 * long string → String, object and ECMA array → {@code LinkedHashMap<String,Object>}, strict array →
 * {@code List<Object>}, null → null, undefined → {@link #UNDEFINED}, date → {@link java.time.Instant}.
 */
public final class Amf0 {
    public static final int NUMBER = 0x00;
    public static final int BOOLEAN = 0x01;
    public static final int STRING = 0x02;
    public static final int OBJECT = 0x03;
    public static final int MOVIECLIP = 0x04;
    public static final int NULL = 0x05;
    public static final int UNDEFINED_MARKER = 0x06;
    public static final int REFERENCE = 0x07;
    public static final int ECMA_ARRAY = 0x08;
    public static final int OBJECT_END = 0x09;
    public static final int STRICT_ARRAY = 0x0a;
    public static final int DATE = 0x0b;
    public static final int LONG_STRING = 0x0c;
    public static final int UNSUPPORTED = 0x0d;
    public static final int RECORDSET = 0x0e;
    public static final int XML_DOCUMENT = 0x0f;
    public static final int TYPED_OBJECT = 0x10;
    public static final int AVMPLUS = 0x11;

    /** The AMF0 {@code undefined} value. */
    public static final Object UNDEFINED = new Object() {
        @Override
        public String toString() {
            return "undefined";
        }
    };

    private Amf0() {
    }
}
