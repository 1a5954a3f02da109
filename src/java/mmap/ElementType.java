package mmap;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** The element types of a {@link ElementView}: numpy's integer and floating-point dtypes. */
public enum ElementType {
    /** Signed 8-bit integers (numpy {@code i1}). */
    INT8(1, false, false),
    /** Unsigned 8-bit integers (numpy {@code u1}). */
    UINT8(1, false, true),
    /** Signed 16-bit integers (numpy {@code i2}). */
    INT16(2, false, false),
    /** Unsigned 16-bit integers (numpy {@code u2}). */
    UINT16(2, false, true),
    /** Signed 32-bit integers (numpy {@code i4}). */
    INT32(4, false, false),
    /** Unsigned 32-bit integers (numpy {@code u4}). */
    UINT32(4, false, true),
    /** Signed 64-bit integers (numpy {@code i8}). */
    INT64(8, false, false),
    /** IEEE 754 single precision (numpy {@code f4}). */
    FLOAT32(4, true, false),
    /** IEEE 754 double precision (numpy {@code f8}). */
    FLOAT64(8, true, false);

    private final int size;
    private final boolean floating;
    private final boolean unsigned;

    ElementType(int size, boolean floating, boolean unsigned) {
        this.size = size;
        this.floating = floating;
        this.unsigned = unsigned;
    }

    /** {@return the size of one element in bytes} */
    public int size() {
        return size;
    }

    /** {@return whether elements are floating point (read them with {@link ElementView#getDouble})} */
    public boolean isFloating() {
        return floating;
    }

    /** {@return whether the integers are unsigned (read as non-negative longs)} */
    public boolean isUnsigned() {
        return unsigned;
    }

    /**
     * The layout of the stored bits, unaligned, in {@code order}: JAVA_BYTE, JAVA_SHORT,
     * JAVA_INT, JAVA_LONG, JAVA_FLOAT or JAVA_DOUBLE (unsigned types use their signed twin).
     *
     * @param order the data's byte order
     * @return the layout
     */
    public ValueLayout layout(ByteOrder order) {
        return switch (this) {
            case INT8, UINT8 -> ValueLayout.JAVA_BYTE;
            case INT16, UINT16 -> ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
            case INT32, UINT32 -> ValueLayout.JAVA_INT_UNALIGNED.withOrder(order);
            case INT64 -> ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order);
            case FLOAT32 -> ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(order);
            case FLOAT64 -> ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(order);
        };
    }
}
