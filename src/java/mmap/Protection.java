package mmap;

import java.util.Set;
import mmap.posix.Mman;

/** Access a mapping allows, for {@link MappedFile#protect(Set)}; the empty set is PROT_NONE. */
public enum Protection {
    /** PROT_READ. */
    READ(Mman.PROT_READ),
    /** PROT_WRITE. */
    WRITE(Mman.PROT_WRITE),
    /** PROT_EXEC. */
    EXEC(Mman.PROT_EXEC);

    private final int bits;

    Protection(int bits) { this.bits = bits; }

    /** {@return the PROT_ bit} */
    public int bits() { return bits; }

    /** {@return the keyword Clojure uses for it: {@code "read"}, {@code "write"} or {@code "exec"}} */
    public String keyword() { return name().toLowerCase(java.util.Locale.ROOT); }

    /**
     * {@return the PROT_ bits of a set; 0 (PROT_NONE) for the empty set}
     * @param set the protections
     */
    public static int bitsOf(Set<Protection> set) {
        int b = Mman.PROT_NONE;
        for (Protection p : set) b |= p.bits;
        return b;
    }
}
