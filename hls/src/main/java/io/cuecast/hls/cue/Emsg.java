package io.cuecast.hls.cue;

import io.cuecast.hls.mp4.BoxWriter;

/** Writes DASH event message boxes, version 1 (ISO/IEC 23009-1 §5.10.3.3), as CMAF carries them. */
public final class Emsg {
    /** The scheme that says message_data is an ID3 tag (AOM "Carriage of ID3 Timed Metadata in CMAF"). */
    public static final String ID3_SCHEME = "https://aomedia.org/emsg/ID3";

    private Emsg() {
    }

    /**
     * An emsg v1 box.
     *
     * @param timescale ticks per second of the times below
     * @param presentationTime when the event applies, on the track's media timeline (same clock as tfdt)
     * @param duration event duration in ticks, 0xFFFFFFFF for unknown
     * @param id event id, unique per scheme within the stream
     * @param messageData the payload (an ID3 tag for {@link #ID3_SCHEME})
     */
    public static byte[] v1(long timescale, long presentationTime, long duration, long id, String scheme,
                            String value, byte[] messageData) {
        BoxWriter w = new BoxWriter(64 + scheme.length() + messageData.length);
        w.openFull("emsg", 1, 0).u32(timescale).u64(presentationTime).u32(duration).u32(id)
                .cstring(scheme).cstring(value).bytes(messageData).close();
        return w.toByteArray();
    }
}
