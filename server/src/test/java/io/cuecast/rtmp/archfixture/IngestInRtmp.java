package io.cuecast.rtmp.archfixture;

/** Breaks "the rtmp codec knows no protocol module", so ArchitectureTest can show that rule fails. Test code only. */
public final class IngestInRtmp {
    public Class<?> ingest() {
        return io.cuecast.ingest.rtmp.RtmpServer.class;
    }
}
