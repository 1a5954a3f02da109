package mmap.internal;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte and byte-string search at memory speed: SIMD (jdk.incubator.vector) when the JVM has
 * the module, otherwise eight bytes at a time in ordinary registers (SWAR).
 *
 * <p>Searches run over heap arrays. A search of a mapping copies it block by block into a
 * heap buffer first ({@link Access}): the copy stops cleanly if the file was truncated,
 * whereas a vector load from a vanished page would kill the JVM.
 */
public final class ByteSearch {
    private ByteSearch() {}

    /**
     * Whether the SIMD search is in use: when the JVM has jdk.incubator.vector (started with
     * {@code --add-modules jdk.incubator.vector}) and {@code -Dmmap.vector=false} is not set.
     */
    public static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equals(System.getProperty("mmap.vector"));

    /** Bytes copied from a mapping per step: small enough to stay in L2, large enough to amortise the copy. */
    static final int BLOCK = 64 * 1024;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[BLOCK + 4096]);

    // ---- over heap arrays ----

    /**
     * {@return the first index in [from, to) holding {@code b}, or -1}
     * @param a the array
     * @param from first byte offset of the range (inclusive)
     * @param to end byte offset of the range (exclusive)
     * @param b the byte to find
     */
    public static int indexOf(byte[] a, int from, int to, byte b) {
        return VECTOR ? VectorByteSearch.indexOf(a, from, to, b) : indexOfSwar(a, from, to, b);
    }

    /**
     * {@return how many bytes in [from, to) are {@code b}}
     * @param a the array
     * @param from first byte offset of the range (inclusive)
     * @param to end byte offset of the range (exclusive)
     * @param b the byte to count
     */
    public static int count(byte[] a, int from, int to, byte b) {
        long pattern = (b & 0xFFL) * ONES;
        int n = 0, i = from;
        while (i + 8 <= to) {
            // Each byte lane counts its own hits, up to 255 words at a time, and the lanes are
            // added up once per batch: no bit count per word, which C1 does not compile inline.
            long lanes = 0;
            int batchEnd = (int) Math.min(to - 7L, i + 255L * 8);
            for (; i < batchEnd; i += 8) {
                long v = (long) LONGS.get(a, i) ^ pattern;
                lanes += (~(((v & ~HIGHS) + ~HIGHS) | v | ~HIGHS)) >>> 7;   // exact: 1 in each zero byte
            }
            long pairs = (lanes & 0x00FF00FF00FF00FFL) + ((lanes >>> 8) & 0x00FF00FF00FF00FFL);
            n += (int) ((pairs * 0x0001000100010001L) >>> 48);
        }
        for (; i < to; i++) if (a[i] == b) n++;
        return n;
    }

    /**
     * {@link #indexOf(byte[], int, int, byte)} eight bytes at a time in ordinary registers.
     * @param a the array
     * @param from first byte offset of the range (inclusive)
     * @param to end byte offset of the range (exclusive)
     * @param b the byte to find
     * @return the index of the first {@code b}, or -1
     */
    public static int indexOfSwar(byte[] a, int from, int to, byte b) {
        long pattern = (b & 0xFFL) * ONES;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long v = (long) LONGS.get(a, i) ^ pattern;
            long found = (v - ONES) & ~v & HIGHS;
            // The lowest flagged byte is always a true match (borrows only run upward).
            if (found != 0) return i + (Long.numberOfTrailingZeros(found) >>> 3);
        }
        for (; i < to; i++) if (a[i] == b) return i;
        return -1;
    }

    /**
     * {@return the first index in [from, to) holding {@code x} or {@code y}, or -1}
     * @param a the array
     * @param from first byte offset of the range (inclusive)
     * @param to end byte offset of the range (exclusive)
     * @param x one byte to find
     * @param y the other byte to find
     */
    public static int indexOfEither(byte[] a, int from, int to, byte x, byte y) {
        long px = (x & 0xFFL) * ONES, py = (y & 0xFFL) * ONES;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long w = (long) LONGS.get(a, i);
            long vx = w ^ px, vy = w ^ py;
            long found = ((vx - ONES) & ~vx & HIGHS) | ((vy - ONES) & ~vy & HIGHS);
            // Either mask's lowest bit is exact; their union's lowest bit is the nearer of the two.
            if (found != 0) return i + (Long.numberOfTrailingZeros(found) >>> 3);
        }
        for (; i < to; i++) if (a[i] == x || a[i] == y) return i;
        return -1;
    }

    /**
     * {@return the last index in [from, to) holding {@code b}, or -1}
     * @param a the array
     * @param from first byte offset of the range (inclusive)
     * @param to end byte offset of the range (exclusive)
     * @param b the byte to find
     */
    public static int lastIndexOf(byte[] a, int from, int to, byte b) {
        long pattern = (b & 0xFFL) * ONES;
        int i = to;
        for (; i - 8 >= from; i -= 8) {
            long v = (long) LONGS.get(a, i - 8) ^ pattern;
            // Exact per byte (no borrow across bytes): (v & 0x7f..) + 0x7f.. sets the high bit of every nonzero byte.
            long zero = ~(((v & ~HIGHS) + ~HIGHS) | v | ~HIGHS);
            if (zero != 0) return i - 8 + (63 - Long.numberOfLeadingZeros(zero)) / 8;
        }
        for (i--; i >= from; i--) if (a[i] == b) return i;
        return -1;
    }

    /**
     * {@return the first index in [from, to) where all of {@code needle} lies, or -1}
     * @param a the array
     * @param from first byte offset of the range (inclusive)
     * @param to end byte offset of the range (exclusive)
     * @param needle the bytes to find
     */
    public static int indexOf(byte[] a, int from, int to, byte[] needle) {
        int n = needle.length;
        if (n == 0) return from <= to ? from : -1;
        if (n == 1) return indexOf(a, from, to, needle[0]);
        int k = ByteFrequency.rarestIndex(needle);
        byte probe = needle[k];
        int last = to - n;
        int i = from;
        while (i <= last) {
            int hit = indexOf(a, i + k, last + k + 1, probe);
            if (hit < 0) return -1;
            int start = hit - k;
            if (equalAt(a, start, needle)) return start;
            i = start + 1;
        }
        return -1;
    }

    private static boolean equalAt(byte[] a, int at, byte[] needle) {
        for (int j = 0; j < needle.length; j++) if (a[at + j] != needle[j]) return false;
        return true;
    }

    // ---- over segments, through heap copies ----

    /**
     * {@return the first index in [from, to) of the segment holding {@code b}, or -1}
     * @param s the segment
     * @param from first byte offset of the range (inclusive)
     * @param to end byte offset of the range (exclusive)
     * @param b the byte to find
     */
    public static long indexOf(MemorySegment s, long from, long to, byte b) {
        return indexOf(s, from, to, new byte[]{b});
    }

    /**
     * {@return the first index in [from, to) of the segment where all of {@code needle} lies, or -1}
     * @param s the segment
     * @param from first byte offset of the range (inclusive)
     * @param to end byte offset of the range (exclusive)
     * @param needle the bytes to find
     */
    public static long indexOf(MemorySegment s, long from, long to, byte[] needle) {
        int n = needle.length;
        if (n == 0) return from <= to ? from : -1;
        byte[] buf = n <= 4096 ? BUFFER.get() : new byte[BLOCK + n];
        long pos = from;
        while (to - pos >= n) {
            int len = (int) Math.min(to - pos, BLOCK + n - 1);
            Access.copy(s, pos, buf, 0, len);
            int hit = indexOf(buf, 0, len, needle);
            if (hit >= 0) return pos + hit;
            // The next block starts where a needle cut at this block's end would begin.
            pos += len - (n - 1);
        }
        return -1;
    }
}
