package mmap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The one CharSequence that regex matching runs over, so the JIT sees a single class at
 * {@code charAt}: either a zero-copy view of bytes as Latin-1 (also exact UTF-8 for ASCII),
 * or chars decoded from UTF-8 together with each char's byte offset.
 */
public final class WindowChars implements CharSequence {
    private final MemorySegment bytes;   // Latin-1 view, or null
    private final long base;             // byte offset of char 0 in the mapping
    private final char[] chars;          // decoded chars, or null
    private final int[] byteOffsets;     // for decoded chars: offset from base of each char, plus one past the end
    private final int length;

    private WindowChars(MemorySegment bytes, long base, char[] chars, int[] byteOffsets, int length) {
        this.bytes = bytes;
        this.base = base;
        this.chars = chars;
        this.byteOffsets = byteOffsets;
        this.length = length;
    }

    /** The bytes [from, from+len) of {@code seg} as one char each. */
    public static WindowChars latin1(MemorySegment seg, long from, int len) {
        return new WindowChars(seg, from, null, null, len);
    }

    /** The bytes [from, to) of {@code seg}, in a text ending at {@code textEnd}, decoded as UTF-8 (malformed bytes become U+FFFD exactly as the JDK does). */
    public static WindowChars utf8(MemorySegment seg, long from, long to, long textEnd) {
        Utf8.Decoded d = Utf8.decode(seg, from, to, textEnd);
        return new WindowChars(null, from, d.chars(), d.byteOffsets(), d.length());
    }

    @Override public int length() { return length; }

    @Override
    public char charAt(int index) {
        if (index < 0 || index >= length) throw new IndexOutOfBoundsException(index);
        if (chars != null) return chars[index];
        return (char) (bytes.get(ValueLayout.JAVA_BYTE, base + index) & 0xFF);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return toString(start, end);
    }

    public String toString(int start, int end) {
        if (start < 0 || end > length || start > end) throw new IndexOutOfBoundsException(start + ".." + end);
        if (chars != null) return new String(chars, start, end - start);
        byte[] b = bytes.asSlice(base + start, end - start).toArray(ValueLayout.JAVA_BYTE);
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Override public String toString() { return toString(0, length); }

    /** The mapping offset of the byte where char {@code index} starts ({@code index == length()} gives the end). */
    public long byteOffset(int index) {
        return base + (byteOffsets == null ? index : byteOffsets[index]);
    }

    /** The first char index whose byte offset is at least {@code offset}. */
    public int charIndexAt(long offset) {
        long rel = offset - base;
        if (byteOffsets == null) return (int) Math.max(0, Math.min(rel, length));
        int lo = 0, hi = length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (byteOffsets[mid] < rel) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /** The mapping offset just past the last decoded byte. */
    public long endOffset() { return byteOffset(length); }
}
