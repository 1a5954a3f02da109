package mmap.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * Finds the matches of a pattern that is nothing but a set of literal strings
 * ({@link PatternFacts#exactLiterals}), such as {@code ERROR|WARN|FATAL}, {@code [äöüß]} or
 * {@code (?i)timeout}, without decoding the text or running the engine: every match is an
 * occurrence of one of them, found by the prefilter. Where several stand at the leftmost start,
 * the first in the pattern's order is the match, as java.util.regex's backtracking tries them
 * (a match never starts inside a character: every literal starts with an ASCII or lead byte).
 * A {@code \b} or MULTILINE {@code ^} before the literals, or a {@code \b} after them
 * ({@link PatternFacts#exactBefore}), is checked by reading the bytes around: {@code \bint\b},
 * {@code (?m)^\.TP}. Where it fails, the next literal in order is tried at the same start (the
 * one after may end at a boundary), then the next start.
 */
final class LiteralFinder extends Finder {
    private final List<ByteSet[]> literals;
    private final Prefilter pre;
    private final RegexScanner.Cancel cancel;
    private final boolean utf8;
    private final byte[] near;
    private final int before, after;

    LiteralFinder(Source src, PatternFacts facts, long searchFrom, long startLimit, RegexScanner.Cancel cancel) {
        super(src, searchFrom, startLimit);
        this.literals = facts.exactLiterals;
        this.pre = new Prefilter(src, facts.exactProbes());
        this.cancel = cancel;
        this.utf8 = src.utf8;
        int longest = 0;
        for (ByteSet[] l : literals) longest = Math.max(longest, l.length);
        this.near = new byte[longest];
        this.before = facts.exactBefore;
        this.after = facts.exactAfter;
    }

    @Override
    boolean find() {
        if (done) return false;
        long from = resume;
        long limit = Math.min(startLimit, src.to);
        while (from < limit) {
            // Checked per candidate: where assertions fail, one call may pass many.
            if (cancel != null && cancel.cancelled) throw new CancellationException("the scan was cancelled");
            long s = pre.next(from, limit);
            if (s < 0) break;
            int n = (int) Math.min(near.length, src.to - s);
            src.copy(s, near, 0, n);
            if (holdsBefore(s)) {
                for (ByteSet[] l : literals) {
                    if (matchesAt(l, n) && (after == PatternFacts.NO_ASSERTION || src.wordBoundaryAt(s + l.length)))
                        return accept(s, s + l.length, s + l.length);
                }
            }
            from = s + 1;
        }
        return finish();
    }

    private boolean holdsBefore(long s) {
        return switch (before) {
            case PatternFacts.WORD_BOUNDARY -> src.wordBoundaryAt(s);
            case PatternFacts.LINE_START -> src.lineStartAt(s, false);
            case PatternFacts.UNIX_LINE_START -> src.lineStartAt(s, true);
            default -> true;
        };
    }

    private boolean matchesAt(ByteSet[] l, int n) {
        if (l.length > n) return false;
        for (int j = 0; j < l.length; j++) if (!l[j].contains(near[j])) return false;
        return true;
    }

    @Override int groupCount() { return 0; }

    @Override String group(int g) {
        check(g);
        byte[] b = new byte[(int) (lastEnd - lastStart)];
        src.copy(lastStart, b, 0, b.length);
        return new String(b, utf8 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    @Override long start(int g) {
        check(g);
        return lastStart;
    }

    @Override long end(int g) {
        check(g);
        return lastEnd;
    }

    @Override Map<String, Integer> namedGroups() { return Map.of(); }

    private void check(int g) {
        if (lastStart < 0) throw new IllegalStateException("No match found");
        if (g != 0) throw new IndexOutOfBoundsException("No group " + g);
    }
}
