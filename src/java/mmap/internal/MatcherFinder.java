package mmap.internal;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A finder that runs java.util.regex over windows: its groups are the Matcher's. */
abstract class MatcherFinder extends Finder {
    final MatchWindow w;
    final Matcher m;
    /**
     * Whether the pattern may hold {@code \X} or {@code \b{g}}: the JDK's grapheme nodes stop
     * at the end of the input without setting hitEnd, though the next character may extend the
     * cluster (a combining mark, a joiner, the \n of \r\n).
     */
    private final boolean graphemes;

    MatcherFinder(Source src, Pattern pattern, long margin, long searchFrom, long startLimit, long windowLimit,
                  RegexScanner.Cancel cancel) {
        super(src, searchFrom, startLimit);
        this.w = new MatchWindow(src, pattern, margin, windowLimit, cancel);
        this.m = w.matcher;
        this.graphemes = RegexSyntax.mayHoldGraphemes(pattern);
    }

    /**
     * Whether the last search or attempt read up to the window's end, so that more text could
     * change its outcome: {@link Matcher#hitEnd()}, or, with grapheme constructs, a match that
     * ends there.
     */
    boolean hitEnd(boolean found) {
        return m.hitEnd() || (graphemes && found && m.end() == w.text.length());
    }

    /**
     * Accepts the Matcher's current match. After an empty match the next search starts one
     * char on, as Matcher.find() does: inside a supplementary character that is its low
     * surrogate, whose byte offset is the character's first byte plus one.
     */
    boolean acceptMatch() {
        int s = m.start(), e = m.end();
        long next = s < e ? w.byteOffset(e) : e < w.text.length() ? w.byteOffset(e + 1) : w.byteOffset(e) + 1;
        return accept(w.byteOffset(s), w.byteOffset(e), next);
    }

    @Override int groupCount() { return m.groupCount(); }

    @Override String group(int g) {
        int s = m.start(g);
        return s < 0 ? null : w.text.toString(s, m.end(g));
    }

    @Override long start(int g) {
        int s = m.start(g);
        return s < 0 ? -1 : w.byteOffset(s);
    }

    @Override long end(int g) {
        int e = m.end(g);
        return e < 0 ? -1 : w.byteOffset(e);
    }

    @Override Map<String, Integer> namedGroups() { return m.pattern().namedGroups(); }

    private boolean startsAt(int ci) {
        try {
            return m.start() == ci;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /**
     * The attempt at {@code ci} again, by {@code find()}. {@code lookingAt()} reports a wrong
     * start when {@code \A} or {@code ^} (without MULTILINE) matched inside a lookbehind: the
     * JDK's Begin node sets the match start as if it began the match. {@code find()} sets the
     * start after the attempt, so it is right.
     */
    private boolean findAt(int ci) {
        m.region(ci, w.text.length());
        return m.find() && m.start() == ci;
    }

    /** The outcome of one attempt, made final. */
    enum Attempt { MATCH, NONE, STOP }

    /**
     * Runs {@code lookingAt()} at {@code pos}, growing the window until the outcome cannot
     * change with more text; STOP when the window limit forbids growing.
     */
    Attempt attemptAt(long pos, long initial) {
        long after = initial;
        if (!w.holds(pos, Math.min(initial, 64))) w.open(pos, after);
        while (true) {
            int ci = w.charIndex(pos);
            m.region(ci, w.text.length());
            boolean found = m.lookingAt();
            if (found && !startsAt(ci)) found = findAt(ci);
            if (!hitEnd(found) || w.atTextEnd()) return found ? Attempt.MATCH : Attempt.NONE;
            if (w.atLimit()) return Attempt.STOP;
            after = Math.max(initial, 2 * (w.text.end() - pos));
            w.open(pos, after);
        }
    }
}
