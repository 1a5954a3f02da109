package mmap.internal;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Matches a {@link Delimited} pattern by scanning bytes: each open, then the body's run to the
 * first byte that decides (a close, or a byte that is not a member), then the close. An
 * attempt that fails at a byte also fails for every open whose body would start at or before
 * that byte (for a string with escapes: every open after it is an escaped character of its
 * body, whose parse from there is the same), so those are passed over: no text is scanned
 * twice, whatever the pattern. Reads
 * the text in blocks copied to the heap.
 */
final class DelimitedFinder extends Finder {
    private static final int BLOCK = ByteSearch.BLOCK;
    /** What {@link #bodyEnd} says when the window limit came first. */
    private static final long PAST_WINDOW = -3;
    /** What {@link #bodyEnd} says when no open from here on can match. */
    private static final long NEVER = -1;

    private final Delimited shape;
    private final byte[] open, close;
    private final int escape;                // the escape character of a string body, or -1
    private final long windowLimit;
    private final ByteClassSearch stops;     // bytes that may decide a body: non-members, the close's first, terminator leads
    /**
     * Finds an open of two or more bytes by its rarest bytes, as a literal plan does: its first
     * byte alone stops too often ({@code throw new \w+\(} stopped at each "t": 0.023 s over
     * 40 MB of the JDK sources, the literal alone 0.008 s). Null for a one-byte open.
     */
    private final Prefilter openSearch;
    private final byte[] buf = new byte[BLOCK];
    private long bufStart, bufEnd;

    DelimitedFinder(Source src, Delimited shape, long searchFrom, long startLimit, long windowLimit) {
        super(src, searchFrom, startLimit);
        this.shape = shape;
        this.open = shape.open();
        this.close = shape.close();
        this.escape = shape.escape();
        this.windowLimit = Math.min(windowLimit, src.to);
        ByteSet s = new ByteSet();
        for (int b = 0; b < 128; b++) if (!shape.members()[b]) s.add(b);
        if (shape.lazy()) s.add(close[0] & 0xFF);
        if (escape >= 0) s.add(escape);
        switch (shape.above()) {
            case Delimited.NONE -> { for (int b = 0x80; b < 0x100; b++) s.add(b); }
            case Delimited.ALL_BUT_TERMINATORS -> {
                if (src.utf8) { s.add(0xC2); s.add(0xE2); } else s.add(0x85);
            }
            default -> { }
        }
        this.stops = new ByteClassSearch(s);
        bufStart = bufEnd = src.from;
        if (open.length >= 2) {
            ByteSet[] lit = new ByteSet[open.length];
            for (int i = 0; i < open.length; i++) lit[i] = ByteSet.of(open[i] & 0xFF);
            openSearch = new Prefilter(src, ProbePlan.ofLiterals(java.util.List.<ByteSet[]>of(lit)));
        } else {
            openSearch = null;
        }
    }

    @Override
    boolean find() {
        if (done) return false;
        long pos = resume;
        long limit = Math.min(src.to, startLimit);
        while (true) {
            long s = indexOfOpen(pos, limit);
            if (s < 0) return finish();
            if (s + open.length > windowLimit) return stop(s);
            long e = bodyEnd(s + open.length);
            if (e == NEVER) return finish();
            if (e == PAST_WINDOW) return stop(s);
            if (e < 0) {
                // Failed at byte t: so does every open whose body starts at or before t.
                long t = -4 - e;
                pos = Math.max(s + 1, t - open.length + 1);
                continue;
            }
            return accept(s, e + close.length, e + close.length);
        }
    }

    /** The first position in [pos, end) where the open run stands, or -1. */
    private long indexOfOpen(long pos, long end) {
        if (openSearch != null) return openSearch.next(pos, end);
        while (pos < end) {
            if (pos < bufStart || pos >= bufEnd) load(pos);
            int hit = ByteSearch.indexOf(buf, (int) (pos - bufStart), (int) (Math.min(end, bufEnd) - bufStart), open[0]);
            if (hit < 0) {
                pos = Math.min(end, bufEnd);
                continue;
            }
            long at = bufStart + hit;
            if (startsWith(at, open)) return at;
            pos = at + 1;
        }
        return -1;
    }

    private boolean startsWith(long at, byte[] run) {
        if (at + run.length > src.to) return false;
        for (int i = 0; i < run.length; i++) if (byteAt(at + i) != run[i]) return false;
        return true;
    }

    private byte byteAt(long p) {
        if (p >= bufStart && p < bufEnd) return buf[(int) (p - bufStart)];
        return src.byteAt(p);
    }

    /**
     * Where the close starts for the body that starts at {@code b}: {@link #NEVER} when neither
     * this open nor any later one can match, {@link #PAST_WINDOW} when deciding needs text past
     * the window limit, and {@code -4 - t} when the attempt fails at byte t.
     */
    private long bodyEnd(long b) {
        long pos = b;
        while (true) {
            if (pos >= src.to) return NEVER;     // no close after: none after any later open either
            if (pos >= windowLimit) return PAST_WINDOW;
            if (pos < bufStart || pos >= bufEnd) load(pos);
            int rel = (int) (pos - bufStart);
            int hit = stops.indexIn(buf, rel, (int) (Math.min(bufEnd, windowLimit) - bufStart));
            if (hit < 0) {
                pos = Math.min(bufEnd, windowLimit);
                continue;
            }
            long at = bufStart + hit;
            if (buf[hit] == close[0]) {
                if (at + close.length > windowLimit && at + close.length <= src.to) return PAST_WINDOW;
                if (startsWith(at, close) && atLeast(b, at, shape.min())) return at;
            }
            if (escape >= 0 && buf[hit] == escape) {
                // The escape takes the character after it, which must be one it may take.
                if (at + 1 >= src.to) return NEVER;
                if (at + 1 >= windowLimit) return PAST_WINDOW;
                int e = byteAt(at + 1) & 0xFF;
                boolean taken = e < 0x80 ? shape.escaped()[e] : shape.escapedAbove() == Delimited.ALL || !terminatorAt(at + 1, e);
                if (!taken) return -4 - at;
                pos = src.unitEnd(Math.min(src.to, at + 2));
                continue;
            }
            if (!member(at)) return -4 - at;
            pos = at + 1;
        }
    }

    private long unitsFrom = -1, unitsTo, units;   // characters counted in [unitsFrom, unitsTo)

    /**
     * Whether bytes [from, to) (character boundaries) hold {@code min} characters or more: a
     * character takes one byte to four, and a malformed subpart of UTF-8 is one (U+FFFD).
     * Counting is kept from call to call for the same start, as a lazy body meets closes.
     */
    private boolean atLeast(long from, long to, int min) {
        long bytes = to - from;
        if (bytes < min) return false;
        if (!src.utf8 || shape.above() == Delimited.NONE || bytes >= 4L * min) return true;
        if (unitsFrom != from || unitsTo > to) {
            unitsFrom = unitsTo = from;
            units = 0;
        }
        while (unitsTo < to && units < min) {
            unitsTo = byteAt(unitsTo) >= 0 ? unitsTo + 1 : src.unitEnd(unitsTo + 1);
            units++;
        }
        return units >= min;
    }

    /** Whether the character that starts at (or holds) byte {@code p} is a member of the body's class. */
    private boolean member(long p) {
        int b = byteAt(p) & 0xFF;
        if (b < 0x80) return shape.members()[b];
        return switch (shape.above()) {
            case Delimited.NONE -> false;
            case Delimited.ALL -> true;
            default -> !terminatorAt(p, b);
        };
    }

    /** Whether a line terminator above ASCII (U+0085, U+2028, U+2029) starts at {@code p}, whose byte is {@code b}. */
    private boolean terminatorAt(long p, int b) {
        if (!src.utf8) return b == 0x85;
        if (b == 0xC2) return p + 1 < src.to && byteAt(p + 1) == (byte) 0x85;
        if (b == 0xE2 && p + 2 < src.to && byteAt(p + 1) == (byte) 0x80) {
            byte b2 = byteAt(p + 2);
            return b2 == (byte) 0xA8 || b2 == (byte) 0xA9;
        }
        return false;
    }

    private void load(long pos) {
        long end = Math.min(src.to, pos + buf.length);
        src.copy(pos, buf, 0, (int) (end - pos));
        bufStart = pos;
        bufEnd = end;
    }

    @Override int groupCount() { return shape.capture() ? 1 : 0; }

    @Override String group(int g) {
        long s = start(g), e = end(g);
        byte[] b = new byte[(int) (e - s)];
        src.copy(s, b, 0, b.length);
        return new String(b, src.utf8 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    @Override long start(int g) { return g == 0 ? lastStart : lastStart + open.length; }

    @Override long end(int g) { return g == 0 ? lastEnd : lastEnd - close.length; }

    @Override Map<String, Integer> namedGroups() { return Map.of(); }
}
