package io.cuecast.hls.archfixture;

/** Breaks "hls does not depend on ingest", so ArchitectureTest can show that rule fails. Test code only. */
public final class IngestInHls {
    public Class<?> ingest() {
        return io.cuecast.ingest.PublishSession.class;
    }
}
