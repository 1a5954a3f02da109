package mmap;

import java.lang.foreign.MemorySegment;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Steps through the lines of a segment that a pattern matches, as grep selects them: each
 * line (without its newline) is decoded as UTF-8 and searched. With a literal that every
 * match starts with, lines without it are skipped by a byte search, unread.
 */
public final class Utf8Lines {
    private final MemorySegment seg;
    private final long size;
    private final Matcher matcher;
    private final byte[] literal;
    private long pos;               // where the next line starts
    private long lineStart = -1, lineEnd = -1, lineNumber;
    private long numberedUpTo;      // line numbers are counted lazily, up to here
    private WindowChars chars;

    public Utf8Lines(MemorySegment seg, Pattern pattern, byte[] literal) {
        this.seg = seg;
        this.size = seg.byteSize();
        this.matcher = pattern.matcher("");
        this.literal = literal;
    }

    /** Moves to the next line the pattern matches; the matcher then holds the line's first match. */
    public boolean next() {
        while (pos < size) {
            long start = pos;
            if (literal != null && literal.length > 0) {
                long hit = ByteSearch.indexOf(seg, pos, size, literal);
                if (hit < 0) { pos = size; return false; }
                long nl = hit == 0 ? -1 : lastNewlineBefore(hit);
                start = Math.max(pos, nl + 1);
            }
            long end = ByteSearch.indexOf(seg, start, size, (byte) '\n');
            if (end < 0) end = size;
            pos = end + 1;
            chars = Utf8.isAscii(seg, start, end)
                    ? WindowChars.latin1(seg, start, (int) (end - start))
                    : WindowChars.utf8(seg, start, end, end);
            matcher.reset(chars);
            if (matcher.find()) {
                lineStart = start;
                lineEnd = end;
                return true;
            }
        }
        return false;
    }

    private long lastNewlineBefore(long at) {
        for (long i = at - 1; i >= pos; i--) {
            if (seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i) == '\n') return i;
        }
        return pos - 1;
    }

    public Matcher matcher() { return matcher; }
    public long lineStart() { return lineStart; }
    public long lineEnd() { return lineEnd; }

    /** The byte offset in the file of char {@code index} of the current line. */
    public long byteOffsetOf(int index) { return chars.byteOffset(index); }

    /** The current line's number, from 1 (counted only when asked for). */
    public long lineNumber() {
        long i = numberedUpTo;
        while (i < lineStart) {
            long nl = ByteSearch.indexOf(seg, i, lineStart, (byte) '\n');
            if (nl < 0) break;
            lineNumber++;
            i = nl + 1;
        }
        numberedUpTo = lineStart;
        return lineNumber + 1;
    }
}
