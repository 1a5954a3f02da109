package mmap.internal;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Matches a {@link ClassRun} pattern in one pass: finds where an attempt may start, then takes
 * each class in turn, greedily; a failed attempt at a run of an unbounded first class rules
 * out the rest of that run. Attempts start at the next character of the first class, found by
 * bytes: reading one byte in n for a first class of at least n ({@link #skipShortRuns}), by the
 * byte pair at an item boundary ({@link #boundaryStart}), or at line starts after a MULTILINE
 * {@code ^} ({@link #nextLineStart}). Reads the text in blocks copied to the heap and decodes
 * UTF-8 as the engine does (a malformed unit is U+FFFD).
 */
final class ClassRunFinder extends Finder {
    private static final int BLOCK = ByteSearch.BLOCK;
    /** The longest unit: a block is reloaded when fewer bytes than this remain of it before the text's end. */
    private static final int UNIT = 4;

    private final ClassRun run;
    /** The first class's least count when it is ASCII-only and at least 2 (see {@link #skipShortRuns}), else 0. */
    private final int minRun;
    /**
     * A boundary that every match holds, searched for as a pair of adjacent bytes (see
     * {@link #boundaryStart}), or null: the last character of item {@link #pairItem} followed by
     * the first of the next, both classes ASCII-only. The items before it take fixed counts,
     * {@link #pairLead} bytes in all; the item itself takes a fixed count ({@link #pairFixed})
     * or any count, then sharing no character with the item before it.
     */
    private final ByteClassSearch pairFirst, pairSecond;
    private final int pairItem, pairLead;
    private final boolean pairFixed;
    /** The last bytes of the line terminators, for a run after {@code ^} ({@link ClassRun#lineStart}); else null. */
    private final ByteClassSearch lineEnds;
    /** After an attempt at a boundary's start fails: the least start that may still match. */
    private long nextAfterFailure;
    private final long windowLimit;
    private final ByteClassSearch starts;    // bytes that may start a member
    /** Bytes looked at one by one before a block search for the next member. */
    private static final int NEAR = 16;
    private final byte[] buf = new byte[BLOCK];
    private long bufStart, bufEnd;

    ClassRunFinder(Source src, ClassRun run, long searchFrom, long startLimit, long windowLimit) {
        super(src, searchFrom, startLimit);
        this.run = run;
        this.windowLimit = Math.min(windowLimit, src.to);
        ClassTable first = run.classes[0];
        ByteSet s = first.asciiMembers();
        if (first.aboveAscii) for (int b = 0x80; b < 0x100; b++) s.add(b);
        this.starts = new ByteClassSearch(s);
        this.minRun = !run.lineStart && !first.aboveAscii && run.mins[0] >= 2 ? (int) Math.min(run.mins[0], 1024) : 0;
        this.lineEnds = run.lineStart ? new ByteClassSearch(PatternFacts.terminatorLastBytes(run.unixLines)) : null;
        int k = run.lineStart ? -1 : run.boundaryItem;
        this.pairItem = k;
        this.pairFirst = k < 0 ? null : new ByteClassSearch(run.classes[k].asciiMembers());
        this.pairSecond = k < 0 ? null : new ByteClassSearch(run.classes[k + 1].asciiMembers());
        int lead = 0;
        for (int j = 0; j < Math.max(k, 0); j++) lead += (int) run.mins[j];
        this.pairLead = lead;
        this.pairFixed = k >= 0 && run.mins[k] == run.maxs[k];
        bufStart = bufEnd = src.from;
    }

    /** What {@link #take} says when deciding needs text past the window limit. */
    private static final long PAST_WINDOW = -1;

    @Override
    boolean find() {
        if (done) return false;
        long pos = resume;
        long limit = Math.min(src.to, startLimit);
        ClassTable first = run.classes[0];
        while (true) {
            long s = -1;
            if (run.lineStart) {
                s = nextLineStart(pos, limit);
                if (s < 0) return finish();
            } else if (pairFirst != null) {
                s = boundaryStart(pos, limit);
                if (s < 0) return finish();
            }
            while (s < 0 && pos < limit) {
                if (minRun >= 2) pos = skipShortRuns(pos, limit);
                if (pos >= limit) break;
                ensure(pos);
                int from = (int) (pos - bufStart), to = (int) (Math.min(limit, bufEnd) - bufStart);
                // Words are close together: a few bytes by table before the block search, whose call costs more.
                int hit = from, near = Math.min(to, from + NEAR);
                while (hit < near && !starts.contains(buf[hit])) hit++;
                if (hit == near) hit = near < to ? starts.indexIn(buf, near, to) : -1;
                if (hit < 0) {
                    pos = Math.min(limit, bufEnd);
                    continue;
                }
                long at = bufStart + hit;
                ensure(at);
                int i = (int) (at - bufStart);
                int len = unitLength(i);
                if (first.member(codePoint(i, len))) {
                    s = at;
                    break;
                }
                pos = at + len;
            }
            if (s < 0) return finish();
            // The attempt at s: each class in turn, greedily.
            long e = s, firstEnd = s;
            boolean matched = true;
            for (int k = 0; k < run.classes.length; k++) {
                long end = take(k, e);
                if (end == PAST_WINDOW) return stop(s);
                if (end < 0) {
                    matched = false;
                    if (k == 0) firstEnd = -2 - end;
                    break;
                }
                e = end;
                if (k == 0) firstEnd = e;
            }
            if (matched && run.boundBefore && wordBefore(s)) matched = false;
            if (matched && run.boundAfter && e < src.to) {
                if (e >= windowLimit) return stop(s);
                if (wordAt(e)) matched = false;
            }
            if (matched) return accept(s, e, e);
            // A failed attempt fails for every later start in the first class's run, when that
            // class is unbounded (each would take less of the run, then the same); else next char.
            pos = run.maxs[0] == Long.MAX_VALUE ? Math.max(firstEnd, s + 1) : src.unitEnd(Math.min(src.to, s + 1));
            if (pairFirst != null) pos = Math.max(pos, nextAfterFailure);
            if (run.boundBefore) pos = Math.max(pos, pastWordRun(s, limit));
        }
    }

    /**
     * The first line start at or after {@code pos} and before {@code limit} whose byte may
     * start the first class, or -1: the text's start, or where a line terminator's last byte
     * stands before such a byte (a pair search), confirmed by {@link Source#lineStartAt}.
     */
    private long nextLineStart(long pos, long limit) {
        long end = Math.min(limit, src.to);
        if (pos == src.from && pos < end) {
            ensure(pos);
            if (starts.contains(buf[(int) (pos - bufStart)])) return pos;
        }
        long t = Math.max(src.from, pos - 1);      // a terminator's last byte, before the start
        while (true) {
            t = nextPair(lineEnds, starts, t, end - 1);
            if (t < 0) return -1;
            long p = t + 1;
            if (src.lineStartAt(p, run.unixLines)) return p;
            t = p;
        }
    }

    /**
     * The first i in [from, last) whose byte is in {@code x} and whose next byte is in
     * {@code y}, or -1; reads block by block, each block's last byte searched with the next.
     */
    private long nextPair(ByteClassSearch x, ByteClassSearch y, long from, long last) {
        long h = from;
        while (h < last) {
            ensure(h);
            int lo = (int) (h - bufStart), hi = (int) (Math.min(last, bufEnd - 1) - bufStart);
            int i = ByteClassSearch.indexOfPair(buf, lo, hi, x, y, 1);
            if (i >= 0) return bufStart + i;
            h = bufStart + hi;
        }
        return -1;
    }

    /**
     * The start of the first attempt at or after {@code pos} that may match, or -1 when no
     * match starts before {@code limit}; found from the first boundary byte pair after it.
     * Every match holds such a pair at its item boundary, and the pair's position fixes the
     * match's start: {@link #pairLead} bytes before the run of the item's class that ends at
     * the pair (or before the item's fixed count). A start before that would hold an earlier
     * pair; a later start, up to the pair, fails where the item is of varying count (its run
     * would have to start inside the run, whose characters the item before does not take).
     * Where no pair stands before the window's end, the start of the attempt that would run
     * into it is returned, and that attempt stops the scan where the window must grow.
     */
    private long boundaryStart(long pos, long limit) {
        int k = pairItem;
        long windowEnd = Math.min(windowLimit, src.to);
        long last = windowEnd - 1;      // a pair's first byte stands before this
        long hit = nextPair(pairFirst, pairSecond, pos + pairLead + run.mins[k] - 1, last);
        long start;
        if (hit < 0) {
            if (windowEnd == src.to) return -1;
            start = pairFixed ? last + 1 - pairLead - run.mins[k] : runStart(last, pos + pairLead) - pairLead;
            nextAfterFailure = start + 1;
        } else if (pairFixed) {
            start = hit + 1 - pairLead - run.mins[k];
            nextAfterFailure = start + 1;
        } else {
            start = runStart(hit, pos + pairLead) - pairLead;
            nextAfterFailure = hit + 2 - pairLead;
        }
        start = Math.max(start, pos);
        return start < limit ? start : -1;
    }

    /** Where the run of item {@link #pairItem}'s class that reaches {@code end} (inclusive, or up to it when the byte there is no member) starts, but not before {@code floor}. */
    private long runStart(long end, long floor) {
        boolean[] members = run.classes[pairItem].ascii;
        long r = end;
        while (r > floor) {
            byte b = r - 1 >= bufStart && r - 1 < bufEnd ? buf[(int) (r - 1 - bufStart)] : src.byteAt(r - 1);
            if (!asciiMember(members, b)) break;
            r--;
        }
        return r;
    }

    /**
     * The first position at or after {@code pos} where a run of {@link #minRun} members of the
     * first class may start (at most {@code limit}), for an ASCII-only first class, reading one
     * byte in {@code minRun} where members are few: a run that long which starts in
     * [p, p + minRun) holds the byte at p + minRun - 1, so where that byte is not a member the
     * whole stretch is passed over, and where it is, the run around it is measured. Returns
     * {@code pos} itself, or any earlier start, when the block ends before it can tell.
     */
    private long skipShortRuns(long pos, long limit) {
        ensure(pos);
        boolean[] ascii = run.classes[0].ascii;
        int n = minRun;
        int held = (int) (bufEnd - bufStart), to = (int) (Math.min(limit, bufEnd) - bufStart);
        int i = (int) (pos - bufStart);
        while (i < to) {
            int q = i + n - 1;
            if (q >= held) return bufStart + i;
            if (!asciiMember(ascii, buf[q])) {
                i = q + 1;
                continue;
            }
            int r = q;
            while (r > i && asciiMember(ascii, buf[r - 1])) r--;
            int e = q + 1;
            while (e < held && e - r < n && asciiMember(ascii, buf[e])) e++;
            if (e - r >= n || e >= held) return bufStart + r;
            i = e + 1;    // the byte at e is no member: no run crosses it
        }
        return Math.min(limit, bufStart + i);
    }

    /**
     * Takes class {@code k} greedily from {@code e}: the end of what it took, or
     * {@code -2 - end} when that is fewer than its least count, or {@link #PAST_WINDOW}.
     */
    private long take(int k, long e) {
        ClassTable c = run.classes[k];
        long min = run.mins[k], max = run.maxs[k];
        long count = 0;
        boolean[] ascii = c.ascii;
        while (count < max && e < src.to) {
            if (e >= windowLimit) return PAST_WINDOW;
            ensure(e);
            int i = (int) (e - bufStart);
            // ASCII members without a call each; the window limit and the block's end bound the step.
            int end = (int) Math.min(Math.min(bufEnd, windowLimit) - bufStart, i + Math.min(max - count, Integer.MAX_VALUE - i));
            int j = i;
            while (j < end && asciiMember(ascii, buf[j])) j++;
            if (j > i) {
                count += j - i;
                e += j - i;
                continue;
            }
            int b = buf[i] & 0xFF;
            if (b < 0x80) break;
            int len = unitLength(i);
            if (!c.member(codePoint(i, len))) break;
            e += len;
            count++;
        }
        return count >= min ? e : -2 - e;
    }

    /** Whether byte {@code b} is an ASCII character among {@code members} (a byte above ASCII never is). */
    private static boolean asciiMember(boolean[] members, byte b) {
        return b >= 0 && members[b];
    }

    /** Whether the JDK's {@code \b} takes the character before {@code p} (a run's start) as a word character; from the block held when it is ASCII there. */
    private boolean wordBefore(long p) {
        if (p > src.from && p - 1 >= bufStart && p - 1 < bufEnd && buf[(int) (p - 1 - bufStart)] >= 0) return ClassRun.asciiWord(buf[(int) (p - 1 - bufStart)]);
        return src.wordBefore(p);
    }

    /** As {@link #wordBefore}, for the character at {@code e} (just after a run). */
    private boolean wordAt(long e) {
        if (e >= bufStart && e < bufEnd && buf[(int) (e - bufStart)] >= 0) return ClassRun.asciiWord(buf[(int) (e - bufStart)]);
        return src.wordAt(e);
    }

    /**
     * With {@code \b} before the run: where the run of ASCII word characters at {@code s} ends
     * (or {@code limit}). No start after {@code s} within it can match, each having a word
     * character before it, so a failed attempt costs one per word, not one per letter.
     */
    private long pastWordRun(long s, long limit) {
        long p = s;
        while (p < limit) {
            ensure(p);
            int i = (int) (p - bufStart), end = (int) (Math.min(limit, bufEnd) - bufStart);
            while (i < end && buf[i] >= 0 && ClassRun.asciiWord(buf[i])) i++;
            p = bufStart + i;
            if (i < end) break;
        }
        return p;
    }

    /** Loads the block at {@code p} unless the one held has {@code p} and the unit there whole. */
    private void ensure(long p) {
        if (p >= bufStart && (p + UNIT <= bufEnd || bufEnd == src.to)) return;
        long end = Math.min(src.to, p + buf.length);
        src.copy(p, buf, 0, (int) (end - p));
        bufStart = p;
        bufEnd = end;
    }

    private int unitLength(int i) {
        return src.utf8 ? Utf8.unitLength(buf, i, (int) (bufEnd - bufStart)) : 1;
    }

    /** The code point of the unit at {@code i}: U+FFFD for a malformed one, the byte itself in Latin-1. */
    private int codePoint(int i, int len) {
        int b = buf[i] & 0xFF;
        if (b < 0x80 || !src.utf8) return b;
        return Utf8.decodedCodePoint(buf, i, len);
    }

    @Override int groupCount() { return run.capture ? 1 : 0; }

    @Override String group(int g) {
        byte[] b = new byte[(int) (lastEnd - lastStart)];
        src.copy(lastStart, b, 0, b.length);
        return new String(b, src.utf8 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    @Override long start(int g) { return lastStart; }

    @Override long end(int g) { return lastEnd; }

    @Override Map<String, Integer> namedGroups() { return Map.of(); }
}
