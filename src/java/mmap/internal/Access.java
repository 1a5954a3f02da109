package mmap.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import mmap.posix.Faults;

/**
 * Reads and writes of a mapping that a truncated file cannot turn into a crash.
 *
 * <p>A load from a page the file no longer backs raises SIGBUS; the JVM skips the load, leaves
 * garbage in its register, and throws {@link InternalError} only at the thread's next
 * safepoint poll (see {@link Faults}). Two rules make that harmless:
 * <ul>
 * <li>Every access to native memory is followed by {@link Faults#deliverPending()}, so that
 *     the error is thrown here, before anything uses the value.
 * <li>A narrow value is masked with a mask the JIT cannot fold (a non-final field), so that
 *     even the skipped load's garbage is in the type's range: the JIT trusts a byte load to be
 *     in [-128, 127] and indexes tables with it unchecked (as {@code Byte.valueOf} does).
 * </ul>
 * Bulk reads go through {@link MemorySegment#copy}, whose stubs stop cleanly at a fault;
 * everything else (decoding, regex, SIMD searching) then runs over the heap copy. The Vector
 * API never reads a mapping: a vector load that faults is not covered by the JVM's handler.
 * One SWAR search reads words of a mapping in place ({@code ByteClassSearch.indexOfPairWords})
 * and follows the first rule: its block is followed by {@link Faults#deliverPending()} before
 * its answer is used, and it indexes no table with what it read.
 */
public final class Access {
    private Access() {}

    // Non-final on purpose: see the class comment.
    private static int byteMask = 0xFF;
    private static int shortMask = 0xFFFF;

    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /**
     * Delivers a fault the access to {@code s} may have taken. An array behind a heap segment
     * cannot fault, so its accesses skip the native call (a search of many small files read
     * into arrays otherwise made one per read, and its start-up cost besides).
     */
    private static void afterAccess(MemorySegment s) {
        if (s.isNative()) Faults.deliverPending();
    }

    /**
     * {@return the byte at {@code offset}}
     * @param s the segment
     * @param offset byte offset from the start of the mapping
     */
    public static byte getByte(MemorySegment s, long offset) {
        int v = s.get(ValueLayout.JAVA_BYTE, offset) & byteMask;
        afterAccess(s);
        return (byte) v;
    }

    /**
     * {@return the 16 bits at {@code offset}, in {@code order}}
     * @param s the segment
     * @param offset byte offset from the start of the mapping
     * @param bigEndian true for big-endian, false for little-endian
     */
    public static short getShort(MemorySegment s, long offset, boolean bigEndian) {
        int v = s.get(bigEndian ? SHORT_BE : SHORT_LE, offset) & shortMask;
        afterAccess(s);
        return (short) v;
    }

    /**
     * {@return the 32 bits at {@code offset}, in {@code order}}
     * @param s the segment
     * @param offset byte offset from the start of the mapping
     * @param bigEndian true for big-endian, false for little-endian
     */
    public static int getInt(MemorySegment s, long offset, boolean bigEndian) {
        int v = s.get(bigEndian ? INT_BE : INT_LE, offset);
        afterAccess(s);
        return v;
    }

    /**
     * {@return the 64 bits at {@code offset}, in {@code order}}
     * @param s the segment
     * @param offset byte offset from the start of the mapping
     * @param bigEndian true for big-endian, false for little-endian
     */
    public static long getLong(MemorySegment s, long offset, boolean bigEndian) {
        long v = s.get(bigEndian ? LONG_BE : LONG_LE, offset);
        afterAccess(s);
        return v;
    }

    /**
     * Writes the byte at {@code offset}, delivering a fault the write raised as an exception.
     * @param s the segment
     * @param offset byte offset from the start of the segment
     * @param v the value to write
     */
    public static void putByte(MemorySegment s, long offset, byte v) {
        s.set(ValueLayout.JAVA_BYTE, offset, v);
        afterAccess(s);
    }

    /**
     * Writes the short at {@code offset}, delivering a fault the write raised as an exception.
     * @param s the segment
     * @param offset byte offset from the start of the segment
     * @param v the value to write
     * @param bigEndian true for big-endian, false for little-endian
     */
    public static void putShort(MemorySegment s, long offset, short v, boolean bigEndian) {
        s.set(bigEndian ? SHORT_BE : SHORT_LE, offset, v);
        afterAccess(s);
    }

    /**
     * Writes the int at {@code offset}, delivering a fault the write raised as an exception.
     * @param s the segment
     * @param offset byte offset from the start of the segment
     * @param v the value to write
     * @param bigEndian true for big-endian, false for little-endian
     */
    public static void putInt(MemorySegment s, long offset, int v, boolean bigEndian) {
        s.set(bigEndian ? INT_BE : INT_LE, offset, v);
        afterAccess(s);
    }

    /**
     * Writes the long at {@code offset}, delivering a fault the write raised as an exception.
     * @param s the segment
     * @param offset byte offset from the start of the segment
     * @param v the value to write
     * @param bigEndian true for big-endian, false for little-endian
     */
    public static void putLong(MemorySegment s, long offset, long v, boolean bigEndian) {
        s.set(bigEndian ? LONG_BE : LONG_LE, offset, v);
        afterAccess(s);
    }

    // ---- atomics: native byte order, naturally aligned offsets (the caller checks) ----

    private static final java.lang.invoke.VarHandle LONGS = ValueLayout.JAVA_LONG.varHandle();
    private static final java.lang.invoke.VarHandle INTS = ValueLayout.JAVA_INT.varHandle();

    /**
     * Atomically sets the long at {@code offset} to {@code update} if it is {@code expect}; whether it was.
     * @param s the segment
     * @param offset byte offset from the start of the mapping
     * @param expect the value the field must hold for the update to happen
     * @param update the new value
     * @return whether the value was {@code expect} and is now {@code update}
     */
    public static boolean compareAndSetLong(MemorySegment s, long offset, long expect, long update) {
        boolean r = (boolean) LONGS.compareAndSet(s, offset, expect, update);
        afterAccess(s);
        return r;
    }

    /**
     * Atomically adds {@code delta} to the long at {@code offset}; the value before.
     * @param s the segment
     * @param offset byte offset from the start of the mapping
     * @param delta the amount to add
     * @return the value before the addition
     */
    public static long getAndAddLong(MemorySegment s, long offset, long delta) {
        long r = (long) LONGS.getAndAdd(s, offset, delta);
        afterAccess(s);
        return r;
    }

    /**
     * {@return the long at {@code offset}, read with volatile semantics}
     * @param s the segment
     * @param offset byte offset from the start of the mapping
     */
    public static long getLongVolatile(MemorySegment s, long offset) {
        long r = (long) LONGS.getVolatile(s, offset);
        afterAccess(s);
        return r;
    }

    /**
     * Writes the long at {@code offset} with volatile semantics.
     * @param s the segment
     * @param offset byte offset from the start of the mapping
     * @param v the value to write
     */
    public static void putLongVolatile(MemorySegment s, long offset, long v) {
        LONGS.setVolatile(s, offset, v);
        afterAccess(s);
    }

    /**
     * Atomically sets the int at {@code offset} to {@code update} if it is {@code expect}; whether it was.
     * @param s the segment
     * @param offset byte offset from the start of the mapping
     * @param expect the value the field must hold for the update to happen
     * @param update the new value
     * @return whether the value was {@code expect} and is now {@code update}
     */
    public static boolean compareAndSetInt(MemorySegment s, long offset, int expect, int update) {
        boolean r = (boolean) INTS.compareAndSet(s, offset, expect, update);
        afterAccess(s);
        return r;
    }

    /**
     * Atomically adds {@code delta} to the int at {@code offset}; the value before.
     * @param s the segment
     * @param offset byte offset from the start of the mapping
     * @param delta the amount to add
     * @return the value before the addition
     */
    public static int getAndAddInt(MemorySegment s, long offset, int delta) {
        int r = (int) INTS.getAndAdd(s, offset, delta);
        afterAccess(s);
        return r;
    }

    /**
     * {@return the int at {@code offset}, read with volatile semantics}
     * @param s the segment
     * @param offset byte offset from the start of the mapping
     */
    public static int getIntVolatile(MemorySegment s, long offset) {
        int r = (int) INTS.getVolatile(s, offset);
        afterAccess(s);
        return r;
    }

    /**
     * Writes the int at {@code offset} with volatile semantics.
     * @param s the segment
     * @param offset byte offset from the start of the mapping
     * @param v the value to write
     */
    public static void putIntVolatile(MemorySegment s, long offset, int v) {
        INTS.setVolatile(s, offset, v);
        afterAccess(s);
    }

    /**
     * Copies {@code len} bytes from {@code offset} into {@code dst} at {@code dstOffset}.
     * @param s the segment
     * @param offset byte offset from the start of the mapping
     * @param dst the destination: an array of the layout's carrier type
     * @param dstOffset index of the first byte in dst
     * @param len length of the range in bytes
     */
    public static void copy(MemorySegment s, long offset, byte[] dst, int dstOffset, int len) {
        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, offset, dst, dstOffset, len);
        afterAccess(s);
    }

    /**
     * Copies {@code len} bytes of {@code src} from {@code srcOffset} into the segment at {@code offset}.
     * @param src the source array
     * @param srcOffset index of the first byte in src
     * @param s the segment
     * @param offset byte offset from the start of the mapping
     * @param len length of the range in bytes
     */
    public static void copy(byte[] src, int srcOffset, MemorySegment s, long offset, int len) {
        MemorySegment.copy(src, srcOffset, s, ValueLayout.JAVA_BYTE, offset, len);
        afterAccess(s);
    }

    /**
     * Copies {@code count} elements of {@code layout} (its size and byte order) from
     * {@code offset} into the primitive array {@code dst} at {@code dstIndex}.
     * @param s the segment
     * @param layout the element layout, with its byte order
     * @param offset byte offset from the start of the mapping
     * @param dst the destination: an array of the layout's carrier type
     * @param dstIndex index of the first element in dst
     * @param count the number of elements
     */
    public static void copyElements(MemorySegment s, ValueLayout layout, long offset, Object dst, int dstIndex, int count) {
        MemorySegment.copy(s, layout, offset, dst, dstIndex, count);
        afterAccess(s);
    }

    /**
     * Copies {@code len} bytes of {@code s} from {@code offset} into a new array.
     * @param s the segment
     * @param offset byte offset from the start of the mapping
     * @param len length of the range in bytes
     * @return a new array of the bytes
     */
    public static byte[] toArray(MemorySegment s, long offset, int len) {
        byte[] b = new byte[len];
        copy(s, offset, b, 0, len);
        return b;
    }
}
