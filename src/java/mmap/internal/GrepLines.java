package mmap.internal;

import java.lang.foreign.MemorySegment;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * grep's line matcher: steps through the lines of a segment that a pattern matches, as grep
 * selects them, each line (without its newline) decoded as UTF-8 and searched on its own.
 * When every match must contain one of a set of literals ({@link PatternFacts}), lines
 * without one are skipped by a byte search, unread.
 *
 * <p>Public for {@code mmap.grep} only; no compatibility promise.
 */
public final class GrepLines {
    private final Source src;
    private final Matcher matcher;
    private final Prefilter pre;
    private final TextWindow chars = new TextWindow(null);
    private long pos;                    // where the next line starts
    private long lineStart = -1, lineEnd = -1, lineNumber;
    private long numberedUpTo;           // line numbers are counted lazily, up to here

    public GrepLines(MemorySegment seg, Pattern pattern) {
        this.src = new Source(seg, 0, seg.byteSize(), true);
        this.matcher = pattern.matcher("");
        PatternFacts facts = PatternFacts.of(pattern, true);
        this.pre = facts.plan == null ? null : Prefilter.ofLiterals(src, facts.plan.literals());
    }

    /** Moves to the next line the pattern matches; the matcher then holds the line's first match. */
    public boolean next() {
        long size = src.to;
        while (pos < size) {
            long start = pos;
            if (pre != null) {
                long hit = pre.next(pos, size);
                if (hit < 0) { pos = size; return false; }
                long nl = src.lastIndexOf((byte) '\n', pos, hit);
                start = nl < 0 ? pos : nl + 1;
            }
            long end = src.indexOf((byte) '\n', start, size);
            if (end < 0) end = size;
            pos = end + 1;
            chars.load(src, start, end);
            matcher.reset(chars);
            if (matcher.find()) {
                lineStart = start;
                lineEnd = end;
                return true;
            }
        }
        return false;
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
            long nl = src.indexOf((byte) '\n', i, lineStart);
            if (nl < 0) break;
            lineNumber++;
            i = nl + 1;
        }
        numberedUpTo = lineStart;
        return lineNumber + 1;
    }
}
