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
 */
final class LiteralFinder extends Finder {
    private final List<ByteSet[]> literals;
    private final Prefilter pre;
    private final RegexScanner.Cancel cancel;
    private final boolean utf8;
    private final byte[] near;

    LiteralFinder(Source src, PatternFacts facts, long searchFrom, long startLimit, RegexScanner.Cancel cancel) {
        super(src, searchFrom, startLimit);
        this.literals = facts.exactLiterals;
        this.pre = new Prefilter(src, facts.exactProbes());
        this.cancel = cancel;
        this.utf8 = src.utf8;
        int longest = 0;
        for (ByteSet[] l : literals) longest = Math.max(longest, l.length);
        this.near = new byte[longest];
    }

    @Override
    boolean find() {
        if (done) return false;
        if (cancel != null && cancel.cancelled) throw new CancellationException("the scan was cancelled");
        long from = resume;
        if (from >= startLimit || from >= src.to) return finish();
        long s = pre.next(from, Math.min(startLimit, src.to));
        if (s < 0) return finish();
        int n = (int) Math.min(near.length, src.to - s);
        src.copy(s, near, 0, n);
        for (ByteSet[] l : literals) {
            if (matchesAt(l, n)) return accept(s, s + l.length, s + l.length);
        }
        throw new IllegalStateException("the prefilter found a literal at " + s + " that none of the literals matches");
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
