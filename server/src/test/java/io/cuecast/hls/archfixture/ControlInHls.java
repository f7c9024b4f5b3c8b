package io.cuecast.hls.archfixture;

/** Breaks "protocols reach the control plane only through core", so ArchitectureTest can show it fails. Test code only. */
public final class ControlInHls {
    public Class<?> cues() {
        return io.cuecast.control.cues.CueService.class;
    }
}
