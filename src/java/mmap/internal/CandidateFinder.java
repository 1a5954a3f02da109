package mmap.internal;

import java.util.regex.Pattern;

/**
 * Runs the regex engine only where a match can be: at the candidates a {@link Prefilter}
 * finds (literal occurrences, or bytes a match can start with), with the results of
 * {@code find()} over the whole text, as follows. Let R be where the next search starts, and
 * c the first candidate at or after R.
 *
 * <ul>
 * <li>PREFIX (every match starts with a literal) and FIRST_BYTE (with a byte of the set): no
 *     match starts in [R, c), so the next match is the attempt at c, or one at a later
 *     candidate.
 * <li>BOUNDED (every match contains a literal, and what comes before the literal, or the
 *     whole match, consists of bytes of a class): a match that starts at p ≤ c contains c
 *     (its literal lies at or after c), so it lies in the run of class bytes that reaches c;
 *     the attempts at p from the run's start (or R) to c are tried in order, then R moves past c.
 * <li>LINE (every match contains a literal and stays on one line): the matches from R on lie
 *     on the lines of later candidates; the matcher searches c's line with {@code find()},
 *     from R or the line's start, and the scan resumes after the line.
 * </ul>
 */
final class CandidateFinder extends MatcherFinder {
    enum Mode { PREFIX, FIRST_BYTE, BOUNDED, LINE }

    private final Mode mode;
    private final Prefilter pre;
    private final ByteClassSearch prefixClass, runClass;
    private final int prefixMin;
    private final boolean literalInPrefix;
    private final long initial;
    private final boolean lowSurrogates;
    private long lineEnd = -1;           // LINE: the line the matcher is searching, or -1

    CandidateFinder(Source src, Pattern pattern, PatternFacts facts, Mode mode, long margin, long initial,
                    long searchFrom, long startLimit, long windowLimit, RegexScanner.Cancel cancel) {
        super(src, pattern, margin, searchFrom, startLimit, windowLimit, cancel);
        this.mode = mode;
        this.initial = initial;
        this.lowSurrogates = facts.triesLowSurrogates;
        PatternFacts.Plan plan = facts.plan;
        if (mode == Mode.FIRST_BYTE) {
            pre = new Prefilter(src, facts.firstByteProbes());
            prefixClass = runClass = null;
            prefixMin = 0;
            literalInPrefix = false;
        } else {
            pre = new Prefilter(src, facts.literalProbes());
            prefixClass = mode == Mode.BOUNDED && plan.prefixClass() != null ? new ByteClassSearch(plan.prefixClass()) : null;
            runClass = mode == Mode.BOUNDED && plan.runClass() != null ? new ByteClassSearch(plan.runClass()) : null;
            prefixMin = plan.prefixMin();
            literalInPrefix = plan.literalInPrefix();
        }
    }

    @Override
    boolean find() {
        if (done) return false;
        if (lineEnd >= 0) {
            if (m.find()) return acceptMatch();
            resume = Math.max(resume, lineEnd + 1);
            lineEnd = -1;
        }
        while (true) {
            long from = resume;
            if (from >= startLimit || from >= src.to) return finish();
            long limit = mode == Mode.PREFIX || mode == Mode.FIRST_BYTE ? startLimit : src.to;
            long c = pre.next(from, limit);
            if (c < 0) return finish();
            switch (mode) {
                case PREFIX, FIRST_BYTE: {
                    if (src.utf8 && Utf8.continuation(src.byteAt(c) & 0xFF) && src.unitStart(c) != c
                            && !(lowSurrogates && src.lowSurrogateAt(c))) {
                        resume = c + 1;           // inside a character: no position Java would try
                        break;
                    }
                    MatcherFinder.Attempt a = attemptAt(c, initial);
                    if (a == Attempt.MATCH) return acceptMatch();
                    if (a == Attempt.STOP) return stop(c);
                    resume = c + 1;
                    break;
                }
                case BOUNDED: {
                    long lo = from;
                    if (prefixClass != null) lo = Math.max(lo, src.runStart(prefixClass, c, from));
                    if (runClass != null) lo = Math.max(lo, src.runStart(runClass, c, from));
                    long hi = literalInPrefix || prefixClass == null ? c : c - prefixMin;
                    if (lo >= startLimit) return finish();
                    for (long p = lo; p <= hi && p < startLimit; p++) {
                        // Attempts start where chars start: at unit starts (a lone continuation byte is one) and low surrogates.
                        if (src.utf8 && Utf8.continuation(src.byteAt(p) & 0xFF) && src.unitStart(p) != p
                                && !(lowSurrogates && src.lowSurrogateAt(p))) continue;
                        MatcherFinder.Attempt a = attemptAt(p, initial);
                        if (a == Attempt.MATCH) return acceptMatch();
                        if (a == Attempt.STOP) return stop(p);
                    }
                    resume = c + 1;
                    break;
                }
                case LINE: {
                    long nl = src.lastIndexOf((byte) '\n', from, c);
                    long start = nl < 0 ? from : nl + 1;
                    if (start >= startLimit) return finish();
                    long end = src.indexOf((byte) '\n', c, src.to);
                    if (end < 0) end = src.to;
                    // Eight bytes past the line: enough for $, \Z and \b to see that the text goes on.
                    long need = Math.min(src.to, end + 8);
                    if (!w.holds(start, need - start)) {
                        w.open(start, Math.max(initial, need - start));
                        if (w.text.end() < need) return stop(start);
                    }
                    m.region(w.charIndex(start), w.charIndex(end));
                    if (m.find()) {
                        lineEnd = end;
                        return acceptMatch();
                    }
                    resume = end + 1;
                    break;
                }
                default: throw new IllegalStateException(mode.toString());
            }
        }
    }
}
