package io.cuecast.relay.edge;

import io.cuecast.hls.cue.DateRange;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An upstream media playlist as an edge mirrors it (RFC 8216bis §4.4): what Cuecast's own
 * {@code PlaylistWriter} writes, read back so the edge's writer produces the same text. Parses
 * bytes from another server, so it is bounded ({@link #MAX_CHARS}, {@link #MAX_SEGMENTS},
 * {@link #MAX_PARTS}) and throws {@link IllegalArgumentException} naming the line on anything
 * else. Delta updates (EXT-X-SKIP) are refused: an edge always asks for the full playlist.
 */
public record MediaPlaylist(int targetDuration, double partTarget, long mediaSequence, long discontinuitySequence,
                            List<DateRange> dateRanges, List<Segment> segments, List<PartRef> openParts,
                            String preloadHint, String renditionReports, boolean ended, boolean openDiscontinuity) {
    /** Largest playlist text read (a 6-segment window with parts and 64 cues is about 30 KB). */
    public static final int MAX_CHARS = 1 << 20;
    /** Segments one playlist may list. */
    public static final int MAX_SEGMENTS = 1000;
    /** Parts one segment may have. */
    public static final int MAX_PARTS = 200;

    /** One EXT-X-PART. */
    public record PartRef(String name, double durationSeconds, boolean independent) {}

    /**
     * One media segment.
     *
     * @param sequence its media sequence number
     * @param parts its parts when the playlist lists them (the last segments only), else empty
     */
    public record Segment(long sequence, String name, double durationSeconds, Instant programDateTime,
                          boolean discontinuity, String initName, List<PartRef> parts) {}

    /** Media sequence number of the segment in progress. */
    public long nextSequence() {
        return mediaSequence + segments.size();
    }

    /** Parses {@code text}; throws IllegalArgumentException naming the first line it cannot take. */
    public static MediaPlaylist parse(String text) {
        if (text.length() > MAX_CHARS) {
            throw new IllegalArgumentException("playlist longer than " + MAX_CHARS + " characters");
        }
        String[] lines = text.split("\n", -1);
        if (lines.length == 0 || !lines[0].equals("#EXTM3U")) {
            throw new IllegalArgumentException("not a playlist: first line is not #EXTM3U");
        }
        int target = -1;
        double partTarget = 0;
        long msn = 0, dseq = 0;
        List<DateRange> ranges = new ArrayList<>();
        List<Segment> segments = new ArrayList<>();
        List<PartRef> parts = new ArrayList<>();
        String hint = null, map = null;
        Instant pdt = null;
        boolean disc = false, ended = false;
        double extinf = -1;
        StringBuilder reports = new StringBuilder();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            try {
                if (line.isEmpty() || line.startsWith("#EXT-X-VERSION:") || line.equals("#EXT-X-INDEPENDENT-SEGMENTS")
                        || line.startsWith("#EXT-X-SERVER-CONTROL:")) {
                    continue;
                } else if (line.startsWith("#EXT-X-TARGETDURATION:")) {
                    target = Integer.parseInt(value(line));
                } else if (line.startsWith("#EXT-X-PART-INF:")) {
                    partTarget = Double.parseDouble(attributes(value(line)).get("PART-TARGET"));
                } else if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                    msn = Long.parseLong(value(line));
                } else if (line.startsWith("#EXT-X-DISCONTINUITY-SEQUENCE:")) {
                    dseq = Long.parseLong(value(line));
                } else if (line.startsWith("#EXT-X-DATERANGE:")) {
                    ranges.add(dateRange(value(line)));
                } else if (line.equals("#EXT-X-DISCONTINUITY")) {
                    disc = true;
                } else if (line.startsWith("#EXT-X-MAP:")) {
                    map = uri(attributes(value(line)));
                } else if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
                    pdt = Instant.parse(value(line));
                } else if (line.startsWith("#EXT-X-PART:")) {
                    Map<String, String> a = attributes(value(line));
                    if (parts.size() >= MAX_PARTS) {
                        throw new IllegalArgumentException("more than " + MAX_PARTS + " parts in a segment");
                    }
                    parts.add(new PartRef(uri(a), Double.parseDouble(a.get("DURATION")),
                            "YES".equals(a.get("INDEPENDENT"))));
                } else if (line.startsWith("#EXTINF:")) {
                    String v = value(line);
                    extinf = Double.parseDouble(v.endsWith(",") ? v.substring(0, v.length() - 1) : v);
                } else if (line.startsWith("#EXT-X-PRELOAD-HINT:")) {
                    hint = uri(attributes(value(line)));
                } else if (line.startsWith("#EXT-X-RENDITION-REPORT:")) {
                    reports.append(line).append('\n');
                } else if (line.equals("#EXT-X-ENDLIST")) {
                    ended = true;
                } else if (line.startsWith("#EXT-X-SKIP")) {
                    throw new IllegalArgumentException("a delta update: the edge reads full playlists only");
                } else if (line.startsWith("#")) {
                    throw new IllegalArgumentException("unexpected tag");
                } else {
                    if (extinf < 0 || pdt == null || map == null) {
                        throw new IllegalArgumentException("segment URI without EXTINF, PROGRAM-DATE-TIME or MAP");
                    }
                    if (segments.size() >= MAX_SEGMENTS) {
                        throw new IllegalArgumentException("more than " + MAX_SEGMENTS + " segments");
                    }
                    checkName(line);
                    segments.add(new Segment(msn + segments.size(), line, extinf, pdt, disc, map, List.copyOf(parts)));
                    parts.clear();
                    extinf = -1;
                    pdt = null;
                    disc = false;
                }
            } catch (RuntimeException e) {
                String shown = line.length() > 80 ? line.substring(0, 80) + "…" : line;
                throw new IllegalArgumentException("line " + (i + 1) + " (" + shown + "): " + e.getMessage(), e);
            }
        }
        if (target <= 0) {
            throw new IllegalArgumentException("no EXT-X-TARGETDURATION");
        }
        return new MediaPlaylist(target, partTarget, msn, dseq, List.copyOf(ranges), List.copyOf(segments),
                List.copyOf(parts), hint, reports.toString(), ended, disc && !parts.isEmpty());
    }

    private static String value(String line) {
        return line.substring(line.indexOf(':') + 1);
    }

    private static String uri(Map<String, String> a) {
        String u = a.get("URI");
        if (u == null) {
            throw new IllegalArgumentException("no URI");
        }
        checkName(u);
        return u;
    }

    /** Names are relative file names of the rendition's directory: nothing that climbs or leaves it. */
    private static void checkName(String name) {
        if (name.isEmpty() || name.length() > 200 || !name.matches("[A-Za-z0-9._-]+") || name.startsWith(".")) {
            throw new IllegalArgumentException("URI is not a file name of the rendition");
        }
    }

    private static DateRange dateRange(String list) {
        Map<String, String> a = attributes(list);
        Map<String, String> client = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : a.entrySet()) {
            if (e.getKey().startsWith("X-")) {
                client.put(e.getKey(), e.getValue());
            }
        }
        String id = a.get("ID");
        String start = a.get("START-DATE");
        if (id == null || start == null) {
            throw new IllegalArgumentException("EXT-X-DATERANGE without ID or START-DATE");
        }
        try {
            return new DateRange(id, a.getOrDefault("CLASS", ""), Instant.parse(start),
                    a.containsKey("DURATION") ? Double.parseDouble(a.get("DURATION")) : -1, client, null);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("bad START-DATE");
        }
    }

    /**
     * An attribute list (§4.2): {@code NAME=value} pairs separated by commas, quoted strings kept
     * without their quotes, in order.
     */
    static Map<String, String> attributes(String list) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0, n = list.length();
        while (i < n) {
            int eq = list.indexOf('=', i);
            if (eq < 0) {
                throw new IllegalArgumentException("attribute without '='");
            }
            String name = list.substring(i, eq);
            if (!name.matches("[A-Z0-9-]+")) {
                throw new IllegalArgumentException("bad attribute name");
            }
            int v = eq + 1;
            String value;
            if (v < n && list.charAt(v) == '"') {
                int close = list.indexOf('"', v + 1);
                if (close < 0) {
                    throw new IllegalArgumentException("unterminated quoted string");
                }
                value = list.substring(v + 1, close);
                i = close + 1;
            } else {
                int comma = list.indexOf(',', v);
                int end = comma < 0 ? n : comma;
                value = list.substring(v, end);
                i = end;
            }
            if (out.size() >= 64) {
                throw new IllegalArgumentException("more than 64 attributes");
            }
            out.put(name, value);
            if (i < n) {
                if (list.charAt(i) != ',') {
                    throw new IllegalArgumentException("expected ',' after " + name);
                }
                i++;
            }
        }
        return out;
    }
}
