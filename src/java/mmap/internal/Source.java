package mmap.internal;

import java.lang.foreign.MemorySegment;

/**
 * The text a scan reads: bytes [from, to) of a segment, decoded as UTF-8 or Latin-1. Every
 * read of a mapping is a copy to the heap ({@link Access}), so that no decoding or matching
 * ever runs over mapped memory; the one search that reads a mapping in place is
 * {@link Prefilter}'s SWAR pair search, which delivers faults before it uses what it read. A
 * segment over a byte[] from its first element (a file the grep command read) is searched in
 * place: it needs no copy.
 */
final class Source {
    final MemorySegment seg;
    final long from, to;
    final boolean utf8;
    /** The segment's array when it is a heap segment over a byte[] from its first element, else null. */
    private final byte[] array;

    private final byte[] near = new byte[16];
    private static final int SCRATCH = 8192;
    // Allocated on first use: a grep of many small files makes a Source per file and most
    // never need it (zeroing 8 KiB per file showed in profiles).
    private byte[] scratch;

    Source(MemorySegment seg, long from, long to, boolean utf8) {
        if (from < 0 || to > seg.byteSize() || from > to)
            throw new IndexOutOfBoundsException("[" + from + ", " + to + ") is outside " + seg.byteSize() + " bytes");
        this.seg = seg;
        this.from = from;
        this.to = to;
        this.utf8 = utf8;
        this.array = seg.heapBase().orElse(null) instanceof byte[] a && seg.address() == 0 ? a : null;
    }

    private byte[] scratch() {
        byte[] s = scratch;
        if (s == null) scratch = s = new byte[SCRATCH];
        return s;
    }

    /** Copies bytes [pos, pos + len) of the text into {@code dst} at {@code off}. */
    void copy(long pos, byte[] dst, int off, int len) {
        if (array != null) {
            System.arraycopy(array, inArray(pos, pos + len), dst, off, len);
        } else {
            Access.copy(seg, pos, dst, off, len);
        }
    }

    /** The byte at {@code pos}. */
    byte byteAt(long pos) {
        if (array != null) return array[inArray(pos, pos + 1)];
        return Access.getByte(seg, pos);
    }

    /** The start of the unit (character, or malformed subpart) that holds byte {@code p}; {@code p} when it starts one. */
    long unitStart(long p) {
        if (!utf8 || p <= from || p >= to) return Math.max(from, Math.min(p, to));
        long q0 = Math.max(from, p - 3);
        int n = (int) (Math.min(to, p + 4) - q0);
        copy(q0, near, 0, n);
        int rel = (int) (p - q0);
        if (!Utf8.continuation(near[rel] & 0xFF)) return p;
        int sync = -1;
        for (int i = rel - 1; i >= 0; i--) {
            if (!Utf8.continuation(near[i] & 0xFF)) { sync = i; break; }
        }
        if (sync < 0) {
            // Three continuation bytes back and no lead: p is a lone continuation byte, unless the text starts there.
            if (q0 > from) return p;
            sync = 0;
        }
        int i = sync;
        while (true) {
            int len = Utf8.unitLength(near, i, n);
            if (i + len > rel) return q0 + i;
            i += len;
        }
    }

    /**
     * Whether {@code p} is the second byte of a four-byte character: the position of its low
     * surrogate, where Java may try a match too (such a position's byte offset is the
     * character's first byte plus one).
     */
    boolean lowSurrogateAt(long p) {
        if (!utf8 || p <= from || p >= to) return false;
        long s = unitStart(p);
        return s == p - 1 && unitEnd(p) - s == 4;
    }

    /** The first unit boundary at or after {@code p}. */
    long unitEnd(long p) {
        if (!utf8 || p <= from || p >= to) return Math.max(from, Math.min(p, to));
        long s = unitStart(p);
        if (s == p) return p;
        int n = (int) (Math.min(to, s + 4) - s);
        copy(s, near, 0, n);
        return s + Utf8.unitLength(near, 0, n);
    }

    /** The first position in [pos, end) holding {@code b}, or -1; reads a little at first, more as it goes. */
    long indexOf(byte b, long pos, long end) {
        if (array != null && pos < end) return ByteSearch.indexOf(array, inArray(pos, end), (int) end, b);
        int chunk = 256;
        while (pos < end) {
            int n = (int) Math.min(end - pos, chunk);
            byte[] scratch = scratch();
            copy(pos, scratch, 0, n);
            int hit = ByteSearch.indexOf(scratch, 0, n, b);
            if (hit >= 0) return pos + hit;
            pos += n;
            chunk = SCRATCH;
        }
        return -1;
    }

    /** How many bytes in [from, to) are {@code b}. */
    long count(byte b, long from, long to) {
        if (array != null && from < to) return ByteSearch.count(array, inArray(from, to), (int) to, b);
        long n = 0;
        while (from < to) {
            byte[] scratch = scratch();
            int len = (int) Math.min(to - from, scratch.length);
            copy(from, scratch, 0, len);
            n += ByteSearch.count(scratch, 0, len, b);
            from += len;
        }
        return n;
    }

    /** The last position in [floor, end) holding {@code b}, or -1; reads backward from {@code end}. */
    long lastIndexOf(byte b, long floor, long end) {
        if (array != null && floor < end) return ByteSearch.lastIndexOf(array, inArray(floor, end), (int) end, b);
        int chunk = 256;
        while (end > floor) {
            int n = (int) Math.min(end - floor, chunk);
            byte[] scratch = scratch();
            copy(end - n, scratch, 0, n);
            int hit = ByteSearch.lastIndexOf(scratch, 0, n, b);
            if (hit >= 0) return end - n + hit;
            end -= n;
            chunk = SCRATCH;
        }
        return -1;
    }

    /**
     * Whether a MULTILINE {@code ^} matches at {@code p}, as java.util.regex decides it
     * (Pattern's Caret, or UnixCaret when {@code unixLines}): at the text's start, or after a
     * line terminator, but not at the text's end nor between \r and \n.
     */
    boolean lineStartAt(long p, boolean unixLines) {
        if (p >= to) return false;
        if (p == from) return true;
        int b = byteAt(p - 1) & 0xFF;
        if (b == '\n') return true;
        if (unixLines) return false;
        if (b == '\r') return byteAt(p) != '\n';
        if (!utf8) return b == 0x85;
        // U+0085 is C2 85 and U+2028/9 E2 80 A8/9; a C2 or E2 is never a continuation, so it starts its character.
        if (b == 0x85) return p - 2 >= from && (byteAt(p - 2) & 0xFF) == 0xC2;
        if (b == 0xA8 || b == 0xA9) return p - 3 >= from && (byteAt(p - 2) & 0xFF) == 0x80 && (byteAt(p - 3) & 0xFF) == 0xE2;
        return false;
    }

    /** Whether the JDK's {@code \b} (without UNICODE_CHARACTER_CLASS) matches at {@code p}. */
    boolean wordBoundaryAt(long p) {
        return wordBefore(p) != wordAt(p);
    }

    /**
     * Whether the JDK's {@code \b} (without UNICODE_CHARACTER_CLASS) takes the character before
     * {@code p} for a word character (Pattern's Bound: one of [a-zA-Z0-9_], or a non-spacing
     * mark with a letter or digit before it, past any other marks); false at the text's start.
     */
    boolean wordBefore(long p) {
        if (p <= from) return false;
        int b = byteAt(p - 1);
        if (b >= 0 || !utf8) return ClassRun.asciiWord(b & 0xFF);
        long q = unitStart(p - 1);
        int cp = codePointAt(q);
        // Bound reads the code point before p, but looks for the base of a supplementary mark
        // from its low surrogate, which is no letter: so such a mark never counts.
        return cp < 0x10000 && Character.getType(cp) == Character.NON_SPACING_MARK && markHasBase(q);
    }

    /** As {@link #wordBefore}, for the character at {@code p}; false at the text's end. */
    boolean wordAt(long p) {
        if (p >= to) return false;
        int b = byteAt(p);
        if (b >= 0 || !utf8) return ClassRun.asciiWord(b & 0xFF);
        int cp = codePointAt(p);
        return Character.getType(cp) == Character.NON_SPACING_MARK && markHasBase(p);
    }

    /** Pattern's hasBaseCharacter for the mark whose unit starts at {@code q}: going back char by char, past marks, to a letter or digit. */
    private boolean markHasBase(long q) {
        while (q > from) {
            q = unitStart(q - 1);
            int cp = codePointAt(q);
            // A supplementary character is two chars: going back, Bound meets its low surrogate first.
            if (cp >= 0x10000) return false;
            if (Character.isLetterOrDigit(cp)) return true;
            if (Character.getType(cp) != Character.NON_SPACING_MARK) return false;
        }
        return false;
    }

    /** The code point of the unit starting at {@code q}: U+FFFD for a malformed one, the byte itself in Latin-1. */
    int codePointAt(long q) {
        int b = byteAt(q) & 0xFF;
        if (b < 0x80 || !utf8) return b;
        int n = (int) (Math.min(to, q + 4) - q);
        copy(q, near, 0, n);
        return Utf8.decodedCodePoint(near, 0, Utf8.unitLength(near, 0, n));
    }

    /** {@code start} as an index into {@link #array}, once [start, end) is checked to lie in the segment (the array may hold more). */
    private int inArray(long start, long end) {
        return (int) java.util.Objects.checkFromToIndex(start, end, seg.byteSize());
    }

    /** The least p in [floor, c] such that every byte in [p, c) is in {@code cls}. */
    long runStart(ByteClassSearch cls, long c, long floor) {
        int chunk = 64;
        long end = c;
        while (end > floor) {
            int n = (int) Math.min(end - floor, chunk);
            byte[] scratch = scratch();
            copy(end - n, scratch, 0, n);
            for (int i = n - 1; i >= 0; i--) if (!cls.contains(scratch[i])) return end - n + i + 1;
            end -= n;
            chunk = SCRATCH;
        }
        return floor;
    }
}
