package mmap.internal;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lines of a text that a pattern selects, one at a time, with what a program needs of
 * each: its number, byte offset, text and matches. Lines end at \n and are decoded as UTF-8;
 * each is matched on its own. When lines are selected by matching and every match contains
 * one of a set of literals ({@link PatternFacts}), lines without one are skipped by a byte
 * search, unread; otherwise a {@link LineAutomaton} skips the lines it rules out. This is {@code mmap.core/grep}'s engine; {@link LineGrep} is the command's.
 *
 * <p>Public for {@code mmap.core} only; no compatibility promise.
 */
public final class GrepLines {
    private final Source src;
    private final Matcher matcher;
    private final Prefilter pre;
    private final LineAutomaton automaton;
    private final LineAutomaton.Cursor cursor = new LineAutomaton.Cursor();
    private byte[] lineBytes = new byte[8192];
    private final boolean invert;
    private final TextWindow chars = new TextWindow(null);
    private long pos;                     // where the next line starts
    private long lineStart = -1, lineEnd = -1, lineNumber;
    private long numberedUpTo;            // line numbers are counted lazily, up to here

    /**
     * The selected lines of {@code seg}: those {@code pattern} matches, or with {@code invert} those it does not.
     * @param seg the bytes of the file
     * @param pattern the regular expression
     * @param invert whether to select the lines that do not match
     */
    public GrepLines(MemorySegment seg, Pattern pattern, boolean invert) {
        this.src = new Source(seg, 0, seg.byteSize(), true);
        this.matcher = pattern.matcher("");
        this.invert = invert;
        PatternFacts facts = PatternFacts.of(pattern, true);
        this.pre = !invert && facts.plan != null ? new Prefilter(src, facts.literalProbes()) : null;
        this.automaton = LineAutomaton.of(pattern);
    }

    /**
     * Moves to the next selected line; false after the last.
     * @return whether there was another selected line
     */
    public boolean next() {
        long size = src.to;
        while (pos < size) {
            long start = pos;
            if (pre != null) {
                long hit = pre.next(pos, size);
                if (hit < 0) { pos = size; return false; }
                long nl = src.lastIndexOf((byte) '\n', pos, hit);
                start = nl < 0 ? pos : nl + 1;
            } else if (automaton != null && !invert) {
                start = automaton.nextCandidateLine(src, pos, size, lineBytes, cursor);
                if (start < 0) { pos = size; return false; }
            }
            long end = src.indexOf((byte) '\n', start, size);
            if (end < 0) end = size;
            pos = end + 1;
            chars.load(src, start, end);
            if (matches(start, end) != invert) {
                lineStart = start;
                lineEnd = end;
                return true;
            }
        }
        return false;
    }

    /** Whether line [start, end) holds a match, its chars loaded: the automaton's verdict where it has one. */
    private boolean matches(long start, long end) {
        if (automaton != null && end - start <= Integer.MAX_VALUE - 64) {
            int n = (int) (end - start);
            if (n > lineBytes.length) lineBytes = new byte[Math.max(n, 2 * lineBytes.length)];
            src.copy(start, lineBytes, 0, n);
            int verdict = automaton.verdict(lineBytes, 0, n);
            if (verdict != LineAutomaton.UNKNOWN) return verdict == LineAutomaton.MATCH;
        }
        matcher.reset(chars);
        return matcher.find();
    }

    /** {@return the byte offset where the current line starts} */
    public long lineStart() { return lineStart; }

    /** {@return the byte offset of the current line's end (its \n, or the end of the text)} */
    public long lineEnd() { return lineEnd; }

    /** {@return the current line, without its \n} */
    public String line() { return chars.toString(); }

    /** {@return the current line's number, from 1 (counted only when asked for)} */
    public long lineNumber() {
        lineNumber += src.count((byte) '\n', numberedUpTo, lineStart);
        numberedUpTo = lineStart;
        return lineNumber + 1;
    }

    /** {@return the current line's non-empty matches, as [start, end) byte offsets in the text, and their text} */
    public List<Object[]> matches() {
        List<Object[]> out = new ArrayList<>();
        matcher.reset(chars);
        while (matcher.find()) {
            if (matcher.start() == matcher.end()) continue;
            out.add(new Object[]{chars.byteOffset(matcher.start()), chars.byteOffset(matcher.end()), matcher.group()});
        }
        return out;
    }
}
