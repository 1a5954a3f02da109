package mmap.internal;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ByteClassSearch} with SIMD registers, over heap arrays only. Loaded only when the JVM
 * runs with {@code --add-modules jdk.incubator.vector}.
 */
final class VectorClassSearch {
    private static final VectorSpecies<Byte> SPECIES = ByteVector.SPECIES_PREFERRED;

    private final ByteClassSearch.Kind[] kinds;
    private final byte[] lo, width;
    // A set of several tests as two 16-entry tables, one per nibble: a byte is in the set when
    // loTable[low nibble] & hiTable[high nibble] is nonzero (bit j stands for the j-th distinct
    // high nibble). Looked up with one shuffle each, whatever the number of tests; null when
    // the set has more than eight distinct high nibbles.
    private final ByteVector loTable, hiTable;

    private VectorClassSearch(ByteClassSearch.Op[] ops) {
        kinds = new ByteClassSearch.Kind[ops.length];
        lo = new byte[ops.length];
        width = new byte[ops.length];
        for (int i = 0; i < ops.length; i++) {
            kinds[i] = ops[i].kind();
            lo[i] = (byte) ops[i].lo();
            width[i] = (byte) (ops[i].hi() - ops[i].lo());
        }
        ByteVector[] tables = nibbleTables(ops);
        loTable = tables == null ? null : tables[0];
        hiTable = tables == null ? null : tables[1];
    }

    private static ByteVector[] nibbleTables(ByteClassSearch.Op[] ops) {
        boolean[] member = new boolean[256];
        for (int b = 0; b < 256; b++) {
            for (ByteClassSearch.Op op : ops) {
                if (ByteClassSearch.matches(op, b * 0x0101010101010101L) != 0) member[b] = true;
            }
        }
        byte[] lo = new byte[SPECIES.length()], hi = new byte[SPECIES.length()];
        int bit = 0;
        for (int h = 0; h < 16; h++) {
            boolean any = false;
            for (int l = 0; l < 16; l++) if (member[h << 4 | l]) any = true;
            if (!any) continue;
            if (bit == 8) return null;
            hi[h] = (byte) (1 << bit);
            for (int l = 0; l < 16; l++) if (member[h << 4 | l]) lo[l] |= (byte) (1 << bit);
            bit++;
        }
        return new ByteVector[]{ByteVector.fromArray(SPECIES, lo, 0), ByteVector.fromArray(SPECIES, hi, 0)};
    }

    static VectorClassSearch of(ByteClassSearch.Op[] ops) {
        return new VectorClassSearch(ops);
    }

    int indexIn(byte[] a, int from, int to, boolean[] table) {
        int lanes = SPECIES.length();
        int i = from;
        if (kinds.length == 1) {
            ByteClassSearch.Kind k = kinds[0];
            byte l = lo[0], w = width[0];
            for (; i + lanes <= to; i += lanes) {
                ByteVector v = ByteVector.fromArray(SPECIES, a, i);
                VectorMask<Byte> m = test(k, v, l, w);
                if (m.anyTrue()) return i + m.firstTrue();
            }
        } else if (loTable != null) {
            // Several tests as one lookup: a loop over the tests left the JIT boxing vectors once
            // it had seen sets of different sizes ([-'] as the probe of [a-zA-Z]+(?:[-'][a-zA-Z]+)+,
            // after other patterns in one JVM: 0.66 s over 40 MB of the JDK sources, 0.04-0.08 s otherwise).
            ByteVector lt = loTable, ht = hiTable;
            for (; i + lanes <= to; i += lanes) {
                VectorMask<Byte> m = inTables(ByteVector.fromArray(SPECIES, a, i), lt, ht);
                if (m.anyTrue()) return i + m.firstTrue();
            }
        } else {
            for (; i + lanes <= to; i += lanes) {
                ByteVector v = ByteVector.fromArray(SPECIES, a, i);
                VectorMask<Byte> m = test(kinds[0], v, lo[0], width[0]);
                for (int k = 1; k < kinds.length; k++) m = m.or(test(kinds[k], v, lo[k], width[k]));
                if (m.anyTrue()) return i + m.firstTrue();
            }
        }
        for (; i < to; i++) if (table[a[i] & 0xFF]) return i;
        return -1;
    }

    /**
     * {@link ByteClassSearch#indexOfPair}: bytes of {@code x} with bytes of {@code y} {@code d}
     * later, both sets looked up by their nibble tables; or -2 when a set has none. One
     * straight-line loop for every pair of sets: a loop over each set's tests here would leave
     * the JIT boxing vectors once it has seen sets of different sizes.
     */
    static int indexOfPair(byte[] a, int from, int to, VectorClassSearch x, VectorClassSearch y, int d, boolean[] xt, boolean[] yt) {
        if (x.loTable == null || y.loTable == null) return -2;
        ByteVector xl = x.loTable, xh = x.hiTable, yl = y.loTable, yh = y.hiTable;
        int lanes = SPECIES.length();
        int i = from;
        for (; i + lanes <= to; i += lanes) {
            VectorMask<Byte> m = inTables(ByteVector.fromArray(SPECIES, a, i), xl, xh);
            if (!m.anyTrue()) continue;
            m = m.and(inTables(ByteVector.fromArray(SPECIES, a, i + d), yl, yh));
            if (m.anyTrue()) return i + m.firstTrue();
        }
        for (; i < to; i++) if (xt[a[i] & 0xFF] && yt[a[i + d] & 0xFF]) return i;
        return -1;
    }

    /** {@link #indexOfPair} for two one-test sets: {@code (b | or) == eq} for each. */
    static int indexOfPairOne(byte[] a, int from, int to, byte xOr, byte xEq, byte yOr, byte yEq, int d, boolean[] xt, boolean[] yt) {
        int lanes = SPECIES.length();
        int i = from;
        for (; i + lanes <= to; i += lanes) {
            VectorMask<Byte> m = ByteVector.fromArray(SPECIES, a, i).or(xOr).eq(xEq);
            if (!m.anyTrue()) continue;
            m = m.and(ByteVector.fromArray(SPECIES, a, i + d).or(yOr).eq(yEq));
            if (m.anyTrue()) return i + m.firstTrue();
        }
        for (; i < to; i++) if (xt[a[i] & 0xFF] && yt[a[i + d] & 0xFF]) return i;
        return -1;
    }

    /** {@link ByteClassSearch#indexOfTriple}: three one-test sets, {@code (b | or) == eq} for each, with no branch but the one per vector. */
    static int indexOfTriple(byte[] a, int from, int to, byte xOr, byte xEq, byte yOr, byte yEq, int d, byte zOr, byte zEq, int e,
                             boolean[] xt, boolean[] yt, boolean[] zt) {
        int lanes = SPECIES.length();
        int i = from;
        for (; i + lanes <= to; i += lanes) {
            VectorMask<Byte> m = ByteVector.fromArray(SPECIES, a, i).or(xOr).eq(xEq)
                    .and(ByteVector.fromArray(SPECIES, a, i + d).or(yOr).eq(yEq))
                    .and(ByteVector.fromArray(SPECIES, a, i + e).or(zOr).eq(zEq));
            if (m.anyTrue()) return i + m.firstTrue();
        }
        for (; i < to; i++) if (xt[a[i] & 0xFF] && yt[a[i + d] & 0xFF] && zt[a[i + e] & 0xFF]) return i;
        return -1;
    }

    /**
     * {@link ByteClassSearch#indexOfPairs}. Each literal's tests are held in registers for the
     * whole loop, so the kernel is chosen by what fits the CPU's sixteen: a kernel for up to
     * three literals and one for four, each with and without the OR that folds case (unused
     * slots repeat the first). A pair is searched as a triple whose third test repeats the
     * second: the load it adds costs less than a second set of kernels would cost in code.
     * Measured on the JDK's sources, ERROR|WARN|FATAL: one kernel for four slots with ORs
     * (24 broadcast registers, spilled) ran at 2.2 GB/s, three slots without ORs at 7.3.
     */
    static int indexOfPairs(byte[] a, int from, int to, ByteClassSearch.Pairs p) {
        int n = p.xOr.length, d = p.d;
        int k1 = 1, k2 = Math.min(2, n - 1), k3 = Math.min(3, n - 1);
        boolean third = p.e != 0;
        byte[] xo = p.xOr, xe = p.xEq, yo = p.yOr, ye = p.yEq;
        byte[] zo = third ? p.zOr : yo, ze = third ? p.zEq : ye;
        int e = third ? p.e : d;
        boolean fold = false;
        for (int k = 0; k < n; k++) fold |= (xo[k] | yo[k] | zo[k]) != 0;
        int hit = fold
                ? (n <= 3 ? folded3(a, from, to, d, e, xo[0], xe[0], yo[0], ye[0], zo[0], ze[0], xo[k1], xe[k1], yo[k1], ye[k1], zo[k1], ze[k1],
                                    xo[k2], xe[k2], yo[k2], ye[k2], zo[k2], ze[k2])
                          : folded4(a, from, to, d, e, xo, xe, yo, ye, zo, ze))
                : (n <= 3 ? exact3(a, from, to, d, e, xe[0], ye[0], ze[0], xe[k1], ye[k1], ze[k1], xe[k2], ye[k2], ze[k2])
                          : exact4(a, from, to, d, e, xe[0], ye[0], ze[0], xe[k1], ye[k1], ze[k1], xe[k2], ye[k2], ze[k2], xe[k3], ye[k3], ze[k3]));
        if (hit >= 0) return hit;
        int i = -hit - 1;
        for (; i < to; i++) if (p.at(a, i)) return i;
        return -1;
    }

    // The kernels return the first hit, or -(i + 1) for the i where the vector loop stopped.

    private static int exact3(byte[] a, int from, int to, int d, int e, byte x0, byte y0, byte z0, byte x1, byte y1, byte z1,
                              byte x2, byte y2, byte z2) {
        int lanes = SPECIES.length();
        int i = from;
        for (; i + lanes <= to; i += lanes) {
            ByteVector v = ByteVector.fromArray(SPECIES, a, i), w = ByteVector.fromArray(SPECIES, a, i + d),
                    u = ByteVector.fromArray(SPECIES, a, i + e);
            VectorMask<Byte> m = v.eq(x0).and(w.eq(y0)).and(u.eq(z0))
                    .or(v.eq(x1).and(w.eq(y1)).and(u.eq(z1)))
                    .or(v.eq(x2).and(w.eq(y2)).and(u.eq(z2)));
            if (m.anyTrue()) return i + m.firstTrue();
        }
        return -i - 1;
    }

    private static int exact4(byte[] a, int from, int to, int d, int e, byte x0, byte y0, byte z0, byte x1, byte y1, byte z1,
                              byte x2, byte y2, byte z2, byte x3, byte y3, byte z3) {
        int lanes = SPECIES.length();
        int i = from;
        for (; i + lanes <= to; i += lanes) {
            ByteVector v = ByteVector.fromArray(SPECIES, a, i), w = ByteVector.fromArray(SPECIES, a, i + d),
                    u = ByteVector.fromArray(SPECIES, a, i + e);
            VectorMask<Byte> m = v.eq(x0).and(w.eq(y0)).and(u.eq(z0))
                    .or(v.eq(x1).and(w.eq(y1)).and(u.eq(z1)))
                    .or(v.eq(x2).and(w.eq(y2)).and(u.eq(z2)))
                    .or(v.eq(x3).and(w.eq(y3)).and(u.eq(z3)));
            if (m.anyTrue()) return i + m.firstTrue();
        }
        return -i - 1;
    }

    private static int folded3(byte[] a, int from, int to, int d, int e,
                               byte xo0, byte x0, byte yo0, byte y0, byte zo0, byte z0,
                               byte xo1, byte x1, byte yo1, byte y1, byte zo1, byte z1,
                               byte xo2, byte x2, byte yo2, byte y2, byte zo2, byte z2) {
        int lanes = SPECIES.length();
        int i = from;
        for (; i + lanes <= to; i += lanes) {
            ByteVector v = ByteVector.fromArray(SPECIES, a, i), w = ByteVector.fromArray(SPECIES, a, i + d),
                    u = ByteVector.fromArray(SPECIES, a, i + e);
            VectorMask<Byte> m = v.or(xo0).eq(x0).and(w.or(yo0).eq(y0)).and(u.or(zo0).eq(z0))
                    .or(v.or(xo1).eq(x1).and(w.or(yo1).eq(y1)).and(u.or(zo1).eq(z1)))
                    .or(v.or(xo2).eq(x2).and(w.or(yo2).eq(y2)).and(u.or(zo2).eq(z2)));
            if (m.anyTrue()) return i + m.firstTrue();
        }
        return -i - 1;
    }

    /** Four literals, some folding case: two passes of {@link #folded3} would read the text twice; this spills instead. */
    private static int folded4(byte[] a, int from, int to, int d, int e, byte[] xo, byte[] xe, byte[] yo, byte[] ye, byte[] zo, byte[] ze) {
        byte xo0 = xo[0], xe0 = xe[0], yo0 = yo[0], ye0 = ye[0], zo0 = zo[0], ze0 = ze[0];
        byte xo1 = xo[1], xe1 = xe[1], yo1 = yo[1], ye1 = ye[1], zo1 = zo[1], ze1 = ze[1];
        byte xo2 = xo[2], xe2 = xe[2], yo2 = yo[2], ye2 = ye[2], zo2 = zo[2], ze2 = ze[2];
        byte xo3 = xo[3], xe3 = xe[3], yo3 = yo[3], ye3 = ye[3], zo3 = zo[3], ze3 = ze[3];
        int lanes = SPECIES.length();
        int i = from;
        for (; i + lanes <= to; i += lanes) {
            ByteVector v = ByteVector.fromArray(SPECIES, a, i), w = ByteVector.fromArray(SPECIES, a, i + d),
                    u = ByteVector.fromArray(SPECIES, a, i + e);
            VectorMask<Byte> m = v.or(xo0).eq(xe0).and(w.or(yo0).eq(ye0)).and(u.or(zo0).eq(ze0))
                    .or(v.or(xo1).eq(xe1).and(w.or(yo1).eq(ye1)).and(u.or(zo1).eq(ze1)))
                    .or(v.or(xo2).eq(xe2).and(w.or(yo2).eq(ye2)).and(u.or(zo2).eq(ze2)))
                    .or(v.or(xo3).eq(xe3).and(w.or(yo3).eq(ye3)).and(u.or(zo3).eq(ze3)));
            if (m.anyTrue()) return i + m.firstTrue();
        }
        return -i - 1;
    }

    private static VectorMask<Byte> inTables(ByteVector v, ByteVector loTable, ByteVector hiTable) {
        ByteVector l = v.and((byte) 0x0F).selectFrom(loTable);
        ByteVector h = v.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).selectFrom(hiTable);
        return l.and(h).compare(VectorOperators.NE, (byte) 0);
    }

    private static VectorMask<Byte> test(ByteClassSearch.Kind k, ByteVector v, byte lo, byte width) {
        switch (k) {
            case EQ: return v.eq(lo);
            case FOLD: return v.or((byte) 0x20).eq(lo);
            case HIGH: return v.lt((byte) 0);
            // An ASCII range; bytes above 0x7F are negative, so below any lo. (The names of unsigned
            // comparisons differ between JDK releases of the incubator module; these do not.)
            default: return v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, (byte) (lo + width)));
        }
    }
}
