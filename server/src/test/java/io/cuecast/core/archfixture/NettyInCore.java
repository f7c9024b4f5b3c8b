package io.cuecast.core.archfixture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Breaks "core imports no Netty", so ArchitectureTest can show that rule fails. Test code only. */
public final class NettyInCore {
    public ByteBuf buffer() {
        return Unpooled.EMPTY_BUFFER;
    }
}
