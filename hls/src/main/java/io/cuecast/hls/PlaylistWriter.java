package io.cuecast.hls;

import io.cuecast.hls.cue.DateRange;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders playlists (RFC 8216bis §4.4) from timeline snapshots. */
public final class PlaylistWriter {
    /** EXT-X-MAP and fMP4 need protocol version 6 (RFC 8216bis §4.4.4.5, §8). */
    static final int VERSION = 6;

    private PlaylistWriter() {
    }

    /** A media playlist. */
    public static String media(RenditionTimeline.Snapshot s) {
        return media(s, false);
    }

    /**
     * A media playlist; with {@code delta}, a Playlist Delta Update (RFC 8216bis §6.2.5.1) whose
     * segments older than CAN-SKIP-UNTIL before the end are replaced by one EXT-X-SKIP.
     */
    public static String media(RenditionTimeline.Snapshot s, boolean delta) {
        double canSkipUntil = 6.0 * s.targetDuration(); // §4.4.3.8: at least six target durations
        int skip = 0;
        if (delta && s.partTarget() > 0) {
            double total = 0;
            for (MediaSegment seg : s.segments()) {
                total += seg.durationSeconds();
            }
            double elapsed = 0;
            for (MediaSegment seg : s.segments()) {
                // A discontinuity or a new init must stay visible; stop skipping there.
                if (total - elapsed <= canSkipUntil || seg.discontinuity()
                        || skip > 0 && !seg.initName().equals(s.segments().get(0).initName())) {
                    break;
                }
                elapsed += seg.durationSeconds();
                skip++;
            }
        }
        StringBuilder sb = new StringBuilder(256 + s.segments().size() * 96);
        sb.append("#EXTM3U\n");
        // EXT-X-SKIP needs protocol version 9 (§8).
        sb.append("#EXT-X-VERSION:").append(skip > 0 ? 9 : VERSION).append('\n');
        sb.append("#EXT-X-TARGETDURATION:").append(s.targetDuration()).append('\n');
        boolean lowLatency = s.partTarget() > 0;
        if (lowLatency) {
            // RFC 8216bis §4.4.3.8: PART-HOLD-BACK at least twice PART-TARGET; three is what Apple advises.
            sb.append("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=")
                    .append(String.format(Locale.ROOT, "%.1f", canSkipUntil))
                    .append(",PART-HOLD-BACK=").append(String.format(Locale.ROOT, "%.3f", 3 * s.partTarget()))
                    .append('\n');
            sb.append("#EXT-X-PART-INF:PART-TARGET=").append(String.format(Locale.ROOT, "%.3f", s.partTarget()))
                    .append('\n');
        }
        sb.append("#EXT-X-MEDIA-SEQUENCE:").append(s.firstSequence()).append('\n');
        if (s.discontinuitySequence() > 0) {
            sb.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(s.discontinuitySequence()).append('\n');
        }
        sb.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        for (DateRange r : s.dateRanges()) {
            sb.append("#EXT-X-DATERANGE:ID=\"").append(r.id()).append("\",CLASS=\"").append(r.classValue())
                    .append("\",START-DATE=\"").append(DateTimeFormatter.ISO_INSTANT.format(
                            r.startDate().truncatedTo(ChronoUnit.MILLIS))).append('"');
            if (r.durationSeconds() >= 0) {
                sb.append(",DURATION=").append(String.format(Locale.ROOT, "%.3f", r.durationSeconds()));
            }
            for (Map.Entry<String, String> a : r.clientAttributes().entrySet()) {
                sb.append(',').append(a.getKey()).append("=\"").append(a.getValue()).append('"');
            }
            sb.append('\n');
        }
        String map = null;
        int partsFrom = s.segments().size() - PARTS_LISTED_FOR;
        if (skip > 0) {
            // The first listed segment repeats its EXT-X-MAP: players parse a delta update on its own.
            sb.append("#EXT-X-SKIP:SKIPPED-SEGMENTS=").append(skip).append('\n');
        }
        for (int i = skip; i < s.segments().size(); i++) {
            MediaSegment seg = s.segments().get(i);
            // Also before the first listed segment: EXT-X-DISCONTINUITY-SEQUENCE counts only the tags that
            // left the playlist (§4.4.3.3), so a tag hidden there would renumber the segments after it.
            if (seg.discontinuity()) {
                sb.append("#EXT-X-DISCONTINUITY\n");
            }
            if (!seg.initName().equals(map)) {
                map = seg.initName();
                sb.append("#EXT-X-MAP:URI=\"").append(map).append("\"\n");
            }
            sb.append("#EXT-X-PROGRAM-DATE-TIME:")
                    .append(DateTimeFormatter.ISO_INSTANT.format(seg.programDateTime().truncatedTo(ChronoUnit.MILLIS)))
                    .append('\n');
            if (lowLatency && i >= partsFrom) {
                appendParts(sb, seg.parts());
            }
            sb.append("#EXTINF:").append(String.format(Locale.ROOT, "%.3f", seg.durationSeconds())).append(",\n");
            sb.append(seg.name()).append('\n');
        }
        if (lowLatency && !s.ended() && s.nextPartName() != null) {
            if (s.openDiscontinuity()) {
                sb.append("#EXT-X-DISCONTINUITY\n"); // the segment these parts begin follows one
            }
            appendParts(sb, s.openParts());
            sb.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"").append(s.nextPartName()).append("\"\n");
        }
        if (s.ended()) {
            sb.append("#EXT-X-ENDLIST\n");
        }
        return sb.toString();
    }

    /** Parts are listed for the last segments only (RFC 8216bis §6.2.2: at least three target durations). */
    static final int PARTS_LISTED_FOR = 3;

    private static void appendParts(StringBuilder sb, List<Part> parts) {
        for (Part p : parts) {
            sb.append("#EXT-X-PART:DURATION=").append(String.format(Locale.ROOT, "%.5f", p.durationSeconds()))
                    .append(",URI=\"").append(p.name()).append('"');
            if (p.independent()) {
                sb.append(",INDEPENDENT=YES");
            }
            sb.append('\n');
        }
    }

    /** One variant of the multivariant playlist. */
    public record Variant(RenditionInfo info, long peakBandwidth, long averageBandwidth, double frameRate) {}

    /**
     * Where another rendition is, for a player switching to it with a blocking request.
     *
     * @param name its path name
     * @param lastMsn its last media sequence number (the open segment's while parts are open)
     * @param lastPart its last part in that segment, -1 when it has none
     */
    public record RenditionReport(String name, long lastMsn, int lastPart) {}

    /** EXT-X-RENDITION-REPORT lines (RFC 8216bis §4.4.5.4), one per rendition, in order. */
    public static String renditionReports(List<RenditionReport> reports) {
        StringBuilder sb = new StringBuilder();
        for (RenditionReport r : reports) {
            sb.append("#EXT-X-RENDITION-REPORT:URI=\"../").append(r.name()).append("/index.m3u8\",LAST-MSN=")
                    .append(r.lastMsn());
            if (r.lastPart() >= 0) {
                sb.append(",LAST-PART=").append(r.lastPart());
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The multivariant playlist (§4.4.6.2), each variant at {@code NAME/index.m3u8}. */
    public static String multivariant(List<Variant> variants) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("#EXTM3U\n");
        sb.append("#EXT-X-VERSION:").append(VERSION).append('\n');
        sb.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        for (Variant v : variants) {
            sb.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(v.peakBandwidth());
            if (v.averageBandwidth() > 0) {
                sb.append(",AVERAGE-BANDWIDTH=").append(v.averageBandwidth());
            }
            sb.append(",CODECS=\"").append(v.info().codecs()).append('"');
            if (v.info().width() > 0) {
                sb.append(",RESOLUTION=").append(v.info().width()).append('x').append(v.info().height());
            }
            if (v.frameRate() > 0) {
                sb.append(",FRAME-RATE=").append(String.format(Locale.ROOT, "%.3f", v.frameRate()));
            }
            sb.append('\n').append(v.info().name()).append("/index.m3u8\n");
        }
        return sb.toString();
    }
}
