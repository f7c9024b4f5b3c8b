package io.cuecast.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DirectChunksTest {
    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7);
        }
        return b;
    }

    static byte[] read(DirectChunks c, int from, int len) {
        ByteBuf out = Unpooled.buffer(len);
        c.copyTo(out, from, len);
        return ByteBufUtil.getBytes(out);
    }

    @Test
    void copiesAcrossChunkBoundariesAndKeepsTails() {
        byte[] data = pattern(3 * DirectChunks.CHUNK + 123);
        DirectChunks c = new DirectChunks();
        c.write(data, 0, 1000);
        c.write(data, 1000, data.length - 1000);
        assertThat(c.size()).isEqualTo(data.length);
        assertThat(read(c, 0, data.length)).isEqualTo(data);
        int from = DirectChunks.CHUNK - 10;
        assertThat(read(c, from, 20)).isEqualTo(Arrays.copyOfRange(data, from, from + 20));
        c.keepFrom(2 * DirectChunks.CHUNK + 5);
        assertThat(c.size()).isEqualTo(DirectChunks.CHUNK + 118);
        assertThat(read(c, 0, c.size()))
                .isEqualTo(Arrays.copyOfRange(data, 2 * DirectChunks.CHUNK + 5, data.length));
        c.keepFrom(c.size());
        assertThat(c.size()).isZero();
        c.write(data, 0, 10);
        assertThat(read(c, 0, 10)).isEqualTo(Arrays.copyOf(data, 10));
        c.clear();
        assertThat(c.size()).isZero();
    }
}
