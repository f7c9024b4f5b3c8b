/**
 * The ABR ladder: decodes a source stream once with FFmpeg (through JavaCPP) and publishes one hub per
 * rendition. The only module allowed to import {@code org.bytedeco}; empty until the ladder lands.
 */
package io.cuecast.transcode;
