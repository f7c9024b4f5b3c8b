package io.cuecast.http.archfixture;

/** Breaks "http knows no other Cuecast module", so ArchitectureTest can show that rule fails. Test code only. */
public final class CoreInHttp {
    public Class<?> hub() {
        return io.cuecast.core.hub.StreamHub.class;
    }
}
