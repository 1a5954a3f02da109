package mmap.internal;

import java.util.regex.Pattern;

/**
 * The general strategy: {@code Matcher.find()} over successive windows. A result is final when
 * the engine did not reach the window's end or the window ends where the text does; otherwise
 * the window moves forward (when the search position is far into it), or grows, and the
 * search runs again. So every result is the one whole-text matching gives; memory stays
 * bounded for ordinary text and grows, as slurp would need, only for a single match or failed
 * attempt that spans more than a window.
 *
 * <p>A failed {@code find()} always reports that it reached the end (Pattern's search loop
 * sets hitEnd when it runs out of positions), so a window with no match cannot be settled from
 * that alone. It is settled up to its last newline for a line-confined pattern; otherwise,
 * once windows are at {@link #SOFT_CAP}, attempt by attempt with {@code lookingAt()}, whose
 * hitEnd concerns one attempt only.
 *
 * <p>After an empty match, Matcher.find() goes on one char later but {@code \G} still refers to
 * the empty match; a search that re-opens there starts at the empty match and skips it, which
 * leaves the Matcher in exactly that state. With {@code \G} that is not enough (the empty match
 * itself depended on the match before it): a search that re-opens starts at the end of the
 * last non-empty match, finds again the empty matches delivered since, and windows only grow
 * from there.
 */
final class WindowFinder extends MatcherFinder {
    /** Windows grow freely up to this size; beyond it only when one attempt needs more. */
    static final long SOFT_CAP = 4L << 20;

    private final boolean confined;
    private final boolean previousMatch;   // \G: every search must start where the last match ended
    private final long searchFrom;
    private final long initial;
    private final boolean lowSurrogates;
    /**
     * Whether the pattern holds {@code \b{g}}, which the JDK decides from where the previous
     * match ended (Matcher's {@code last}, which region() resets to 0): a boundary is any
     * position from the first cluster end after it on.
     */
    private final boolean lastMatchEndMatters;
    private static final Pattern EMPTY = Pattern.compile(""), NEVER = Pattern.compile("(?!)");
    private int nextChar = -1;       // where the next search starts in the window, or -1 to position at resume
    private boolean continuous;      // the Matcher's own position is nextChar: find() needs no region()
    private long emptyAt = -1;       // the last match was empty here
    private boolean skipEmpty;       // a search re-opened at emptyAt must skip that match
    // \G: where the Matcher's state can be rebuilt (the end of the last non-empty match, or the
    // start), and how many empty matches were delivered since: a re-opened search replays them.
    private long safeStart;
    private int sinceSafe;
    private int replaying;

    WindowFinder(Source src, Pattern pattern, boolean confined, boolean previousMatch, boolean lowSurrogates, long margin,
                 long initial, long searchFrom, long startLimit, long windowLimit, RegexScanner.Cancel cancel) {
        super(src, pattern, margin, searchFrom, startLimit, windowLimit, cancel);
        this.confined = confined && !previousMatch;
        this.previousMatch = previousMatch;
        this.searchFrom = searchFrom;
        this.safeStart = searchFrom;
        this.lowSurrogates = lowSurrogates;
        this.initial = Math.max(16, initial);
        this.lastMatchEndMatters = previousMatch && RegexSyntax.mayHoldGraphemeBoundary(pattern);
    }

    /**
     * Makes the Matcher's record of where the previous match ended (its {@code last}) the
     * region's start, where the search starts, as it is for Matcher.find() over the whole text:
     * an empty match there sets it, a failed attempt clears the record of that match's start (so
     * that the next find() does not step past it), and usePattern() keeps both and the region
     * (which region() itself would reset).
     */
    private void setLastMatchEndToRegionStart() {
        Pattern pattern = m.pattern();
        m.usePattern(EMPTY).find();
        m.usePattern(NEVER).lookingAt();
        m.usePattern(pattern);
    }

    @Override
    boolean find() {
        if (done) return false;
        while (true) {
            if (nextChar < 0 || nextChar > w.text.length()) {
                if (nextChar > w.text.length() && w.atTextEnd()) return finish();
                if (!position(resume, initial, false)) return false;
            }
            long searchAt = w.byteOffset(Math.min(nextChar, w.text.length()));
            if (searchAt >= startLimit && !skipEmpty) return finish();
            if (!continuous) {
                m.region(nextChar, w.text.length());
                if (lastMatchEndMatters) setLastMatchEndToRegionStart();
            }
            boolean found;
            try {
                found = m.find();
            } catch (IndexOutOfBoundsException e) {
                // The JDK's \b{g} reads the Matcher's last (which some nodes use as scratch) and fails
                // when it lies at the end of the input: at a window's end, more text is the cure;
                // at the text's end java.util.regex fails the same way.
                if (!lastMatchEndMatters || w.atTextEnd()) throw e;
                continuous = false;
                if (!more(searchAt)) return false;
                continue;
            }
            continuous = false;
            if (found) {
                if (replaying > 0) {
                    replaying--;
                    continuous = true;
                    nextChar = m.end() > m.start() ? m.end() : m.end() + 1;
                    continue;
                }
                if (skipEmpty && m.start() == m.end() && w.byteOffset(m.start()) == emptyAt) {
                    skipEmpty = false;
                    continuous = true;
                    nextChar = m.end() + 1;
                    continue;
                }
                skipEmpty = false;
                if (!hitEnd(true) || w.atTextEnd()) {
                    if (!acceptMatch()) return false;
                    boolean empty = m.start() == m.end();
                    emptyAt = empty ? lastEnd : -1;
                    if (empty) sinceSafe++;
                    else { safeStart = lastEnd; sinceSafe = 0; }
                    nextChar = empty ? m.end() + 1 : m.end();
                    continuous = true;
                    return true;
                }
                if (!more(searchAt)) return false;
                continue;
            }
            skipEmpty = false;
            if (w.atTextEnd()) return finish();
            if (confined) {
                int nl = w.text.lastNewline(w.charIndex(searchAt), w.text.length() - 9);
                if (nl >= 0) {
                    // Every attempt up to that newline failed for good: none can cross it, nor look more than two chars past it.
                    nextChar = nl + 1;
                    if (w.byteOffset(nextChar) >= startLimit) return finish();
                    resume = w.byteOffset(nextChar);
                    continue;
                }
            }
            if (!more(searchAt)) return false;
        }
    }

    /**
     * Positions the search at byte {@code pos}, with a window that holds {@code after} bytes
     * from there (a new one when {@code reopen}); false when stopped. Right after an empty
     * match the search starts at that match, to skip it (see the class comment).
     */
    private boolean position(long pos, long after, boolean reopen) {
        long at = pos;
        skipEmpty = false;
        replaying = 0;
        if (previousMatch) {
            // \G refers to where the previous match ended, which only a Matcher that found it knows:
            // start where that state can be rebuilt, and find again the empty matches delivered since.
            at = safeStart;
            replaying = sinceSafe;
        } else if (emptyAt >= 0 && pos > emptyAt && pos <= emptyAt + 4) {
            at = emptyAt;
            skipEmpty = true;
        }
        // The window must hold the search's start and reach well past where it is to go on.
        if (reopen || !w.holds(at, Math.min(after, 64)) || w.text.end() < Math.min(w.limit, pos + Math.min(after, 64)))
            w.open(at, Math.max(after, pos - at + Math.min(after, 64)));
        if (at > w.text.end()) return stop(at);
        nextChar = w.charIndex(at);
        continuous = false;
        return true;
    }

    private long safeStartOr(long pos) { return previousMatch ? Math.min(pos, safeStart) : pos; }

    /** The window was too small to decide the search from {@code searchAt}: moves or grows it; false when stopped. */
    private boolean more(long searchAt) {
        if (w.atLimit()) return stop(searchAt);
        long size = w.size();
        if (w.margin >= 0 && !previousMatch && w.lowBound(searchAt) - w.text.start() > size / 2) return position(searchAt, size, true);
        if (size < SOFT_CAP || w.margin < 0 || previousMatch) return position(searchAt, 4 * size + (searchAt - safeStartOr(searchAt)), true);
        return settleByAttempts(searchAt, size);
    }

    /**
     * At the soft cap: tries each position from {@code searchAt} alone. Positions whose attempt
     * fails without reaching the window's end are settled; at the first one that reaches it the
     * window moves there, or grows if that is close to the start. A match found on the way is
     * the next one.
     */
    private boolean settleByAttempts(long searchAt, long size) {
        int n = w.text.length();
        for (int i = w.charIndex(searchAt); i < n; i++) {
            if (!lowSurrogates && i > 0 && Character.isLowSurrogate(w.text.charAt(i)) && Character.isHighSurrogate(w.text.charAt(i - 1)))
                continue;
            m.region(i, n);
            boolean found = m.lookingAt();
            if (!hitEnd(found)) {
                if (found) { nextChar = i; continuous = false; return true; }
                continue;
            }
            long q = w.byteOffset(i);
            if (q - searchAt > size / 4) {
                resume = q;
                emptyAt = -1;
                return position(q, size, true);
            }
            break;
        }
        return position(searchAt, 2 * size, true);
    }
}
