package io.cuecast.ingest.archfixture;

/** Breaks "nothing depends on server", so ArchitectureTest can show that rule fails. Test code only. */
public final class ServerInIngest {
    public Class<?> server() {
        return io.cuecast.server.CuecastServer.class;
    }
}
