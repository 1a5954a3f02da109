package mmap;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds successive matches of a java.util.regex Pattern in bytes [from, to) of a segment,
 * with the same results as matching the whole decoded text at once, in bounded memory.
 *
 * <p>Text is matched in windows. A match is accepted only when the engine did not reach the
 * window's end ({@link Matcher#hitEnd()}) or the window ends where the text ends; otherwise
 * the window grows and the search is repeated, so that greedy quantifiers, lookahead,
 * {@code $}, {@code \b} and {@code \z} see what they would see in the whole text. Windows keep
 * {@link #LOOKBEHIND_MARGIN} bytes before the search position for lookbehind, {@code \b} and
 * {@code ^}. A window of pure ASCII is a zero-copy view; others are decoded. Windows stop
 * growing at {@code maxWindow} bytes, so a single match (or failed attempt) spanning more
 * than half of that is the one case that can differ from whole-text matching.
 */
public final class RegexScanner {
    public static final int LOOKBEHIND_MARGIN = 64 * 1024;
    public static final long DEFAULT_WINDOW = 1 << 20;
    public static final long MAX_LATIN1_WINDOW = Integer.MAX_VALUE - 64;
    public static final long MAX_DECODED_WINDOW = 4L << 20;

    private final MemorySegment seg;
    private final long from, to;
    private final Pattern pattern;
    private final boolean utf8;
    private final long initialWindow;
    private final long maxDecodedWindow;

    private WindowChars window;
    private Matcher matcher;
    private long windowEnd;          // byte offset where the window's text ends
    private int nextChar;            // where the next search starts, in window chars
    private boolean done;
    private long lastStart = -1, lastEnd = -1;

    public RegexScanner(MemorySegment seg, long from, long to, Pattern pattern, boolean utf8) {
        this(seg, from, to, pattern, utf8, DEFAULT_WINDOW, MAX_DECODED_WINDOW);
    }

    /** With explicit window sizes in bytes; small ones force every boundary case (for tests). */
    public RegexScanner(MemorySegment seg, long from, long to, Pattern pattern, boolean utf8,
                        long initialWindow, long maxDecodedWindow) {
        if (from < 0 || to > seg.byteSize() || from > to)
            throw new IndexOutOfBoundsException("[" + from + ", " + to + ") is outside " + seg.byteSize() + " bytes");
        this.seg = seg;
        this.from = from;
        this.to = to;
        this.pattern = pattern;
        this.utf8 = utf8;
        this.initialWindow = Math.max(16, initialWindow);
        this.maxDecodedWindow = Math.max(this.initialWindow, maxDecodedWindow);
        // Latin-1 text up to 2 GiB is one window: exact, lazy, and zero-copy.
        long first = utf8 ? this.initialWindow : MAX_LATIN1_WINDOW;
        open(from, from, Math.min(to, from + first));
    }

    /** Builds the window [start, end) and positions the search at byte {@code searchAt}. */
    private void open(long start, long searchAt, long end) {
        if (!utf8 || Utf8.isAscii(seg, start, end)) {
            window = WindowChars.latin1(seg, start, (int) (end - start));
        } else {
            window = WindowChars.utf8(seg, start, end, end == to);
        }
        windowEnd = window.endOffset();
        matcher = pattern.matcher(window);
        matcher.useTransparentBounds(true);
        matcher.useAnchoringBounds(false);
        nextChar = window.charIndexAt(searchAt);
    }

    private boolean atTextEnd() { return windowEnd >= to; }

    /** Finds the next match; false when there are no more. */
    public boolean find() {
        if (done) return false;
        while (true) {
            if (nextChar > window.length()) {
                if (atTextEnd()) { done = true; return false; }
                if (!regrow(windowEnd)) slide(windowEnd);
                continue;
            }
            matcher.region(nextChar, window.length());
            boolean found = matcher.find();
            long searchAt = window.byteOffset(nextChar);
            if (found && matcher.hitEnd() && !atTextEnd() && regrow(searchAt)) continue;
            if (found) {
                long s = window.byteOffset(matcher.start()), e = window.byteOffset(matcher.end());
                int resume = matcher.end() == matcher.start() ? matcher.end() + 1 : matcher.end();
                if (s == lastStart && e == lastEnd && s == e) { nextChar = resume; continue; }
                lastStart = s;
                lastEnd = e;
                nextChar = resume;
                return true;
            }
            if (atTextEnd()) { done = true; return false; }
            if (!regrow(searchAt)) slide(searchAt);
        }
    }

    private long alignBack(long start) {
        if (utf8) while (start > from && (seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, start) & 0xC0) == 0x80) start--;
        return start;
    }

    /** Bytes kept before the search position; at most a quarter of the smallest window limit, so windows always advance. */
    private long margin() {
        return Math.min(LOOKBEHIND_MARGIN, maxDecodedWindow / 4);
    }

    private long limitFor(long start, long end) {
        return utf8 && !Utf8.isAscii(seg, start, end) ? maxDecodedWindow : MAX_LATIN1_WINDOW;
    }

    /** Opens a larger window that still holds {@code searchAt}; false when the size limit forbids growing. */
    private boolean regrow(long searchAt) {
        long oldStart = window.byteOffset(0);
        long oldSize = windowEnd - oldStart;
        long start = alignBack(Math.max(from, searchAt - margin()));
        long want = Math.max(oldSize * 4, (searchAt - start) + initialWindow);
        long end = Math.min(to, start + Math.min(want, limitFor(start, Math.min(to, start + want))));
        if (end <= windowEnd) return false;
        open(start, searchAt, end);
        return true;
    }

    /** At the size limit with no match: skip to the window's middle (the one approximation). */
    private void slide(long searchAt) {
        long oldStart = window.byteOffset(0);
        long slideTo = Math.max(searchAt, oldStart + (windowEnd - oldStart) / 2);
        long start = alignBack(Math.max(from, slideTo - margin()));
        long end = Math.min(to, start + limitFor(start, Math.min(to, start + maxDecodedWindow)));
        open(start, slideTo, Math.max(end, Math.min(to, slideTo + 1)));
    }

    public long start() { return lastStart; }
    public long end() { return lastEnd; }
    public int groupCount() { return matcher.groupCount(); }

    /** Group {@code g} of the last match, or null when it did not participate. */
    public String group(int g) {
        int s = matcher.start(g);
        return s < 0 ? null : window.toString(s, matcher.end(g));
    }

    public long start(int g) { int s = matcher.start(g); return s < 0 ? -1 : window.byteOffset(s); }
    public long end(int g) { int e = matcher.end(g); return e < 0 ? -1 : window.byteOffset(e); }

    public Map<String, Integer> namedGroups() { return pattern.namedGroups(); }

    /** Counts the remaining matches without building strings. */
    public long count() {
        long n = 0;
        while (find()) n++;
        return n;
    }
}
