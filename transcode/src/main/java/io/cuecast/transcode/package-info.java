/**
 * The ABR ladder: decodes a source stream once with FFmpeg (through JavaCPP), scales and encodes one
 * rendition per rung with libx264, and publishes each rendition as a hub of its own. The only module
 * allowed to import {@code org.bytedeco} (docs/architecture.md).
 */
package io.cuecast.transcode;
