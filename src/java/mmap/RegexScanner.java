package mmap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
 * up to {@link #LOOKBEHIND_MARGIN} bytes before the search position for lookbehind, {@code \b}
 * and {@code ^}. A window of pure ASCII is a zero-copy view; others are decoded. Decoded
 * windows stop growing at {@code maxDecodedWindow} bytes (zero-copy ones at 2 GiB), so a
 * single match, or failed attempt, longer than half of that is the one case that can differ
 * from whole-text matching.
 *
 * <p>When every match must begin with a known literal ({@link Literals}), candidates are found
 * with a SWAR byte search and the engine runs only there ({@link Matcher#lookingAt()}).
 *
 * <p>For parallel scans a scanner can start searching at {@code searchFrom} (the text still
 * begins at {@code from}), report only matches that start before {@code startLimit}, and keep
 * its windows below {@code windowLimit}; when it would need more, it stops and
 * {@link #stoppedAt()} tells where an unlimited scanner must carry on.
 */
public final class RegexScanner {
    public static final int LOOKBEHIND_MARGIN = 64 * 1024;
    public static final long DEFAULT_WINDOW = 512 << 10;
    public static final long MAX_LATIN1_WINDOW = Integer.MAX_VALUE - 64;
    public static final long MAX_DECODED_WINDOW = 2L << 20;

    /** Literal prefixes shorter than this are not worth a byte search (-Dmmap.regex.minLiteral). */
    static final int MIN_LITERAL = Integer.getInteger("mmap.regex.minLiteral", 1);

    /** Byte-scan fast paths for delimited patterns ({@link Delimited}); -Dmmap.regex.fastPaths=false turns them off. */
    static final boolean FAST_PATHS = !"false".equals(System.getProperty("mmap.regex.fastPaths"));

    /** Where and how far a scanner may look. */
    public record Limits(long searchFrom, long startLimit, long windowLimit) {}

    /** What a pattern's source shows about its matches, read once per scan rather than per scanner. */
    record Shape(byte[] literal, Delimited delimited, boolean confined) {
        static Shape of(Pattern pattern, boolean utf8) {
            byte[] prefix = Literals.requiredPrefix(pattern, utf8);
            return new Shape(prefix != null && prefix.length >= MIN_LITERAL ? prefix : null,
                    FAST_PATHS ? Delimited.of(pattern) : null,
                    Literals.lineConfined(pattern));
        }
    }

    /** What to scan: bytes [from, to) of a segment, decoded as UTF-8 or Latin-1, with window sizes in bytes. */
    public record Spec(MemorySegment seg, long from, long to, Pattern pattern, boolean utf8,
                       long initialWindow, long maxDecodedWindow, Shape shape) {
        public Spec(MemorySegment seg, long from, long to, Pattern pattern, boolean utf8,
                    long initialWindow, long maxDecodedWindow) {
            this(seg, from, to, pattern, utf8, initialWindow, maxDecodedWindow, Shape.of(pattern, utf8));
        }

        /** The same scan with another first window. */
        Spec withInitialWindow(long bytes) {
            return new Spec(seg, from, to, pattern, utf8, bytes, maxDecodedWindow, shape);
        }
    }

    private final MemorySegment seg;
    private final long from, to;
    private final Pattern pattern;
    private final boolean utf8;
    private final long initialWindow;
    private final long maxDecodedWindow;
    private final byte[] literal;        // every match starts with these bytes, or null
    private final long startLimit;
    private final long windowLimit;
    private final Delimited delimited;   // a byte scan does the matching, or null
    private final boolean confined;      // no match attempt crosses a newline (Literals.lineConfined)
    private long nextByte;               // with delimited: where the next search starts

    private WindowChars window;
    private Matcher matcher;
    private boolean continuous;      // the matcher's own position is nextChar: find() needs no region()
    private long windowEnd;          // byte offset where the window's text ends
    private int nextChar;            // where the next search starts, in window chars
    private boolean done;
    private long stoppedAt = -1;
    private long lastStart = -1, lastEnd = -1;

    public RegexScanner(MemorySegment seg, long from, long to, Pattern pattern, boolean utf8) {
        this(new Spec(seg, from, to, pattern, utf8, DEFAULT_WINDOW, MAX_DECODED_WINDOW), null);
    }

    /** A scanner of {@code spec}; {@code limits} may be null (the whole text). */
    public RegexScanner(Spec spec, Limits limits) {
        if (spec.from() < 0 || spec.to() > spec.seg().byteSize() || spec.from() > spec.to())
            throw new IndexOutOfBoundsException("[" + spec.from() + ", " + spec.to() + ") is outside "
                    + spec.seg().byteSize() + " bytes");
        this.seg = spec.seg();
        this.from = spec.from();
        this.to = spec.to();
        this.pattern = spec.pattern();
        this.utf8 = spec.utf8();
        this.initialWindow = Math.max(16, spec.initialWindow());
        this.maxDecodedWindow = Math.max(this.initialWindow, spec.maxDecodedWindow());
        this.literal = spec.shape().literal();
        this.delimited = spec.shape().delimited();
        this.confined = spec.shape().confined();
        long searchFrom = limits == null ? from : Math.max(from, limits.searchFrom());
        this.nextByte = searchFrom;
        this.startLimit = limits == null ? Long.MAX_VALUE : limits.startLimit();
        this.windowLimit = limits == null ? to : alignForward(Math.min(to, Math.max(limits.windowLimit(), searchFrom + 1)));
        if (delimited != null || literal != null) {
            // These find their candidates in the bytes first: a window is opened only around one.
            open(searchFrom, searchFrom, searchFrom);
        } else {
            long start = alignBack(Math.max(from, searchFrom - margin()));
            // Latin-1 text is one zero-copy window as far as it may go: exact, lazy, no copying.
            long first = utf8 ? this.initialWindow + (searchFrom - start) : MAX_LATIN1_WINDOW;
            open(start, searchFrom, Math.min(windowLimit, start + first));
        }
    }

    /** Builds the window [start, end) and positions the search at byte {@code searchAt}. */
    private void open(long start, long searchAt, long end) {
        // Ending on a char's first byte means the window decodes completely, so it always advances.
        end = alignForward(end);
        if (!utf8 || Utf8.isAscii(seg, start, end)) {
            window = WindowChars.latin1(seg, start, (int) (end - start));
        } else {
            // Decoded windows cost six bytes of heap per byte: they stay within maxDecodedWindow.
            if (end - start > maxDecodedWindow) end = alignForward(start + maxDecodedWindow);
            window = WindowChars.utf8(seg, start, end, to);
        }
        windowEnd = window.endOffset();
        matcher = pattern.matcher(window);
        matcher.useTransparentBounds(true);
        matcher.useAnchoringBounds(false);
        nextChar = window.charIndexAt(searchAt);
        continuous = false;
    }

    private boolean atTextEnd() { return windowEnd >= to; }

    /** Finds the next match; false when there are no more (or, see {@link #stoppedAt()}, when limited). */
    public boolean find() {
        if (done) return false;
        if (delimited != null) return findDelimited();
        return literal == null ? findAnywhere() : findAtLiterals();
    }

    private boolean findDelimited() {
        long limit = Math.min(to, startLimit);
        long pos = nextByte;
        while (true) {
            long s = ByteSearch.indexOf(seg, pos, limit, delimited.open());
            if (s < 0) return finish();
            long e = delimited.matchEnd(seg, s, to, utf8);
            if (e == -1) return finish();          // no closing byte anywhere after: no later open matches either
            if (e < -1) { pos = -2 - e + 1; continue; }   // a line ended first: so it would for every open before it
            lastStart = s;
            lastEnd = e;
            nextByte = e;
            return true;
        }
    }

    private boolean findAnywhere() {
        while (true) {
            if (nextChar > window.length()) {
                if (atTextEnd()) return finish();
                if (!regrow(windowEnd)) slide(windowEnd);
                if (done) return false;
                continue;
            }
            long searchAt = window.byteOffset(nextChar);
            if (!continuous) matcher.region(nextChar, window.length());
            // After an accepted match, Matcher.find() itself goes on from its end (one char on after an empty one).
            boolean found = matcher.find();
            continuous = false;
            if (found && matcher.hitEnd() && !atTextEnd()
                    && !(confined && window.byteOffset(matcher.start()) <= settledLineEnd(searchAt))) {
                if (regrow(searchAt)) continue;
                if (done) return false;
            }
            if (found) {
                if (accept(matcher.start(), matcher.end())) { continuous = true; return true; }
                if (done) return false;
                continue;
            }
            if (atTextEnd()) return finish();
            long settled = confined ? settledLineEnd(searchAt) : -1;
            if (settled >= 0) {
                // Every attempt up to that newline failed for good: carry on from the next line.
                if (settled + 1 >= startLimit) return finish();
                moveTo(settled + 1);
            } else if (!regrow(searchAt)) {
                slide(searchAt);
            }
            if (done) return false;
        }
    }

    /**
     * For a line-confined pattern, the last newline in the window from {@code searchAt} that
     * leaves room after it for {@code $} and {@code \b} to look: attempts that start up to it
     * were decided by the window alone. -1 when there is none.
     */
    private long settledLineEnd(long searchAt) {
        long last = windowEnd - 4;
        for (long i = last - 1; i >= searchAt; i--) {
            if (seg.get(ValueLayout.JAVA_BYTE, i) == '\n') return i;
        }
        return -1;
    }

    /** A window of the current size that starts searching at {@code at}, past the current one. */
    private void moveTo(long at) {
        long size = Math.max(initialWindow, windowEnd - window.byteOffset(0));
        long start = alignBack(Math.max(from, at - margin()));
        long end = Math.min(windowLimit, start + size);
        if (end <= windowEnd && end < to) {
            if (windowEnd >= windowLimit) { stop(at); return; }
            end = Math.min(windowLimit, windowEnd + size);
        }
        open(start, at, end);
    }

    private boolean findAtLiterals() {
        while (true) {
            long searchAt = nextChar > window.length() ? windowEnd : window.byteOffset(nextChar);
            // A match must start before startLimit, so candidates are looked for only up to there.
            long candidate = ByteSearch.indexOf(seg, searchAt,
                    Math.min(to, startLimit >= to ? to : startLimit + literal.length - 1), literal);
            if (candidate < 0 || candidate >= startLimit) return finish();
            if (candidate + literal.length > windowEnd || candidate < window.byteOffset(0)) {
                long start = alignBack(Math.max(from, candidate - margin()));
                long end = Math.min(windowLimit, start + (utf8 ? initialWindow + (candidate - start) : MAX_LATIN1_WINDOW));
                if (end < candidate + literal.length) { stop(candidate); return false; }
                open(start, candidate, end);
            }
            int at = window.charIndexAt(candidate);
            matcher.region(at, window.length());
            boolean found = matcher.lookingAt();
            if (matcher.hitEnd() && !atTextEnd()) {
                if (regrow(candidate)) continue;
                if (done) return false;
            }
            if (found) {
                if (accept(matcher.start(), matcher.end())) return true;
                if (done) return false;
                continue;
            }
            nextChar = at + 1;
        }
    }

    /** Records a match found at window chars [s, e); false when it must be skipped or ends the scan. */
    private boolean accept(int s, int e) {
        long bs = window.byteOffset(s), be = window.byteOffset(e);
        int resume = e == s ? e + 1 : e;
        if (bs >= startLimit) {
            nextChar = s;
            return finish();
        }
        nextChar = resume;
        if (bs == lastStart && be == lastEnd && bs == be) return false;
        lastStart = bs;
        lastEnd = be;
        return true;
    }

    private boolean finish() {
        done = true;
        return false;
    }

    private void stop(long at) {
        stoppedAt = at;
        done = true;
    }

    private long alignForward(long at) {
        if (utf8) while (at < to && (seg.get(ValueLayout.JAVA_BYTE, at) & 0xC0) == 0x80) at++;
        return at;
    }

    private long alignBack(long start) {
        if (utf8) while (start > from && (seg.get(ValueLayout.JAVA_BYTE, start) & 0xC0) == 0x80) start--;
        return start;
    }

    /** Bytes kept before the search position; at most a quarter of the smallest window limit, so windows always advance. */
    private long margin() {
        return Math.min(LOOKBEHIND_MARGIN, maxDecodedWindow / 4);
    }

    private long limitFor(long start, long end) {
        return utf8 && !Utf8.isAscii(seg, start, end) ? maxDecodedWindow : MAX_LATIN1_WINDOW;
    }

    /**
     * Opens a larger window that still holds {@code searchAt}. False when the size limit forbids
     * growing; when the window limit forbids it, the scan stops at {@code searchAt}.
     */
    private boolean regrow(long searchAt) {
        long oldStart = window.byteOffset(0);
        long oldSize = windowEnd - oldStart;
        long start = alignBack(Math.max(from, searchAt - margin()));
        long want = Math.max(oldSize * 4, (searchAt - start) + initialWindow);
        long end = Math.min(to, start + Math.min(want, limitFor(start, Math.min(to, start + want))));
        if (end > windowLimit) {
            if (windowEnd >= windowLimit) { stop(searchAt); return false; }
            end = windowLimit;
        }
        if (end <= windowEnd) return false;
        open(start, searchAt, end);
        return true;
    }

    /** At the size limit with no match: skip to the window's middle (the one approximation). */
    private void slide(long searchAt) {
        long oldStart = window.byteOffset(0);
        long slideTo = Math.max(searchAt, oldStart + (windowEnd - oldStart) / 2);
        if (slideTo >= startLimit) { finish(); return; }
        long start = alignBack(Math.max(from, slideTo - margin()));
        long end = Math.min(windowLimit, start + MAX_LATIN1_WINDOW);   // open() keeps a decoded one smaller
        if (end <= slideTo) { stop(slideTo); return; }
        open(start, slideTo, end);
    }

    /** Where a limited scan stopped for want of text (an unlimited scan must carry on from there), or -1. */
    public long stoppedAt() { return stoppedAt; }

    /** The byte offset where the search after the last match starts (after an empty match, one char on). */
    public long resumeOffset() {
        if (delimited != null) return nextByte;
        return nextChar > window.length() ? windowEnd + 1 : window.byteOffset(nextChar);
    }

    /** Byte offsets of the last match. */
    public long start() { return lastStart; }
    public long end() { return lastEnd; }
    public int groupCount() { return delimited != null ? (delimited.capture() ? 1 : 0) : matcher.groupCount(); }

    /** Group {@code g} of the last match, or null when it did not participate. */
    public String group(int g) {
        if (delimited != null) {
            long s = start(g), e = end(g);
            byte[] b = seg.asSlice(s, e - s).toArray(ValueLayout.JAVA_BYTE);
            return new String(b, utf8 ? java.nio.charset.StandardCharsets.UTF_8 : java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        int s = matcher.start(g);
        return s < 0 ? null : window.toString(s, matcher.end(g));
    }

    public long start(int g) {
        if (delimited != null) return g == 0 ? lastStart : lastStart + 1;
        int s = matcher.start(g);
        return s < 0 ? -1 : window.byteOffset(s);
    }

    public long end(int g) {
        if (delimited != null) return g == 0 ? lastEnd : lastEnd - 1;
        int e = matcher.end(g);
        return e < 0 ? -1 : window.byteOffset(e);
    }

    public Map<String, Integer> namedGroups() { return pattern.namedGroups(); }

    /** Counts the remaining matches without building strings. */
    public long count() {
        long n = 0;
        while (find()) n++;
        return n;
    }
}
