package mmap.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the next byte of a set in a heap array, as a few comparisons per word or vector
 * rather than a table lookup per byte: equal to a value (any byte), equal to either case of an
 * ASCII letter, inside an ASCII range, or any byte above 0x7F. A set that needs more than
 * {@link #MAX_OPS} such tests is searched with a table.
 */
final class ByteClassSearch {
    static final int MAX_OPS = 8;

    enum Kind { EQ, FOLD, RANGE, HIGH }

    /** One test: EQ (byte == lo, any byte), FOLD ((byte | 0x20) == lo), RANGE (lo <= byte <= hi, ASCII), HIGH (byte >= 0x80). */
    record Op(Kind kind, int lo, int hi) {}

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long LOWS7 = 0x7F7F7F7F7F7F7F7FL;
    private static final long CASE = 0x2020202020202020L;

    final ByteSet set;
    final Op[] ops;                 // null: use the table
    /** When the set is one EQ or FOLD test: {@code (w | orMask) ^ pattern} has a zero byte where w has a member. */
    final long orMask, pattern;
    final boolean oneTest;
    /**
     * Whether the set is rare in typical text (its commonest byte ranked below 240 of 256:
     * any capital, digit or punctuation but the backslash, and the lower-case letters other
     * than a c d e f i l n o r s t u). A SWAR pair search then tests the second byte only
     * where the first stands, a branch that is then well predicted. Measured over 60 MB of the
     * JDK sources, one thread, SWAR: E, O, w, y, m the first byte, 1.1–1.9× faster this way
     * (C1 and C2); p equal; i and t, ranked 252 and 253, 0.7–0.9×.
     */
    final boolean rare;
    /**
     * When the set is one RANGE test of ASCII bytes: the two addends of that test (see
     * {@link #matches}), so that a pair search of two ranges, such as {@code \d\d}, runs with
     * no call per word (the C1 compiler of a short-lived command does not inline the test).
     */
    final boolean oneRange;
    final long rangeAbove, rangeBelow;
    private final boolean[] table = new boolean[256];
    private final Object vector;    // a VectorClassSearch when SIMD is in use

    ByteClassSearch(ByteSet set) {
        this.set = set;
        for (int b = 0; b < 256; b++) table[b] = set.contains(b);
        this.ops = compile(set);
        this.oneTest = ops != null && ops.length == 1 && (ops[0].kind() == Kind.EQ || ops[0].kind() == Kind.FOLD);
        this.orMask = oneTest && ops[0].kind() == Kind.FOLD ? CASE : 0;
        this.pattern = oneTest ? ops[0].lo() * ONES : 0;
        this.rare = set.worstRank() < 240;
        this.oneRange = ops != null && ops.length == 1 && ops[0].kind() == Kind.RANGE;
        this.rangeAbove = oneRange ? (0x7F - ops[0].hi()) * ONES : 0;
        this.rangeBelow = oneRange ? (0x80 - ops[0].lo()) * ONES : 0;
        this.vector = ops != null && ops.length > 0 && ByteSearch.VECTOR ? VectorClassSearch.of(ops) : null;
    }

    /** The tests that make up the set, or null when more than MAX_OPS are needed. */
    static Op[] compile(ByteSet set) {
        List<Op> out = new ArrayList<>();
        boolean allHigh = true;
        for (int b = 0x80; b < 0x100; b++) allHigh &= set.contains(b);
        if (allHigh) {
            out.add(new Op(Kind.HIGH, 0x80, 0xFF));
        } else {
            // A few bytes above 0x7F, each its own test: a UTF-8 literal's lead and continuation
            // bytes ("«" is C2 AB), which the table loop searched at a third of the speed.
            for (int b = 0x80; b < 0x100; b++) if (set.contains(b)) out.add(new Op(Kind.EQ, b, b));
            if (out.size() > MAX_OPS) return null;
        }
        boolean[] done = new boolean[128];
        // Both cases of a letter, alone, make one test.
        for (int c = 'a'; c <= 'z'; c++) {
            int u = c - 32;
            if (set.contains(c) && set.contains(u) && !(set.contains(c - 1) || set.contains(c + 1) || set.contains(u - 1) || set.contains(u + 1))) {
                out.add(new Op(Kind.FOLD, c, c));
                done[c] = done[u] = true;
            }
        }
        for (int c = 0; c < 128; ) {
            if (!set.contains(c) || done[c]) { c++; continue; }
            int e = c;
            while (e + 1 < 128 && set.contains(e + 1) && !done[e + 1]) e++;
            out.add(e == c ? new Op(Kind.EQ, c, c) : new Op(Kind.RANGE, c, e));
            c = e + 1;
        }
        return out.size() > MAX_OPS ? null : out.toArray(Op[]::new);
    }

    /** The first index in [from, to) whose byte is in the set, or -1. */
    int indexIn(byte[] a, int from, int to) {
        // An empty set: the pattern needs a character this encoding cannot hold, so nothing matches.
        if (ops != null && ops.length == 0) return -1;
        if (vector != null) return ((VectorClassSearch) vector).indexIn(a, from, to, table);
        if (oneTest) return swarOne(a, from, to, orMask, pattern);
        if (ops != null) return swar(a, from, to);
        for (int i = from; i < to; i++) if (table[a[i] & 0xFF]) return i;
        return -1;
    }

    boolean contains(int b) { return table[b & 0xFF]; }

    private int swar(byte[] a, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long w = (long) LONGS.get(a, i);
            long found = 0;
            for (Op op : ops) found |= matches(op, w);
            if (found != 0) return i + (Long.numberOfTrailingZeros(found) >>> 3);
        }
        for (; i < to; i++) if (table[a[i] & 0xFF]) return i;
        return -1;
    }

    private int swarOne(byte[] a, int from, int to, long orMask, long pattern) {
        int i = from;
        for (; i + 16 <= to; i += 16) {
            long f0 = zeroBytes(((long) LONGS.get(a, i) | orMask) ^ pattern);
            long f1 = zeroBytes(((long) LONGS.get(a, i + 8) | orMask) ^ pattern);
            if ((f0 | f1) != 0) return f0 != 0 ? i + (Long.numberOfTrailingZeros(f0) >>> 3) : i + 8 + (Long.numberOfTrailingZeros(f1) >>> 3);
        }
        for (; i < to; i++) if (table[a[i] & 0xFF]) return i;
        return -1;
    }

    /**
     * The first i in [from, to) where {@code a[i]} is in {@code x}'s set and {@code a[i + d]}
     * in {@code y}'s, both one-test sets ({@link #oneTest}); the caller makes sure the array
     * holds the bytes up to {@code to + d}. Two bytes rarely fall together, so this stops far
     * less often than a search for either.
     */
    static int indexOfPair(byte[] a, int from, int to, ByteClassSearch x, ByteClassSearch y, int d) {
        if (x.vector != null && y.vector != null && x.oneTest && y.oneTest) {
            return VectorClassSearch.indexOfPairOne(a, from, to, (byte) x.orMask, (byte) x.ops[0].lo(), (byte) y.orMask, (byte) y.ops[0].lo(), d, x.table, y.table);
        }
        if (x.vector != null && y.vector != null) {
            int hit = VectorClassSearch.indexOfPair(a, from, to, (VectorClassSearch) x.vector, (VectorClassSearch) y.vector, d, x.table, y.table);
            if (hit != -2) return hit;
        }
        int i = from;
        if (x.oneTest && y.oneTest) {
            long mx = x.orMask, px = x.pattern, my = y.orMask, py = y.pattern;
            for (; i + 16 <= to; i += 16) {
                // The cheap zero-byte test may flag a byte above a true zero byte; such a position
                // is only a candidate, which the caller's check of the whole literal rejects.
                long g0 = anyZero(((long) LONGS.get(a, i) | mx) ^ px), g1 = anyZero(((long) LONGS.get(a, i + 8) | mx) ^ px);
                if (x.rare && (g0 | g1) == 0) continue;
                long f0 = g0 & anyZero(((long) LONGS.get(a, i + d) | my) ^ py);
                long f1 = g1 & anyZero(((long) LONGS.get(a, i + 8 + d) | my) ^ py);
                if ((f0 | f1) != 0) return f0 != 0 ? i + (Long.numberOfTrailingZeros(f0) >>> 3) : i + 8 + (Long.numberOfTrailingZeros(f1) >>> 3);
            }
        } else if (x.oneRange && y.oneRange) {
            long ax = x.rangeAbove, bx = x.rangeBelow, ay = y.rangeAbove, by = y.rangeBelow;
            for (; i + 8 <= to; i += 8) {
                long w1 = (long) LONGS.get(a, i), low1 = w1 & LOWS7;
                long f1 = ~(low1 + ax) & (low1 + bx) & ~w1 & HIGHS;
                if (f1 == 0) continue;
                long w2 = (long) LONGS.get(a, i + d), low2 = w2 & LOWS7;
                long f = f1 & ~(low2 + ay) & (low2 + by) & ~w2 & HIGHS;
                if (f != 0) return i + (Long.numberOfTrailingZeros(f) >>> 3);
            }
        } else if (x.ops != null && y.ops != null) {
            for (; i + 8 <= to; i += 8) {
                long w1 = (long) LONGS.get(a, i), w2 = (long) LONGS.get(a, i + d);
                long f1 = 0, f2 = 0;
                for (Op op : x.ops) f1 |= matches(op, w1);
                if (f1 == 0) continue;
                for (Op op : y.ops) f2 |= matches(op, w2);
                long f = f1 & f2;
                if (f != 0) return i + (Long.numberOfTrailingZeros(f) >>> 3);
            }
        }
        for (; i < to; i++) if (x.table[a[i] & 0xFF] && y.table[a[i + d] & 0xFF]) return i;
        return -1;
    }

    /**
     * As {@link #indexOfPair(byte[], int, int, ByteClassSearch, ByteClassSearch, int)} for two
     * one-test sets ({@link #oneTest}), reading a segment in place: a mapping is searched
     * without first being copied to the heap, which cost as long as the search itself. Only
     * whole words starting in [from, to - 15] are tested: the first candidate among them, or
     * -1 (the caller tests the last bytes itself). Reads bytes [from, to + d).
     *
     * <p>SWAR only (a vector load that faults is not covered by the JVM's handler). A load from
     * a page a truncated file no longer backs gives garbage here, so the caller must deliver
     * the pending fault ({@link mmap.posix.Faults#deliverPending()}) before it uses the answer.
     */
    static long indexOfPairWords(MemorySegment s, long from, long to, ByteClassSearch x, ByteClassSearch y, int d) {
        long mx = x.orMask, px = x.pattern, my = y.orMask, py = y.pattern;
        long i = from;
        while (i + 16 <= to) {
            if (x.rare) {
                // Four words at a time while the first byte is absent: one branch per 32 bytes.
                for (; i + 32 <= to; i += 32) {
                    long w0 = (s.get(LONG_LE, i) | mx) ^ px, w1 = (s.get(LONG_LE, i + 8) | mx) ^ px;
                    long w2 = (s.get(LONG_LE, i + 16) | mx) ^ px, w3 = (s.get(LONG_LE, i + 24) | mx) ^ px;
                    if ((anyZero(w0) | anyZero(w1) | anyZero(w2) | anyZero(w3)) != 0) break;
                }
            }
            for (long stop = Math.min(to, i + 32); i + 16 <= stop; i += 16) {
                long g0 = anyZero((s.get(LONG_LE, i) | mx) ^ px), g1 = anyZero((s.get(LONG_LE, i + 8) | mx) ^ px);
                long f0 = g0 & anyZero((s.get(LONG_LE, i + d) | my) ^ py);
                long f1 = g1 & anyZero((s.get(LONG_LE, i + 8 + d) | my) ^ py);
                if ((f0 | f1) != 0) return f0 != 0 ? i + (Long.numberOfTrailingZeros(f0) >>> 3) : i + 8 + (Long.numberOfTrailingZeros(f1) >>> 3);
            }
        }
        return -1;
    }

    /**
     * Each of two to four literals' own pair of one-test positions, the same distance
     * {@code d} apart: literal k is a candidate at i when {@code (a[i] | xOr[k]) == xEq[k]} and
     * {@code (a[i + d] | yOr[k]) == yEq[k]} (and, for triples, the same of z at {@code i + e}). Testing each literal's two bytes together, rather
     * than the union of every literal's first bytes with the union of their second bytes,
     * stops only where one literal's pair stands.
     */
    static final class Pairs {
        static final int MAX = 4;
        final byte[] xOr, xEq, yOr, yEq, zOr, zEq;
        final long[] xOrs, xEqs, yOrs, yEqs;     // each byte in every byte of a word, for SWAR
        final int d;
        /**
         * The third positions' distance from the first, 0 for none: then every third test is
         * {@code (b | 0xFF) == 0xFF}, true of any byte, so that {@link #at} serves pairs and
         * triples alike (the SIMD kernels test a pair's second position twice instead).
         */
        final int e;

        private Pairs(byte[][] tests, int d, int e) {
            xOr = tests[0];
            xEq = tests[1];
            yOr = tests[2];
            yEq = tests[3];
            zOr = tests[4];
            zEq = tests[5];
            this.d = d;
            this.e = e;
            xOrs = wide(xOr);
            xEqs = wide(xEq);
            yOrs = wide(yOr);
            yEqs = wide(yEq);
        }

        private static long[] wide(byte[] bs) {
            long[] w = new long[bs.length];
            for (int k = 0; k < bs.length; k++) w[k] = (bs[k] & 0xFFL) * ONES;
            return w;
        }

        /**
         * {@return the pairs (with third positions when {@code third} is not null), or null unless
         * there are 2..MAX sets a side, each one EQ or FOLD test}
         */
        static Pairs of(ByteSet[] first, ByteSet[] second, int d, ByteSet[] third, int e) {
            int n = first.length;
            if (n < 2 || n > MAX) return null;
            byte[][] tests = new byte[6][n];
            for (int k = 0; k < n; k++) {
                ByteSet[] sets = {first[k], second[k], third == null ? null : third[k]};
                for (int j = 0; j < 3; j++) {
                    if (sets[j] == null) {
                        tests[2 * j][k] = tests[2 * j + 1][k] = (byte) 0xFF;
                        continue;
                    }
                    Op op = oneTestOp(sets[j]);
                    if (op == null) return null;
                    tests[2 * j][k] = (byte) (op.kind() == Kind.FOLD ? 0x20 : 0);
                    tests[2 * j + 1][k] = (byte) op.lo();
                }
            }
            return new Pairs(tests, d, third == null ? 0 : e);
        }

        /** Whether some literal's pair (and third) stands at {@code i}. */
        boolean at(byte[] a, int i) {
            for (int k = 0; k < xOr.length; k++) {
                if ((byte) (a[i] | xOr[k]) == xEq[k] && (byte) (a[i + d] | yOr[k]) == yEq[k]
                        && (byte) (a[i + e] | zOr[k]) == zEq[k]) return true;
            }
            return false;
        }
    }

    /** The set's one EQ or FOLD test, or null when it takes another kind or several. */
    static Op oneTestOp(ByteSet set) {
        Op[] ops = compile(set);
        return ops != null && ops.length == 1 && (ops[0].kind() == Kind.EQ || ops[0].kind() == Kind.FOLD) ? ops[0] : null;
    }

    /**
     * The first i in [from, to) where some literal's pair stands ({@link Pairs}); the caller
     * makes sure the array holds the bytes up to {@code to + p.d}.
     */
    static int indexOfPairs(byte[] a, int from, int to, Pairs p) {
        if (ByteSearch.VECTOR) return VectorClassSearch.indexOfPairs(a, from, to, p);
        // Third positions are planned only under SIMD (in SWAR a third test costs more than the
        // stops it saves), so this tests the pairs alone.
        int n = p.xOr.length, d = p.d;
        long[] xo = p.xOrs, xe = p.xEqs, yo = p.yOrs, ye = p.yEqs;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long w1 = (long) LONGS.get(a, i), w2 = (long) LONGS.get(a, i + d);
            long f = 0;
            // The cheap zero-byte test may flag a byte above a true zero byte: a candidate only.
            for (int k = 0; k < n; k++) f |= anyZero((w1 | xo[k]) ^ xe[k]) & anyZero((w2 | yo[k]) ^ ye[k]);
            if (f != 0) return i + (Long.numberOfTrailingZeros(f) >>> 3);
        }
        for (; i < to; i++) if (p.at(a, i)) return i;
        return -1;
    }

    /**
     * The first i in [from, to) where {@code a[i]}, {@code a[i + d]} and {@code a[i + e]} are in
     * the sets of {@code x}, {@code y} and {@code z}, all three one-test sets ({@link #oneTest});
     * the caller makes sure the array holds the bytes up to {@code to + max(d, e)}. SIMD only
     * ({@link ProbePlan} plans no triple without it).
     */
    static int indexOfTriple(byte[] a, int from, int to, ByteClassSearch x, ByteClassSearch y, int d, ByteClassSearch z, int e) {
        return VectorClassSearch.indexOfTriple(a, from, to, (byte) x.orMask, (byte) x.ops[0].lo(), (byte) y.orMask, (byte) y.ops[0].lo(), d,
                (byte) z.orMask, (byte) z.ops[0].lo(), e, x.table, y.table, z.table);
    }

    /** Nonzero when {@code v} has a zero byte; its lowest set bit marks the first zero byte exactly. */
    private static long anyZero(long v) {
        return (v - ONES) & ~v & HIGHS;
    }

    /** The high bit of each byte of {@code w} that passes the test, exactly (no borrow between bytes). */
    static long matches(Op op, long w) {
        switch (op.kind()) {
            case EQ: return zeroBytes(w ^ (op.lo() * ONES));
            case FOLD: return zeroBytes((w | CASE) ^ (op.lo() * ONES));
            case HIGH: return w & HIGHS;
            default: {
                // ASCII bytes in [lo, hi]: (x & 0x7f) + (0x7f - hi) keeps the high bit clear iff x <= hi, and
                // (x & 0x7f) + (0x80 - lo) sets it iff x >= lo; neither sum carries across bytes.
                long low = w & LOWS7;
                long notAbove = ~(low + (0x7F - op.hi()) * ONES);
                long notBelow = low + (0x80 - op.lo()) * ONES;
                return notAbove & notBelow & ~w & HIGHS;
            }
        }
    }

    /** The high bit of each zero byte of {@code v}, exactly. */
    private static long zeroBytes(long v) {
        return ~(((v & LOWS7) + LOWS7) | v | LOWS7);
    }
}
