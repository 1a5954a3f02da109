package mmap.internal;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The byte search with SIMD registers (jdk.incubator.vector). Loaded only when the JVM runs
 * with {@code --add-modules jdk.incubator.vector}; it reads heap arrays only, never a mapping.
 */
final class VectorByteSearch {
    private VectorByteSearch() {}

    static final VectorSpecies<Byte> SPECIES = ByteVector.SPECIES_PREFERRED;

    static int indexOf(byte[] a, int from, int to, byte b) {
        int lanes = SPECIES.length();
        int i = from;
        for (; i + lanes <= to; i += lanes) {
            VectorMask<Byte> hit = ByteVector.fromArray(SPECIES, a, i).eq(b);
            if (hit.anyTrue()) return i + hit.firstTrue();
        }
        for (; i < to; i++) if (a[i] == b) return i;
        return -1;
    }
}
