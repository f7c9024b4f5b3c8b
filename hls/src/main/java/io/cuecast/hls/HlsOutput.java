package io.cuecast.hls;

import java.util.List;

/**
 * What the HLS routes serve for one stream: the packager's own output on an origin
 * ({@link HlsStream}), or an edge's mirror of another server's. Both answer through the same
 * LL-HLS code (blocking reload, hinted parts, delta updates, rendition reports).
 */
public interface HlsOutput {
    /** True while the stream is being produced (a publisher attached, or the upstream live). */
    boolean live();

    /** Every rendition with a timeline, the first one answering the multivariant wait. */
    List<RenditionTimeline> renditions();

    /** A rendition by its path name, or null. */
    RenditionTimeline rendition(String name);

    /** The multivariant playlist, or null before it can be written. */
    String multivariant();

    /** EXT-X-RENDITION-REPORT lines for a media playlist of {@code self}. */
    String renditionReports(RenditionTimeline self);
}
