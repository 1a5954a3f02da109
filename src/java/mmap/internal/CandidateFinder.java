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
 *     Where what comes before the literal is classes taken some number of times, a candidate
 *     that nothing of that shape ends at is passed with no attempt ({@link BackCheck}).
 * <li>LINE (every match contains a literal and stays on one line): the matches from R on lie
 *     on the lines of later candidates; the matcher searches c's line with {@code find()},
 *     from R or the line's start, and the scan resumes after the line.
 * <li>AUTOMATON (every match stays on one line): the candidates are the lines from R on that
 *     a {@link LineAutomaton} does not rule out, each searched as in LINE.
 * <li>LINE_ENDS (every match may hold line ends and ends at one): the runs of bytes a match can
 *     hold before each line end, and before the text's end, are tried (all of it from R on,
 *     once per run of the leading class, when a match can hold any byte).
 * <li>LINE_STARTS (every match starts at a line start, or the text's start): the search's
 *     start, then the position after each line terminator, is tried.
 * <li>TEXT_START (every match starts at the text's start: {@code \A}, or {@code ^} without
 *     MULTILINE): that position alone is tried, when the search starts there.
 * <li>EACH_RUN (the pattern starts with a {@link PatternFacts#leadingRun}): every position is
 *     a candidate, but a run of the leading class is tried once, where {@code find()} tries
 *     each of its positions.
 * </ul>
 *
 * <p>For a pattern that stays on one line, a {@link LineAutomaton} also judges the line of
 * each candidate of the other modes, once per line: a line it rules out is skipped, with every
 * candidate on it. The automaton reads a superset of the pattern, so no match is lost; the
 * matcher still finds every match. Where it rules out too few of the lines it judges to pay
 * for reading them, the finder stops asking it.
 */
final class CandidateFinder extends MatcherFinder {
    enum Mode { PREFIX, FIRST_BYTE, BOUNDED, LINE, AUTOMATON, LINE_ENDS, LINE_STARTS, TEXT_START, EACH_RUN }

    /**
     * After judging this many lines, the automaton must have ruled out one in eight to go on:
     * judging a line costs about one read of it, while a line ruled out saves the engine's
     * attempts on it, which cost several.
     */
    private static final int JUDGED_BEFORE_REVIEW = 256;

    private final Mode mode;
    private final Prefilter pre;
    private final ByteClassSearch prefixClass, runClass;
    private final BackCheck back;        // BOUNDED: what stands before the literal, read back from a candidate; or null
    private final int startOffset;       // PREFIX: how far past a literal's start a match starts
    private byte[] backBuf;
    private final int prefixMin;
    private final boolean literalInPrefix;
    private final long initial;
    private final boolean lowSurrogates;
    private long lineEnd = -1;           // LINE: the line the matcher is searching, or -1
    private long attemptsLineEnd = -1;   // LINE: the line being tried position by position (a leading run), or -1
    private LineAutomaton lines;         // judges lines, for a pattern that stays on one; or null
    private int judgedLines, ruledOut;
    private final LineAutomaton.Cursor cursor = new LineAutomaton.Cursor();
    private byte[] lineBuf;
    private long judgedStart = -1, judgedUpTo = -2;  // the last line the automaton let through, known up to here
    private long scanEnd = -1;           // AUTOMATON: where the line holding startLimit ends (or is cut)
    private boolean scanCut;             // whether scanEnd cuts that line
    private long lastAttempt = -1;       // where the engine last went to work
    private long knownLineFrom = -1, knownLineEnd = -1;   // no \n in [knownLineFrom, knownLineEnd)
    /** attemptEach reads the positions it passes without an attempt this many bytes at a time. */
    private static final int ATTEMPT_RUN_BYTES = 4096;
    /** Lines longer than this are not decoded whole. */
    private static final long LONG_LINE = 1 << 20;
    private final PatternFacts facts;
    /**
     * Whether every match starts at a line start (or the text's): then attemptEach passes the
     * positions no line terminator ends before. {@code (?m)^\W*$} over the man pages tried each
     * character of Japanese lines, all of them \W, back from each line end.
     */
    private final boolean lineStartsOnly;
    /** The first and last bytes of Java's line terminators ({@link PatternFacts#terminatorFirstBytes}). */
    private static final boolean[] TERMINATOR_FIRST = new boolean[256], TERMINATOR_LAST = new boolean[256];
    static {
        ByteSet first = PatternFacts.terminatorFirstBytes(false), last = PatternFacts.terminatorLastBytes(false);
        for (int b = 0; b < 256; b++) {
            TERMINATOR_FIRST[b] = first.contains(b);
            TERMINATOR_LAST[b] = last.contains(b);
        }
    }
    private Prefilter firstBytes;        // on a long line: where a match can start (made when first needed)
    private boolean textEndTried;        // LINE_ENDS: whether the text's end was tried as a line end
    private Prefilter lineEnds;          // LINE: where a line terminator other than \n may stand (made when first needed)
    private Attempt attempted;           // what the attempt that attemptEach stopped at found
    private boolean searchStartTried;    // LINE_STARTS: whether the position the search started at was tried

    CandidateFinder(Source src, Pattern pattern, PatternFacts facts, Mode mode, LineAutomaton lines, long margin, long initial,
                    long searchFrom, long startLimit, long windowLimit, RegexScanner.Cancel cancel) {
        this(src, pattern, facts, mode, facts.plan, lines, margin, initial, searchFrom, startLimit, windowLimit, cancel);
    }

    /** As the other constructor, following {@code plan} (the facts' {@link PatternFacts#plan} or {@link PatternFacts#runPair}) in PREFIX, BOUNDED and LINE. */
    CandidateFinder(Source src, Pattern pattern, PatternFacts facts, Mode mode, PatternFacts.Plan plan, LineAutomaton lines, long margin,
                    long initial, long searchFrom, long startLimit, long windowLimit, RegexScanner.Cancel cancel) {
        super(src, pattern, margin, searchFrom, startLimit, windowLimit, cancel);
        this.mode = mode;
        this.lines = lines;
        this.facts = facts;
        this.lineStartsOnly = facts.startsAtLineStart();
        this.initial = initial;
        this.lowSurrogates = facts.triesLowSurrogates;
        if (mode == Mode.AUTOMATON) {
            if (lines == null) throw new IllegalArgumentException("AUTOMATON needs an automaton");
            pre = null;
            prefixClass = runClass = null;
            prefixMin = 0;
            literalInPrefix = false;
        } else if (mode == Mode.EACH_RUN) {
            if (facts.leadingRun == null) throw new IllegalArgumentException("EACH_RUN needs a leading run");
            pre = null;
            prefixClass = runClass = null;
            prefixMin = 0;
            literalInPrefix = false;
        } else if (mode == Mode.FIRST_BYTE || mode == Mode.LINE_ENDS || mode == Mode.LINE_STARTS || mode == Mode.TEXT_START) {
            pre = new Prefilter(src, mode == Mode.FIRST_BYTE ? facts.firstByteProbes() : facts.lineEndProbes());
            prefixClass = runClass = null;
            prefixMin = 0;
            literalInPrefix = false;
        } else {
            pre = new Prefilter(src, facts.probesFor(plan));
            prefixClass = mode == Mode.BOUNDED && plan.prefixClass() != null ? new ByteClassSearch(plan.prefixClass()) : null;
            runClass = mode == Mode.BOUNDED && plan.runClass() != null ? new ByteClassSearch(plan.runClass()) : null;
            prefixMin = plan.prefixMin();
            literalInPrefix = plan.literalInPrefix();
        }
        back = mode == Mode.BOUNDED ? plan.before() : null;
        startOffset = mode == Mode.PREFIX ? plan.startOffset() : 0;
    }

    @Override
    boolean find() {
        if (done) return false;
        if (lineEnd >= 0) {
            if (m.find()) return acceptMatch();
            resume = Math.max(resume, lineEnd + 1);
            lineEnd = -1;
        }
        if (attemptsLineEnd >= 0) {
            long p = resume <= attemptsLineEnd ? attemptEach(resume, attemptsLineEnd) : -1;
            if (p >= 0) return attempted == Attempt.MATCH ? acceptMatch() : stop(p);
            resume = Math.max(resume, attemptsLineEnd + 1);
            attemptsLineEnd = -1;
        }
        while (true) {
            long from = resume;
            if (mode == Mode.TEXT_START) {
                if (searchStartTried || from != src.from || from >= startLimit) return finish();
                searchStartTried = true;
                Attempt a = tryAt(from);
                if (a == Attempt.MATCH) return acceptMatch();
                return a == Attempt.STOP ? stop(from) : finish();
            }
            if (mode == Mode.LINE_STARTS) {
                long p = from;
                if (searchStartTried) {
                    // The first line start at or after R: after a terminator that ends at R or
                    // later, which may start up to three bytes before R (U+2028 is E2 80 A8: an
                    // empty match just before one resumes after it).
                    long t = Math.max(src.from, from - 3);
                    while (true) {
                        t = pre.next(t, Math.min(startLimit, src.to));
                        if (t < 0) return finish();
                        p = t + terminatorLength(t);
                        if (p >= from) break;
                        t++;
                    }
                }
                searchStartTried = true;
                if (p >= startLimit || p > src.to) return finish();
                Attempt a = tryAt(p);
                if (a == Attempt.MATCH) return acceptMatch();
                if (a == Attempt.STOP) return stop(p);
                continue;
            }
            if (mode == Mode.EACH_RUN) {
                if (from >= startLimit || from > src.to) return finish();
                // A block of positions at a time, the text's end itself among them (an empty match may stand there).
                long hi = Math.min(src.to, from + ATTEMPT_RUN_BYTES - 1);
                long p = attemptEach(from, hi);
                if (p >= 0) return attempted == Attempt.MATCH ? acceptMatch() : stop(p);
                resume = hi + 1;
                continue;
            }
            // (LINE_ENDS tries the text's end itself, where an empty match may follow one just before
            // it; so does a lookbehind's literal that ends there: (?<=a) over "aa".)
            if (from >= startLimit || from > src.to
                    || (from == src.to && startOffset == 0 && (mode != Mode.LINE_ENDS || textEndTried))) return finish();
            long limit = mode == Mode.PREFIX || mode == Mode.FIRST_BYTE ? startLimit : src.to;
            long c = mode == Mode.AUTOMATON ? nextLine(from) : nextCandidate(from, limit);
            if (c < 0 && mode == Mode.LINE_ENDS && !textEndTried) {
                // A match may also end at the text's end where no line terminator follows it.
                textEndTried = true;
                c = src.to;
            }
            if (c < 0) return finish();
            if (lines != null && mode != Mode.AUTOMATON) {
                long nl = src.lastIndexOf((byte) '\n', from, c);
                // On the line let through last (no \n from its start to judgedUpTo, nor from R to c)?
                boolean judged = nl < 0 && from >= judgedStart && from <= judgedUpTo;
                if (!judged) {
                    long start = nl < 0 ? from : nl + 1;
                    long verdict = lines.judgeLine(src, start, src.to, lineBuf());
                    judgedLines++;
                    if (verdict >= 0) {
                        ruledOut++;
                        resume = verdict + 1;
                        continue;
                    }
                    if (judgedLines == JUDGED_BEFORE_REVIEW && ruledOut * 8 < judgedLines) lines = null;
                    judgedStart = start;
                    judgedUpTo = ~verdict;
                }
                judgedUpTo = Math.max(judgedUpTo, c);
            }
            switch (mode) {
                case PREFIX, FIRST_BYTE: {
                    Attempt a = tryAt(c);
                    if (a == Attempt.MATCH) return acceptMatch();
                    if (a == Attempt.STOP) return stop(c);
                    break;
                }
                case BOUNDED: {
                    long lo = from;
                    if (prefixClass != null) lo = Math.max(lo, src.runStart(prefixClass, c, from));
                    if (runClass != null) lo = Math.max(lo, src.runStart(runClass, c, from));
                    long hi = literalInPrefix || prefixClass == null ? c : c - prefixMin;
                    if (lo >= startLimit) return finish();
                    if (back != null) {
                        // Nothing that may stand before the literal ends at c: no match starts in [lo, c].
                        int n = (int) Math.min(c - lo, BackCheck.MAX_READ);
                        byte[] bytes = backBuf();
                        src.copy(c - n, bytes, 0, n);
                        if (!back.anyStart(bytes, 0, n, c - n > lo)) {
                            resume = c + 1;
                            break;
                        }
                    }
                    long p = attemptEach(lo, hi);
                    if (p >= 0) return attempted == Attempt.MATCH ? acceptMatch() : stop(p);
                    resume = c + 1;
                    break;
                }
                case LINE_ENDS: {
                    // Every match ends where a line ends (before the terminator at c, or at the
                    // text's end), so it starts in the run of bytes it can hold that ends at c.
                    long lo = facts.lineTrailingClass == null ? from : Math.max(from, src.runStart(facts.lineTrailingClass, c, from));
                    if (lo >= startLimit) return finish();
                    // A match that starts at the terminator itself ends at a later line end,
                    // within the run of bytes it can hold: none there, no attempt there
                    // ((?m)\s+$ tried each line's \n, followed by indentation and code).
                    long hi = c < src.to && !facts.mayMatchEmpty && !lineEndInRunAfter(c) ? c - 1 : c;
                    long p = attemptEach(lo, hi);
                    if (p >= 0 && attempted == Attempt.STOP) return stop(p);
                    if (p >= 0) {
                        boolean accepted = acceptMatch();
                        // A match that ends at the text's end may be followed by an empty one there.
                        if (lastEnd >= src.to && lastStart < lastEnd) textEndTried = false;
                        return accepted;
                    }
                    resume = c + 1;
                    break;
                }
                case LINE, AUTOMATON: {
                    long nl = src.lastIndexOf((byte) '\n', from, c);
                    long start = nl < 0 ? from : nl + 1;
                    if (start >= startLimit) return finish();
                    // A task's line is looked at no further than a long line past its limit.
                    long end = lineEndFrom(c, startLimit >= src.to ? src.to : Math.min(src.to, Math.max(c, startLimit) + LONG_LINE));
                    if (end < 0 || end - start > LONG_LINE) {
                        // No window holds a line this long: its positions are tried one by one, in find()'s order.
                        long stopAt = end < 0 ? startLimit : Math.min(end, startLimit);
                        long p = start;
                        if (firstBytes == null && facts.firstBytes != null) firstBytes = new Prefilter(src, facts.firstByteProbes());
                        while (p < stopAt) {
                            if (firstBytes != null) {
                                p = firstBytes.next(p, stopAt);
                                if (p < 0) break;
                            }
                            if (!(src.utf8 && notAttemptStart(p))) {
                                MatcherFinder.Attempt a = attemptAt(p, windowFor(p));
                                if (a == Attempt.MATCH) return acceptMatch();
                                if (a == Attempt.STOP) return stop(p);
                            }
                            p++;
                        }
                        resume = end < 0 ? startLimit : end + 1;
                        break;
                    }
                    if (facts.leadingRun != null) {
                        // One attempt per run of the leading class: find() tries each position
                        // of each run, each try running to the run's end (\w+(?=\() over 40 MB
                        // of the JDK sources: 1.7 s that way).
                        long p = attemptEach(lineSearchFrom(start, end), end);
                        if (p >= 0) {
                            if (attempted == Attempt.STOP) return stop(p);
                            attemptsLineEnd = end;
                            return acceptMatch();
                        }
                        resume = end + 1;
                        break;
                    }
                    // Eight bytes past the line: enough for $, \Z and \b to see that the text goes on.
                    long need = Math.min(src.to, end + 8);
                    if (!w.holds(start, need - start)) {
                        w.open(start, Math.max(windowFor(start), need - start));
                        if (w.text.end() < need) return stop(start);
                    }
                    m.region(w.charIndex(lineSearchFrom(start, end)), w.charIndex(end));
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

    /**
     * The next candidate in [from, limit): where a literal starts, or for a lookbehind's
     * literal ({@link PatternFacts.Plan#startOffset}) where it ends; -1 when none is left.
     */
    private long nextCandidate(long from, long limit) {
        if (startOffset == 0) return pre.next(from, limit);
        long c = pre.next(Math.max(src.from, from - startOffset), limit - startOffset);
        return c < 0 ? -1 : c + startOffset;
    }

    /**
     * The attempt at {@code p} alone, as {@link #attemptAt}; none inside a character (no
     * position Java would try). When it finds nothing the search resumes after {@code p}.
     */
    private Attempt tryAt(long p) {
        boolean inside = src.utf8 && p < src.to && notAttemptStart(p, pre.byteAt(p));
        Attempt a = inside ? Attempt.NONE : attemptAt(p, windowFor(p));
        if (a == Attempt.NONE) resume = p + 1;
        return a;
    }

    /**
     * The length of the line terminator whose first byte the line-end probes found at {@code t}:
     * in UTF-8 U+0085 is C2 85 and U+2028/U+2029 are E2 80 A8/A9; every other probe byte is one.
     * (Where those lead bytes begin other characters, the position after them is only tried in vain.)
     */
    private int terminatorLength(long t) {
        if (!src.utf8) return 1;
        int b = pre.byteAt(t) & 0xFF;
        return b == 0xC2 ? 2 : b == 0xE2 ? 3 : 1;
    }

    /**
     * Where in the line [start, end) a match can start: for a pattern whose matches end at line
     * ends ({@link PatternFacts#lineTrailingClass}), the run of bytes a match can hold that ends
     * the line, unless a line terminator other than \n may stand before it; else {@code start}.
     * ({@code (?m)\w+$} would otherwise try every position of every word on the line.)
     */
    private long lineSearchFrom(long start, long end) {
        ByteClassSearch cls = facts.lineTrailingClass;
        if (cls == null) return start;
        long run = src.runStart(cls, end, start);
        if (run <= start) return start;
        if (!facts.unixLines) {
            // The same bytes LINE_ENDS stops at: 0x85 alone is NEL in Latin-1.
            if (lineEnds == null) lineEnds = new Prefilter(src, facts.lineEndProbes());
            if (lineEnds.next(start, run) >= 0) return start;
        }
        return Math.max(start, src.unitStart(run));
    }

    /**
     * Attempts at each position of [lo, hi] before startLimit where Java would make one: where
     * chars start (at unit starts, a lone continuation byte being one, and low surrogates).
     * @return the position of the first attempt that matched or ran out of window (which one
     *         is in {@link #attempted}), or -1
     */
    private long attemptEach(long lo, long hi) {
        // Positions whose byte no match starts with are passed without an attempt: before the
        // "=" of \w+\s*=\s*\w+; the run of [\w\s] holds the line's indentation and line ends.
        // A pattern that may start with any byte ([^{]*\{$) has no first bytes but may have a
        // leading run, whose skip needs the bytes as much. The bytes are read a block at a
        // time: a run longer than one block had neither, and each of its positions was tried,
        // each try running to the run's end ((?m)[^;]+;$ over 4 MB of the JDK sources: 1.7 s,
        // from a few comments of 10-20 KB without a semicolon).
        ByteSet first = facts.firstBytes, run = facts.leadingRun;
        long last = Math.min(Math.min(hi, startLimit - 1), src.to - 1);
        Block block = first != null || run != null || lineStartsOnly ? block(last + 1) : null;
        for (long p = lo; p <= hi && p < startLimit; p++) {
            int at = p <= last && block != null ? block.at(p, lo) : -1;
            if (first != null && at >= 0 && !first.contains(at)) continue;
            if (lineStartsOnly && p > src.from
                    && !TERMINATOR_LAST[(block != null && p - 1 >= lo && p - 1 <= last ? block.at(p - 1, lo) : src.byteAt(p - 1) & 0xFF)]) continue;
            if (src.utf8 && p < src.to && notAttemptStart(p, at >= 0 ? (byte) at : src.byteAt(p))) continue;
            Attempt a = attemptAt(p, windowFor(p));
            if (a != Attempt.NONE) {
                attempted = a;
                return p;
            }
            if (run != null && block != null) {
                // Failed at a byte of the leading class: so will the next one of it (PatternFacts.leadingRun).
                while (p + 1 <= last && run.contains(block.at(p, lo)) && run.contains(block.at(p + 1, lo))) p++;
            }
        }
        return -1;
    }

    /**
     * Bytes [floor, limit) of the text, read a block at a time as {@link #attemptEach} asks for
     * them: no more than it may pass when candidates come densely.
     */
    private final class Block {
        private final byte[] bytes = new byte[ATTEMPT_RUN_BYTES];
        private long start = -1, end = -1, limit;

        /** The byte at {@code p} in [floor, limit), 0-255, reading the block from {@code p} on (no earlier than {@code floor}) when it is not held. */
        int at(long p, long floor) {
            if (p < start || p >= end) {
                start = Math.max(floor, p);
                end = Math.min(limit, start + bytes.length);
                src.copy(start, bytes, 0, (int) (end - start));
            }
            return bytes[(int) (p - start)] & 0xFF;
        }
    }

    private Block block;

    /** The block reader, holding nothing yet, for bytes up to {@code limit}. */
    private Block block(long limit) {
        if (block == null) block = new Block();
        block.start = block.end = -1;
        block.limit = limit;
        return block;
    }

    /**
     * Whether the run of bytes a match can hold ({@link PatternFacts#lineTrailingClass}) that
     * follows the terminator at {@code c} holds the start of another terminator, or reaches the
     * text's end: a line end a match from {@code c} could end at. Any byte that may start a
     * terminator counts.
     */
    private boolean lineEndInRunAfter(long c) {
        ByteClassSearch cls = facts.lineTrailingClass;
        if (cls == null) return true;      // a match may hold any byte: any later line end
        for (long q = c + 1; q < src.to; q++) {
            byte b = src.byteAt(q);
            if (!cls.contains(b)) return false;
            if (TERMINATOR_FIRST[b & 0xFF]) return true;
        }
        return true;
    }

    /** Whether UTF-8 position {@code p} is inside a character, where Java makes no attempt (a low surrogate aside). */
    private boolean notAttemptStart(long p) {
        return notAttemptStart(p, src.byteAt(p));
    }

    /** As {@link #notAttemptStart(long)}, given the byte at {@code p} (read already: only a continuation byte needs more reads). */
    private boolean notAttemptStart(long p, byte at) {
        return Utf8.continuation(at & 0xFF) && src.unitStart(p) != p && !(lowSurrogates && src.lowSurrogateAt(p));
    }

    /**
     * The end of the line holding {@code c} (its \n, or the end of the text), or -1 when it
     * lies at or past {@code bound}; a line's end is remembered, for the next candidates on it.
     */
    private long lineEndFrom(long c, long bound) {
        if (c >= knownLineFrom && c < knownLineEnd) return knownLineEnd;
        long end = src.indexOf((byte) '\n', c, bound);
        if (end < 0) {
            if (bound < src.to) return -1;
            end = src.to;
        }
        knownLineFrom = c;
        knownLineEnd = end;
        return end;
    }

    /** The smallest window worth decoding. */
    private static final long MIN_WINDOW = 256;

    /**
     * How much text to decode for work at {@code pos}: when candidates come densely, a window
     * of 64 gaps (up to {@code initial} bytes), so that one window serves many; a small one
     * when they come sparsely, so that each does not pay for decoding text that no later
     * candidate reads. (A dense cluster among sparse ones, such as the ".B" lines of a man
     * page, decoded 64 KiB for a few candidates: {@code \S+@\S+} over the man pages took
     * 37–44 ms that way, 25–26 ms this way.)
     */
    private long windowFor(long pos) {
        long gap = lastAttempt < 0 ? initial : pos - lastAttempt;
        lastAttempt = pos;
        return 4 * gap < MIN_WINDOW ? Math.min(initial, Math.max(MIN_WINDOW, 64 * gap)) : Math.min(initial, MIN_WINDOW);
    }

    private byte[] backBuf() {
        if (backBuf == null) backBuf = new byte[BackCheck.MAX_READ];
        return backBuf;
    }

    private byte[] lineBuf() {
        if (lineBuf == null) lineBuf = new byte[16 * 1024];
        return lineBuf;
    }

    /**
     * The start of the first line from {@code from} on that the automaton does not rule out, or
     * -1. Only lines that start before startLimit matter, but the last of them is read to its end.
     */
    private long nextLine(long from) {
        if (scanEnd < 0) {
            // Read no further than a long line past the limit: a line cut there is a candidate.
            long cap = Math.min(src.to, startLimit >= src.to ? src.to : startLimit + LONG_LINE);
            long nl = startLimit >= src.to ? -1 : src.indexOf((byte) '\n', startLimit, cap);
            scanCut = nl < 0 && cap < src.to;
            scanEnd = nl < 0 ? cap : nl + 1;
        }
        if (from >= scanEnd) return -1;
        // A match from R on lies in the rest of R's line, so that rest is read as a line.
        long c = lines.nextCandidateLine(src, from, scanEnd, lineBuf(), cursor);
        return c < 0 && scanCut && cursor.lineStart < startLimit ? cursor.lineStart : c;
    }
}
