package mmap;

import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A run of numbers in a mapping: {@code count} elements of one {@link ElementType} in one
 * byte order, from a byte offset. It reads through the mapping each time (no copy), lives and
 * dies with it, and reads nothing when made.
 *
 * <p>Integers come out as {@code long} (unsigned ones as non-negative longs), floating-point
 * numbers as {@code double}. Bulk reads copy blocks into primitive arrays, which the JIT sums
 * and scans at memory speed: see {@link #sumLong}, {@link #sumDouble} and {@link #copyTo}.
 */
public final class ElementView {
    /** Elements per block of the bulk reads (64 KiB of longs). */
    static final int BLOCK = 8192;

    private final MappedFile file;
    private final long offset;
    private final long count;
    private final ElementType type;
    private final ByteOrder order;

    /**
     * A view of {@code count} elements of {@code type} at byte {@code offset} of {@code file}.
     *
     * @param file the mapping
     * @param offset the byte offset of element 0
     * @param count how many elements
     * @param type their type
     * @param order their byte order
     * @throws IndexOutOfBoundsException when the elements do not fit in the mapping
     */
    public ElementView(MappedFile file, long offset, long count, ElementType type, ByteOrder order) {
        this.file = Objects.requireNonNull(file, "file");
        this.type = Objects.requireNonNull(type, "type");
        this.order = Objects.requireNonNull(order, "order");
        if (offset < 0 || count < 0 || count > (Long.MAX_VALUE - offset) / type.size() || offset + count * type.size() > file.size()) {
            throw new IndexOutOfBoundsException(count + " elements of " + type + " from byte " + offset
                    + " do not fit in the mapping of " + file.size() + " bytes");
        }
        this.offset = offset;
        this.count = count;
    }

    /**
     * A view of every whole element from {@code offset} to the end of the mapping.
     *
     * @param file the mapping
     * @param offset the byte offset of element 0
     * @param type the element type
     * @param order the byte order
     * @return the view
     */
    public static ElementView toEnd(MappedFile file, long offset, ElementType type, ByteOrder order) {
        return new ElementView(file, offset, Math.max(0, file.size() - offset) / type.size(), type, order);
    }

    /** {@return the mapping the elements are in} */
    public MappedFile file() { return file; }

    /** {@return the byte offset of element 0} */
    public long offset() { return offset; }

    /** {@return the number of elements} */
    public long count() { return count; }

    /** {@return the element type} */
    public ElementType type() { return type; }

    /** {@return the byte order} */
    public ByteOrder order() { return order; }

    private long at(long i) {
        Objects.checkIndex(i, count);
        return offset + i * type.size();
    }

    /**
     * Element {@code i} as a long: integers exactly (unsigned ones non-negative), floating
     * point truncated toward zero as a cast does.
     *
     * @param i the element index
     * @return the value
     */
    public long getLong(long i) {
        long p = at(i);
        return switch (type) {
            case INT8 -> file.getByte(p);
            case UINT8 -> file.getByte(p) & 0xFFL;
            case INT16 -> file.getShort(p, order);
            case UINT16 -> file.getShort(p, order) & 0xFFFFL;
            case INT32 -> file.getInt(p, order);
            case UINT32 -> file.getInt(p, order) & 0xFFFFFFFFL;
            case INT64 -> file.getLong(p, order);
            case FLOAT32 -> (long) file.getFloat(p, order);
            case FLOAT64 -> (long) file.getDouble(p, order);
        };
    }

    /**
     * Element {@code i} as a double (64-bit integers may round).
     *
     * @param i the element index
     * @return the value
     */
    public double getDouble(long i) {
        return switch (type) {
            case FLOAT32 -> file.getFloat(at(i), order);
            case FLOAT64 -> file.getDouble(at(i), order);
            default -> getLong(i);
        };
    }

    /**
     * A new primitive array of the elements [from, to): byte[] for INT8, short[] for INT16 and
     * UINT8, int[] for INT32 and UINT16, long[] for INT64 and UINT32, float[] and double[] for
     * the floating types (an unsigned type goes into the next wider type, so values stay
     * non-negative).
     *
     * @param from the first element
     * @param to just past the last element
     * @return the array
     */
    public Object toArray(long from, long to) {
        Objects.checkFromToIndex(from, to, count);
        if (to - from > Integer.MAX_VALUE - 8) throw new IllegalArgumentException((to - from) + " elements do not fit in one Java array");
        int n = (int) (to - from);
        Object raw = rawArray(n);
        copyTo(from, raw, 0, n);
        return switch (type) {
            case UINT8 -> { byte[] b = (byte[]) raw; short[] w = new short[n]; for (int i = 0; i < n; i++) w[i] = (short) (b[i] & 0xFF); yield w; }
            case UINT16 -> { short[] b = (short[]) raw; int[] w = new int[n]; for (int i = 0; i < n; i++) w[i] = b[i] & 0xFFFF; yield w; }
            case UINT32 -> { int[] b = (int[]) raw; long[] w = new long[n]; for (int i = 0; i < n; i++) w[i] = b[i] & 0xFFFFFFFFL; yield w; }
            default -> raw;
        };
    }

    /**
     * A new array of the stored bits' Java type (byte[], short[], int[], long[], float[] or
     * double[]; unsigned types in their signed twin) for {@code n} elements.
     *
     * @param n the length
     * @return the array
     */
    public Object rawArray(int n) {
        return switch (type) {
            case INT8, UINT8 -> new byte[n];
            case INT16, UINT16 -> new short[n];
            case INT32, UINT32 -> new int[n];
            case INT64 -> new long[n];
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
        };
    }

    /**
     * Copies {@code n} elements from element {@code from} into {@code dst} (an array from
     * {@link #rawArray}) at {@code dstIndex}, as stored: unsigned values keep their bits.
     *
     * @param from the first element
     * @param dst the array
     * @param dstIndex where the first element goes
     * @param n how many elements
     */
    public void copyTo(long from, Object dst, int dstIndex, int n) {
        Objects.checkFromIndexSize(from, n, count);
        file.readElements(offset + from * type.size(), type.layout(order), dst, dstIndex, n);
    }

    /**
     * The sum of the integer elements, with Math.addExact's overflow check.
     *
     * @return the sum
     * @throws ArithmeticException when the sum overflows a long
     */
    public long sumLong() {
        return sumLong(0, 0, count);
    }

    /**
     * {@code init} plus elements [from, to) in order, each addition checked as Math.addExact
     * checks it (so it fails exactly where a loop of checked additions would).
     *
     * @param init the value to start from
     * @param from the first element
     * @param to just past the last element
     * @return the sum
     * @throws ArithmeticException when a partial sum overflows a long
     */
    public long sumLong(long init, long from, long to) {
        if (type.isFloating()) throw new IllegalStateException("sumLong of " + type + " elements; use sumDouble");
        Objects.checkFromToIndex(from, to, count);
        long sum = init;
        Object buf = rawArray((int) Math.min(BLOCK, to - from));
        for (long i = from; i < to; i += BLOCK) {
            int n = (int) Math.min(BLOCK, to - i);
            copyTo(i, buf, 0, n);
            switch (type) {
                case INT8 -> { byte[] a = (byte[]) buf; for (int k = 0; k < n; k++) sum = Math.addExact(sum, a[k]); }
                case UINT8 -> { byte[] a = (byte[]) buf; for (int k = 0; k < n; k++) sum = Math.addExact(sum, a[k] & 0xFF); }
                case INT16 -> { short[] a = (short[]) buf; for (int k = 0; k < n; k++) sum = Math.addExact(sum, a[k]); }
                case UINT16 -> { short[] a = (short[]) buf; for (int k = 0; k < n; k++) sum = Math.addExact(sum, a[k] & 0xFFFF); }
                case INT32 -> { int[] a = (int[]) buf; for (int k = 0; k < n; k++) sum = Math.addExact(sum, a[k]); }
                case UINT32 -> { int[] a = (int[]) buf; for (int k = 0; k < n; k++) sum = Math.addExact(sum, a[k] & 0xFFFFFFFFL); }
                default -> sum = addLongs(sum, (long[]) buf, n);
            }
        }
        return sum;
    }

    /**
     * {@code sum} plus a[0..n), failing as a loop of Math.addExact would. When every element
     * is below 2^48 in magnitude and the sum below 2^62, no partial sum of a block (at most
     * 2^13 elements) can overflow, and the additions run unchecked, which the JIT vectorizes.
     */
    private static long addLongs(long sum, long[] a, int n) {
        // Each a[k] + 2^48 lies in [0, 2^49) exactly when a[k] lies in [-2^48, 2^48); or-ing
        // them (an add and an or, which AVX2 has for longs) tells whether all do.
        long shifted = 0;
        for (int k = 0; k < n; k++) shifted |= a[k] + (1L << 48);
        if ((shifted >>> 49) == 0 && Math.abs(sum) < (1L << 62) && n <= BLOCK) {
            long s = 0;
            for (int k = 0; k < n; k++) s += a[k];
            return sum + s;
        }
        for (int k = 0; k < n; k++) sum = Math.addExact(sum, a[k]);
        return sum;
    }

    /**
     * The sum of the elements as doubles, added in order (so the result is that of a loop).
     *
     * @return the sum
     */
    public double sumDouble() {
        return sumDouble(0, 0, count);
    }

    /**
     * {@code init} plus elements [from, to) as doubles, added one at a time in order.
     *
     * @param init the value to start from
     * @param from the first element
     * @param to just past the last element
     * @return the sum
     */
    public double sumDouble(double init, long from, long to) {
        Objects.checkFromToIndex(from, to, count);
        double sum = init;
        if (!type.isFloating()) {
            for (long i = from; i < to; i++) sum += getDouble(i);
            return sum;
        }
        Object buf = rawArray((int) Math.min(BLOCK, to - from));
        for (long i = from; i < to; i += BLOCK) {
            int n = (int) Math.min(BLOCK, to - i);
            copyTo(i, buf, 0, n);
            if (buf instanceof float[] a) for (int k = 0; k < n; k++) sum += a[k];
            else { double[] a = (double[]) buf; for (int k = 0; k < n; k++) sum += a[k]; }
        }
        return sum;
    }

    @Override
    public String toString() {
        return "ElementView[" + count + " " + type + " " + order + " from byte " + offset + " of " + file + "]";
    }
}
