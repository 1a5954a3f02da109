package mmap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Byte and byte-string search over a segment, eight bytes at a time (SWAR), so that
 * scanning runs near memory speed instead of a byte at a time.
 */
public final class ByteSearch {
    private ByteSearch() {}

    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final boolean LITTLE_ENDIAN = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;

    /**
     * Whether the SIMD search is in use: when the JVM has jdk.incubator.vector (started with
     * {@code --add-modules jdk.incubator.vector}) and {@code -Dmmap.vector=false} is not set.
     */
    public static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equals(System.getProperty("mmap.vector"));

    /** The first index in [from, to) holding {@code b}, or -1. */
    public static long indexOf(MemorySegment s, long from, long to, byte b) {
        return VECTOR ? VectorByteSearch.indexOf(s, from, to, b) : indexOfSwar(s, from, to, b);
    }

    /** {@link #indexOf(MemorySegment, long, long, byte)} eight bytes at a time in ordinary registers. */
    public static long indexOfSwar(MemorySegment s, long from, long to, byte b) {
        long pattern = (b & 0xFFL) * ONES;
        long i = from;
        if (LITTLE_ENDIAN) {
            for (; i + 8 <= to; i += 8) {
                long v = s.get(WORD, i) ^ pattern;
                long found = (v - ONES) & ~v & HIGHS;
                // The lowest flagged byte is always a true match (borrows only run upward).
                if (found != 0) return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) if (s.get(ValueLayout.JAVA_BYTE, i) == b) return i;
        return -1;
    }

    /** The first index in [from, to) holding {@code a} or {@code b}, or -1. */
    public static long indexOfEither(MemorySegment s, long from, long to, byte a, byte b) {
        long pa = (a & 0xFFL) * ONES, pb = (b & 0xFFL) * ONES;
        long i = from;
        if (LITTLE_ENDIAN) {
            for (; i + 8 <= to; i += 8) {
                long w = s.get(WORD, i);
                long va = w ^ pa, vb = w ^ pb;
                long found = ((va - ONES) & ~va & HIGHS) | ((vb - ONES) & ~vb & HIGHS);
                if (found != 0) {
                    // Either mask's lowest bit is exact; their union's lowest bit is the nearer of the two.
                    return i + (Long.numberOfTrailingZeros(found) >>> 3);
                }
            }
        }
        for (; i < to; i++) {
            byte x = s.get(ValueLayout.JAVA_BYTE, i);
            if (x == a || x == b) return i;
        }
        return -1;
    }

    /** The first index in [from, to) where {@code needle} starts and ends before {@code to}, or -1. */
    public static long indexOf(MemorySegment s, long from, long to, byte[] needle) {
        int n = needle.length;
        if (n == 0) return from <= to ? from : -1;
        if (n == 1) return indexOf(s, from, to, needle[0]);
        int k = rarestIndex(needle);
        MemorySegment pattern = MemorySegment.ofArray(needle);
        long last = to - n;
        long i = from;
        while (i <= last) {
            long hit = indexOf(s, i + k, last + k + 1, needle[k]);
            if (hit < 0) return -1;
            long start = hit - k;
            if (MemorySegment.mismatch(s, start, start + n, pattern, 0, n) == -1) return start;
            i = start + 1;
        }
        return -1;
    }

    /** The needle byte likeliest to be rare in text: scanning for it gives the fewest false candidates. */
    static int rarestIndex(byte[] needle) {
        int best = 0, bestRank = Integer.MAX_VALUE;
        for (int i = 0; i < needle.length; i++) {
            int r = commonness(needle[i]);
            if (r < bestRank) { bestRank = r; best = i; }
        }
        return best;
    }

    private static int commonness(byte b) {
        int c = b & 0xFF;
        if (c == ' ' || c == 'e' || c == 't' || c == 'a' || c == 'o' || c == 'i' || c == 'n' || c == 's') return 9;
        if (c >= 'a' && c <= 'z') return 7;
        if (c >= '0' && c <= '9') return 6;
        if (c == '\n' || c == '<' || c == '>' || c == '=' || c == '"' || c == ':' || c == '.' || c == ',') return 6;
        if (c >= 'A' && c <= 'Z') return 4;
        if (c >= 0x80) return 3;
        return 2;
    }
}
