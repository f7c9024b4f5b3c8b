package io.cuecast.hls.archfixture;

/** Breaks "hls knows nothing of edges", so ArchitectureTest can show that rule fails. Test code only. */
public final class RelayInHls {
    public Class<?> relay() {
        return io.cuecast.relay.edge.EdgeService.class;
    }
}
