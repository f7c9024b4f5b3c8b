package io.cuecast.hls.mp4;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** A minimal ISO BMFF reader for tests: flattens the box tree into paths with their bytes. */
public final class Boxes {
    /** One box: its path from the root ("moov/trak/tkhd") and its full bytes. */
    public record Box(String path, byte[] bytes) {}

    private static final Set<String> CONTAINERS = Set.of("moov", "trak", "mdia", "minf", "dinf", "stbl", "mvex",
            "moof", "traf");

    private Boxes() {
    }

    /** Every box in document order. */
    public static List<Box> flatten(byte[] data) {
        List<Box> out = new ArrayList<>();
        walk(data, 0, data.length, "", out);
        return out;
    }

    private static void walk(byte[] d, int from, int to, String prefix, List<Box> out) {
        int pos = from;
        while (pos < to) {
            long size = ((long) (d[pos] & 0xff) << 24) | ((d[pos + 1] & 0xff) << 16) | ((d[pos + 2] & 0xff) << 8)
                    | (d[pos + 3] & 0xff);
            String type = new String(d, pos + 4, 4, StandardCharsets.US_ASCII);
            if (size < 8 || pos + size > to) {
                throw new AssertionError("bad box " + type + " of size " + size + " at " + pos);
            }
            String path = prefix + type;
            out.add(new Box(path, Arrays.copyOfRange(d, pos, (int) (pos + size))));
            if (CONTAINERS.contains(type)) {
                walk(d, pos + 8, (int) (pos + size), path + "/", out);
            } else if (type.equals("stsd")) {
                walkSampleEntry(d, pos + 16, (int) (pos + size), path + "/", out);
            }
            pos += (int) size;
        }
    }

    private static void walkSampleEntry(byte[] d, int from, int to, String prefix, List<Box> out) {
        String type = new String(d, from + 4, 4, StandardCharsets.US_ASCII);
        out.add(new Box(prefix + type, Arrays.copyOfRange(d, from, to)));
        int header = type.equals("avc1") ? 8 + 78 : 8 + 28; // VisualSampleEntry / AudioSampleEntry
        walk(d, from + header, to, prefix + type + "/", out);
    }

    /** The paths in order. */
    public static List<String> paths(byte[] data) {
        return flatten(data).stream().map(Box::path).toList();
    }

    /** The bytes of the first box at {@code path}. */
    public static byte[] find(byte[] data, String path) {
        return flatten(data).stream().filter(b -> b.path().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("no box " + path)).bytes();
    }
}
