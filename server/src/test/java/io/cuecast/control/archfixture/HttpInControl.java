package io.cuecast.control.archfixture;

import io.netty.handler.codec.http.HttpResponseStatus;

/** Breaks "the control plane knows no HTTP", so ArchitectureTest can show that rule fails. Test code only. */
public final class HttpInControl {
    public Object notFound() {
        return HttpResponseStatus.NOT_FOUND;
    }

    public Object error() {
        return new io.cuecast.http.HttpError(HttpResponseStatus.NOT_FOUND, "x", "y");
    }
}
