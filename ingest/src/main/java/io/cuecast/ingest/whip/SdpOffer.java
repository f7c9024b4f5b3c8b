package io.cuecast.ingest.whip;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A WHIP offer (RFC 9725 §4.2; SDP per RFC 8866, the WebRTC attributes of RFC 8829/8839/8842/8843),
 * read for what an ICE-lite, receive-only endpoint needs: ICE credentials, the DTLS fingerprint and
 * role, and per media section its mid, direction, codecs and feedback. Session-level ICE and DTLS
 * attributes apply where a section has none (OBS sends them there). Bounded: 16 KiB, 8 media
 * sections, 2 000 lines, 256 payload types per section.
 *
 * @param iceUfrag the client's ICE username fragment
 * @param icePwd the client's ICE password
 * @param fingerprintAlgorithm the hash of the client's DTLS certificate fingerprint, e.g. {@code sha-256}
 * @param fingerprint the fingerprint as colon-separated hex, upper case
 * @param setup the client's DTLS role: {@code actpass}, {@code active} or {@code passive}
 * @param media the media sections in order
 */
public record SdpOffer(String iceUfrag, String icePwd, String fingerprintAlgorithm, String fingerprint, String setup,
                       List<Media> media) {
    public static final int MAX_BYTES = 16 * 1024;
    public static final int MAX_MEDIA = 8;
    private static final int MAX_LINES = 2000;
    private static final int MAX_PAYLOAD_TYPES = 256;

    /**
     * One media section.
     *
     * @param kind audio, video or application
     * @param mid its a=mid
     * @param direction sendonly, sendrecv, recvonly or inactive
     * @param codecs payload type → codec, in the offer's order
     * @param rtcpMux a=rtcp-mux present
     * @param extensions RTP header extensions offered (RFC 8285 a=extmap): URI → id
     */
    public record Media(String kind, String mid, String direction, Map<Integer, Codec> codecs, boolean rtcpMux,
                        Map<String, Integer> extensions) {}

    /** The transport-wide sequence number extension TWCC feedback is built on (draft-holmer-rmcat-transport-wide-cc-extensions-01). */
    public static final String TRANSPORT_CC_URI = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    private static final int MAX_EXTENSIONS = 32;

    /**
     * A payload type of a section.
     *
     * @param payloadType the number
     * @param name the encoding name, lower case (h264, opus, rtx, red, ulpfec, …)
     * @param clockRate the RTP clock rate
     * @param channels audio channels (1 when not given)
     * @param fmtp the a=fmtp parameters as written, or empty
     * @param feedback a=rtcp-fb values (nack, nack pli, ccm fir, transport-cc, goog-remb)
     */
    public record Codec(int payloadType, String name, int clockRate, int channels, String fmtp, List<String> feedback) {
        /** A parameter of the fmtp line, or null. */
        public String param(String key) {
            for (String p : fmtp.split(";")) {
                int eq = p.indexOf('=');
                if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase(key)) {
                    return p.substring(eq + 1).trim();
                }
            }
            return null;
        }
    }

    /** Parses an offer; {@link SdpException} names the line that is wrong. */
    public static SdpOffer parse(String sdp) {
        if (sdp == null || sdp.isEmpty()) {
            throw new SdpException("the offer is empty");
        }
        if (sdp.length() > MAX_BYTES) {
            throw new SdpException("the offer is " + sdp.length() + " bytes, over the limit of " + MAX_BYTES);
        }
        String[] lines = sdp.split("\r?\n");
        if (lines.length > MAX_LINES) {
            throw new SdpException("the offer has " + lines.length + " lines, over " + MAX_LINES);
        }
        if (lines.length == 0 || !lines[0].startsWith("v=0")) { // "\n" alone splits into nothing (found by the fuzzer)
            throw new SdpException("line 1: an SDP offer starts with v=0");
        }
        Map<String, String> session = new LinkedHashMap<>();
        List<Builder> media = new ArrayList<>();
        Builder current = null;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=') {
                throw new SdpException("line " + (i + 1) + ": not a 'type=value' line");
            }
            char type = line.charAt(0);
            String value = line.substring(2);
            if (type == 'm') {
                if (media.size() == MAX_MEDIA) {
                    throw new SdpException("more than " + MAX_MEDIA + " media sections");
                }
                current = new Builder(value, i + 1);
                media.add(current);
            } else if (type == 'a') {
                int colon = value.indexOf(':');
                String name = colon < 0 ? value : value.substring(0, colon);
                String arg = colon < 0 ? "" : value.substring(colon + 1);
                if (current == null) {
                    session.putIfAbsent(name, arg);
                } else {
                    current.attribute(name, arg, i + 1);
                }
            }
        }
        if (media.isEmpty()) {
            throw new SdpException("the offer has no media section");
        }
        List<Media> sections = new ArrayList<>();
        String ufrag = null, pwd = null, fp = null, setup = null;
        for (Builder b : media) {
            sections.add(b.build());
            ufrag = first(ufrag, b.attrs.get("ice-ufrag"), session.get("ice-ufrag"));
            pwd = first(pwd, b.attrs.get("ice-pwd"), session.get("ice-pwd"));
            fp = first(fp, b.attrs.get("fingerprint"), session.get("fingerprint"));
            setup = first(setup, b.attrs.get("setup"), session.get("setup"));
        }
        if (ufrag == null || pwd == null) {
            throw new SdpException("the offer has no a=ice-ufrag/a=ice-pwd");
        }
        if (fp == null) {
            throw new SdpException("the offer has no a=fingerprint (DTLS is required)");
        }
        String[] f = fp.trim().split("\\s+");
        if (f.length != 2 || !f[1].matches("([0-9A-Fa-f]{2}:)+[0-9A-Fa-f]{2}")) {
            throw new SdpException("a=fingerprint must be 'sha-256 AA:BB:…', got '" + fp + "'");
        }
        setup = setup == null ? "actpass" : setup.trim().toLowerCase(Locale.ROOT);
        if (!setup.equals("actpass") && !setup.equals("active") && !setup.equals("passive")) {
            throw new SdpException("a=setup must be actpass, active or passive, got '" + setup + "'");
        }
        return new SdpOffer(ufrag.trim(), pwd.trim(), f[0].toLowerCase(Locale.ROOT), f[1].toUpperCase(Locale.ROOT),
                setup, List.copyOf(sections));
    }

    private static String first(String already, String media, String session) {
        return already != null ? already : media != null ? media : session;
    }

    /**
     * The H.264 payload type to receive (packetization-mode 1 only), preferring Constrained Baseline
     * 3.1 ({@code 42e01f}, what every decoder and Safari take), then Baseline, Main, High; or null.
     */
    public static Codec chooseH264(Media video) {
        Codec best = null;
        int bestRank = Integer.MAX_VALUE;
        for (Codec c : video.codecs().values()) {
            if (!c.name().equals("h264") || !"1".equals(c.param("packetization-mode"))) {
                continue;
            }
            String profile = c.param("profile-level-id");
            String p = profile == null ? "" : profile.toLowerCase(Locale.ROOT);
            int rank = p.startsWith("42e0") ? 0 : p.startsWith("4200") ? 1 : p.startsWith("4d") ? 2
                    : p.startsWith("64") ? 3 : 4;
            if (rank < bestRank) {
                best = c;
                bestRank = rank;
            }
        }
        return best;
    }

    /** The Opus payload type (48 kHz, 2 channels, as RFC 7587 requires it be written), or null. */
    public static Codec chooseOpus(Media audio) {
        for (Codec c : audio.codecs().values()) {
            if (c.name().equals("opus") && c.clockRate() == 48_000) {
                return c;
            }
        }
        return null;
    }

    private static final class Builder {
        final String kind;
        final List<Integer> formats = new ArrayList<>();
        final Map<String, String> attrs = new LinkedHashMap<>();
        final Map<Integer, String[]> rtpmap = new LinkedHashMap<>();
        final Map<Integer, String> fmtp = new LinkedHashMap<>();
        final Map<Integer, List<String>> feedback = new LinkedHashMap<>();
        final Map<String, Integer> extensions = new LinkedHashMap<>();
        String direction = "sendrecv";
        boolean rtcpMux;

        Builder(String m, int line) {
            String[] parts = m.trim().split("\\s+");
            if (parts.length < 3) {
                throw new SdpException("line " + line + ": an m= line is 'kind port proto formats…'");
            }
            kind = parts[0].toLowerCase(Locale.ROOT);
            if (parts.length - 3 > MAX_PAYLOAD_TYPES) {
                throw new SdpException("line " + line + ": more than " + MAX_PAYLOAD_TYPES + " formats");
            }
            if (!kind.equals("application")) {
                for (int i = 3; i < parts.length; i++) {
                    formats.add(payloadType(parts[i], line));
                }
            }
        }

        void attribute(String name, String arg, int line) {
            switch (name) {
                case "rtpmap" -> {
                    int sp = arg.indexOf(' ');
                    if (sp < 0) {
                        throw new SdpException("line " + line + ": a=rtpmap is 'PT name/rate[/channels]'");
                    }
                    String[] enc = arg.substring(sp + 1).trim().split("/");
                    if (enc.length < 2) {
                        throw new SdpException("line " + line + ": a=rtpmap encoding is 'name/rate[/channels]'");
                    }
                    rtpmap.put(payloadType(arg.substring(0, sp), line), enc);
                }
                case "fmtp" -> {
                    int sp = arg.indexOf(' ');
                    if (sp > 0) {
                        fmtp.put(payloadType(arg.substring(0, sp), line), arg.substring(sp + 1).trim());
                    }
                }
                case "rtcp-fb" -> {
                    int sp = arg.indexOf(' ');
                    if (sp > 0 && !arg.startsWith("*")) {
                        List<String> l = feedback.computeIfAbsent(payloadType(arg.substring(0, sp), line),
                                k -> new ArrayList<>());
                        if (l.size() < 16) {
                            l.add(arg.substring(sp + 1).trim().toLowerCase(Locale.ROOT));
                        }
                    }
                }
                case "sendonly", "sendrecv", "recvonly", "inactive" -> direction = name;
                case "rtcp-mux" -> rtcpMux = true;
                case "extmap" -> {
                    // RFC 8285 §8: a=extmap:<id>[/<direction>] <URI> [<attributes>]
                    String[] parts = arg.trim().split("\\s+");
                    if (parts.length >= 2 && extensions.size() < MAX_EXTENSIONS) {
                        String id = parts[0].contains("/") ? parts[0].substring(0, parts[0].indexOf('/')) : parts[0];
                        try {
                            int n = Integer.parseInt(id);
                            if (n >= 1 && n <= 255) {
                                extensions.putIfAbsent(parts[1], n);
                            }
                        } catch (NumberFormatException e) {
                            throw new SdpException("line " + line + ": a=extmap id '" + id + "' is not a number");
                        }
                    }
                }
                default -> {
                    if (attrs.size() < 64) {
                        attrs.putIfAbsent(name, arg);
                    }
                }
            }
        }

        static int payloadType(String s, int line) {
            try {
                int pt = Integer.parseInt(s.trim());
                if (pt < 0 || pt > 127) {
                    throw new NumberFormatException();
                }
                return pt;
            } catch (NumberFormatException e) {
                throw new SdpException("line " + line + ": '" + s + "' is not an RTP payload type (0-127)");
            }
        }

        Media build() {
            Map<Integer, Codec> codecs = new LinkedHashMap<>();
            for (int pt : formats) {
                String[] enc = rtpmap.get(pt);
                if (enc == null) {
                    continue; // a static type without rtpmap: nothing WebRTC sends us
                }
                int rate;
                int channels;
                try {
                    rate = Integer.parseInt(enc[1].trim());
                    channels = enc.length > 2 ? Integer.parseInt(enc[2].trim()) : 1;
                } catch (NumberFormatException e) {
                    throw new SdpException("a=rtpmap:" + pt + " has no numeric clock rate or channel count");
                }
                codecs.put(pt, new Codec(pt, enc[0].trim().toLowerCase(Locale.ROOT), rate, channels,
                        fmtp.getOrDefault(pt, ""), List.copyOf(feedback.getOrDefault(pt, List.of()))));
            }
            return new Media(kind, attrs.get("mid"), direction, codecs, rtcpMux, Map.copyOf(extensions));
        }
    }
}
