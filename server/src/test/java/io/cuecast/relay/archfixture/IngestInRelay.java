package io.cuecast.relay.archfixture;

/** Breaks "relay stands on core and rtmp only", so ArchitectureTest can show that rule fails. Test code only. */
public final class IngestInRelay {
    public Class<?> ingest() {
        return io.cuecast.ingest.PublishSession.class;
    }
}
