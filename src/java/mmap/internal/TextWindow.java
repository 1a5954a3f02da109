package mmap.internal;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;

/**
 * The one CharSequence that regex matching runs over, so that the JIT sees a single class at
 * {@code charAt}: a heap copy of bytes [start, end) of the text, either one char per byte
 * (Latin-1, or UTF-8 that is all ASCII) or decoded from UTF-8 with each char's byte offset.
 *
 * <p>A window can be told to stop: a scan that nobody will read any more (a lazy seq that was
 * dropped) must not go on matching for minutes inside one {@code Matcher.find()}.
 */
final class TextWindow implements CharSequence {
    private long base;          // byte offset of char 0
    private byte[] bytes = new byte[0];
    private char[] chars = new char[0];
    private int[] offsets = new int[1];
    private boolean decoded;
    private int length;

    private final RegexScanner.Cancel cancel;   // null: never stops
    private int untilCheck = CHECK_EVERY;
    private static final int CHECK_EVERY = 1 << 16;

    TextWindow(RegexScanner.Cancel cancel) {
        this.cancel = cancel;
    }

    /** Loads bytes [start, end) of the source, two unit boundaries. */
    void load(Source src, long start, long end) {
        int n = Math.toIntExact(end - start);
        if (bytes.length < n) bytes = new byte[grow(bytes.length, n)];
        src.copy(start, bytes, 0, n);
        base = start;
        decode(n, src.utf8);
    }

    /** Loads bytes [from, to) of {@code a} (two unit boundaries), which stand at byte {@code base} of the text, as UTF-8. */
    void load(byte[] a, int from, int to, long base) {
        int n = to - from;
        if (bytes.length < n) bytes = new byte[grow(bytes.length, n)];
        System.arraycopy(a, from, bytes, 0, n);
        this.base = base;
        decode(n, true);
    }

    /** Makes the first {@code n} loaded bytes the text: as they are, or decoded from UTF-8 when not all ASCII. */
    private void decode(int n, boolean utf8) {
        if (utf8 && !Utf8.isAscii(bytes, 0, n)) {
            if (chars.length < n) chars = new char[grow(chars.length, n)];
            if (offsets.length < n + 1) offsets = new int[grow(offsets.length, n + 1)];
            length = Utf8.decode(bytes, 0, n, chars, offsets);
            decoded = true;
        } else {
            length = n;
            decoded = false;
        }
    }

    private static int grow(int have, int need) {
        long want = Math.max(need, Math.min(Integer.MAX_VALUE - 16L, (long) have + (have >> 1)));
        return (int) want;
    }

    @Override public int length() { return length; }

    @Override
    public char charAt(int index) {
        if (index < 0 || index >= length) throw new IndexOutOfBoundsException(index);
        if (cancel != null && --untilCheck < 0) checkCancelled();
        return decoded ? chars[index] : (char) (bytes[index] & 0xFF);
    }

    private void checkCancelled() {
        untilCheck = CHECK_EVERY;
        if (cancel.cancelled) throw new CancellationException("the scan was cancelled");
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return toString(start, end);
    }

    String toString(int start, int end) {
        if (start < 0 || end > length || start > end) throw new IndexOutOfBoundsException(start + ".." + end);
        if (decoded) return new String(chars, start, end - start);
        return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
    }

    @Override public String toString() { return toString(0, length); }

    /** The byte offset in the text where char {@code index} starts ({@code index == length()} gives the end). */
    long byteOffset(int index) {
        return base + (decoded ? offsets[index] : index);
    }

    /** The first char index whose byte offset is at least {@code offset}. */
    int charIndexAt(long offset) {
        long rel = offset - base;
        if (!decoded) return (int) Math.max(0, Math.min(rel, length));
        int lo = 0, hi = length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (offsets[mid] < rel) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /** The last index in [from, to] holding a newline, or -1. */
    int lastNewline(int from, int to) {
        for (int i = Math.min(to, length - 1); i >= from; i--) {
            if ((decoded ? chars[i] : (char) (bytes[i] & 0xFF)) == '\n') return i;
        }
        return -1;
    }

    /** The byte offset of char 0. */
    long start() { return base; }

    /** The byte offset just past the last char. */
    long end() { return byteOffset(length); }

    /** Bytes of heap this window holds. */
    long footprint() { return bytes.length + 2L * chars.length + 4L * offsets.length; }
}
