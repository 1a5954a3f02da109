package mmap.internal;

/** A set of byte values, as 256 bits. */
final class ByteSet {
    private final long[] bits = new long[4];

    static ByteSet of(int... bytes) {
        ByteSet s = new ByteSet();
        for (int b : bytes) s.add(b);
        return s;
    }

    static ByteSet range(int lo, int hi) {
        ByteSet s = new ByteSet();
        for (int b = lo; b <= hi; b++) s.add(b);
        return s;
    }

    void add(int b) { bits[(b & 0xFF) >>> 6] |= 1L << (b & 63); }

    void addAll(ByteSet o) { for (int i = 0; i < 4; i++) bits[i] |= o.bits[i]; }

    boolean contains(int b) { return (bits[(b & 0xFF) >>> 6] & (1L << (b & 63))) != 0; }

    boolean intersects(ByteSet o) {
        for (int i = 0; i < 4; i++) if ((bits[i] & o.bits[i]) != 0) return true;
        return false;
    }

    int size() { return Long.bitCount(bits[0]) + Long.bitCount(bits[1]) + Long.bitCount(bits[2]) + Long.bitCount(bits[3]); }

    boolean isEmpty() { return size() == 0; }

    /** The members in ascending order. */
    int[] members() {
        int[] out = new int[size()];
        int n = 0;
        for (int b = 0; b < 256; b++) if (contains(b)) out[n++] = b;
        return out;
    }

    /** The commonest member's rank in real text ({@link ByteFrequency}): how often a search for this set stops. */
    int worstRank() {
        int worst = -1;
        for (int b = 0; b < 256; b++) if (contains(b)) worst = Math.max(worst, ByteFrequency.rank(b));
        return worst;
    }

    ByteSet copy() {
        ByteSet s = new ByteSet();
        s.addAll(this);
        return s;
    }

    @Override public boolean equals(Object o) { return o instanceof ByteSet b && java.util.Arrays.equals(bits, b.bits); }
    @Override public int hashCode() { return java.util.Arrays.hashCode(bits); }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int b : members()) {
            if (sb.length() > 1) sb.append(' ');
            sb.append(b >= 0x21 && b < 0x7F ? String.valueOf((char) b) : String.format("%02x", b));
        }
        return sb.append('}').toString();
    }
}
