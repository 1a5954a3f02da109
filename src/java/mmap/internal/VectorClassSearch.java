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

    private VectorClassSearch(ByteClassSearch.Op[] ops) {
        kinds = new ByteClassSearch.Kind[ops.length];
        lo = new byte[ops.length];
        width = new byte[ops.length];
        for (int i = 0; i < ops.length; i++) {
            kinds[i] = ops[i].kind();
            lo[i] = (byte) ops[i].lo();
            width[i] = (byte) (ops[i].hi() - ops[i].lo());
        }
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
