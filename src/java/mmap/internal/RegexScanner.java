package mmap.internal;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds the successive matches of a java.util.regex Pattern in bytes [from, to) of a segment,
 * with exactly the results of {@code Matcher.find()} over the whole decoded text, in bounded
 * memory for ordinary text. It picks a strategy from what the pattern's tree shows
 * ({@link PatternFacts}):
 * <ul>
 * <li>{@link ClassRunFinder} for classes in sequence ({@code \p{IsHan}+}, {@code [A-Z_]{5,}}, {@code \p{Lu}\p{Ll}+}): one pass, a table of members per class;
 * <li>{@link DelimitedFinder} for <i>open body close</i> shapes ({@link Delimited}: {@code <(.*?)>}, {@code <[^>]+>}, {@code /\*.*?\*}{@code /}): a byte scan;
 * <li>{@link CandidateFinder} when every match starts with or contains a literal, or starts
 *     with a byte of a small set: the engine runs only around candidates;
 * <li>{@link WindowFinder} otherwise: {@code find()} over windows.
 * </ul>
 *
 * <p>For parallel scans a scanner can be limited ({@link Limits}): it starts searching at
 * {@code searchFrom} (the text still begins at {@code from}), reports only matches that start
 * before {@code startLimit}, and keeps its windows below {@code windowLimit}; when it would
 * need more it stops, and {@link #stoppedAt()} tells where an unlimited scanner must carry on.
 *
 * <p>This class is public for {@code mmap.core} and {@code mmap.MappedFile} only; it carries no
 * compatibility promise.
 */
public final class RegexScanner {
    /** The first decoded window, in bytes; windows grow as long matches need. */
    public static final long DEFAULT_WINDOW = 512 << 10;

    /** Byte-scan and literal fast paths; {@code -Dmmap.regex.fastPaths=false} turns them off (for tests). */
    static final boolean FAST_PATHS = !"false".equals(System.getProperty("mmap.regex.fastPaths"));

    /**
     * What to scan: bytes [from, to) of a segment, decoded as UTF-8 or Latin-1; a first window of {@code initialWindow} bytes.
     * @param seg the bytes to scan
     * @param from first byte offset of the range (inclusive)
     * @param to end byte offset of the range (exclusive)
     * @param pattern the regular expression
     * @param utf8 true to decode UTF-8, false for Latin-1
     * @param initialWindow the first decoded window, in bytes
     * @param fastPaths whether to use the shape-specific fast paths
     */
    public record Spec(MemorySegment seg, long from, long to, Pattern pattern, boolean utf8, long initialWindow, boolean fastPaths) {
        /**
         * A spec with the default first window and fast paths.
         * @param seg the bytes to scan
         * @param from first byte offset (inclusive)
         * @param to end byte offset (exclusive)
         * @param pattern the regular expression
         * @param utf8 true to decode UTF-8, false for Latin-1
         */
        public Spec(MemorySegment seg, long from, long to, Pattern pattern, boolean utf8) {
            this(seg, from, to, pattern, utf8, DEFAULT_WINDOW, FAST_PATHS);
        }

        /**
         * {@return the same scan with another first window}
         * @param bytes the size in bytes
         */
        public Spec withInitialWindow(long bytes) {
            return new Spec(seg, from, to, pattern, utf8, bytes, fastPaths);
        }

        /** {@return whether the text may be cut into parts scanned separately: false when matches depend on where the previous one ended ({@code \G})} */
        public boolean splittable() {
            return !PatternFacts.of(pattern, utf8).previousMatch;
        }
    }

    /**
     * Where and how far a scanner may look.
     * @param searchFrom the byte offset where the search starts
     * @param startLimit matches must start before this byte offset
     * @param windowLimit the largest decoded window, in bytes
     */
    public record Limits(long searchFrom, long startLimit, long windowLimit) {}

    /** A flag a scan checks now and then, even inside one long {@code Matcher.find()}: set it to stop the scan. */
    public static final class Cancel {
        volatile boolean cancelled;

        /** A flag not yet set. */
        public Cancel() {}

        /** Stops every scan that checks this flag, with a CancellationException. */
        public void cancel() { cancelled = true; }

        /** {@return whether {@link #cancel()} was called} */
        public boolean isCancelled() { return cancelled; }
    }

    private final Finder finder;
    private final Pattern pattern;

    /**
     * A scanner of the whole of {@code spec}.
     * @param spec what to scan: segment, range, pattern and encoding
     */
    public RegexScanner(Spec spec) {
        this(spec, null, null);
    }

    /**
     * A scanner of {@code spec}; {@code limits} and {@code cancel} may be null.
     * @param spec what to scan: segment, range, pattern and encoding
     * @param limits where matches may start and how far windows may grow
     * @param cancel set to stop the scan early
     */
    public RegexScanner(Spec spec, Limits limits, Cancel cancel) {
        Source src = new Source(spec.seg(), spec.from(), spec.to(), spec.utf8());
        long searchFrom = limits == null ? spec.from() : Math.max(spec.from(), limits.searchFrom());
        long startLimit = limits == null ? Long.MAX_VALUE : limits.startLimit();
        this.pattern = spec.pattern();
        PatternFacts facts = PatternFacts.of(spec.pattern(), spec.utf8());
        long margin = MatchWindow.marginFor(facts.reachBack, spec.utf8());
        long initial = Math.max(16, spec.initialWindow());
        boolean fast = spec.fastPaths() && !facts.previousMatch && margin >= 0;
        LineAutomaton lines = fast && facts.lineConfined ? LineAutomaton.of(pattern, false, spec.utf8()) : null;
        long firstWindow = Math.min(initial, 64 << 10);
        if (fast && facts.trailingClass != null) searchFrom = trailingRun(src, facts.trailingClass, searchFrom);
        long windowLimit = limits == null ? spec.to() : Math.min(spec.to(), Math.max(limits.windowLimit(), searchFrom + 1));
        // Literals whose search would stop at nearly every byte ([aeiou]{3}) go to the automaton instead.
        if (fast && facts.textStartOnly) {
            // ^\s+ (no MULTILINE), \A...: one attempt, at the text's start.
            finder = new CandidateFinder(src, pattern, facts, CandidateFinder.Mode.TEXT_START, null, margin, firstWindow,
                    searchFrom, startLimit, windowLimit, cancel);
        } else if (fast && facts.classRun != null && ((facts.classRun.classes.length == 1
                    && (facts.classRun.maxs[0] == Long.MAX_VALUE || facts.exactLiterals == null || facts.exactScore >= WEAK_PLAN))
                || ((facts.classRun.lineStart || facts.classRun.boundaryItem >= 0)
                    && (facts.plan == null || facts.plan.choiceScore() >= COMMON_LITERAL) && !rarerPlanPair(facts)))) {
            // \p{IsHan}+, [^\w\s] (a class of bounded count that no literal search serves: 3.4 s
            // over the JDK sources through the engine, 22 million matches); classes after a
            // MULTILINE ^ ((?m)^\s+, (?m)^\.\w+), and classes in sequence whose boundary a byte
            // pair marks ([a-z]\s), unless a rarer literal is at hand ((?m)^import\s+\w+ is found
            // faster by "import"; [a-z]\s's \s is no rarer).
            finder = new ClassRunFinder(src, facts.classRun, searchFrom, startLimit, windowLimit);
        } else if (fast && facts.exactLiterals != null && !(lines != null && facts.exactScore >= WEAK_PLAN)) {
            finder = new LiteralFinder(src, facts, searchFrom, startLimit, cancel);
        } else if (fast && lines == null && (facts.lineTrailingClass != null || (facts.leadingRun != null && facts.endsAtLineEnd()))
                && (facts.plan == null || facts.plan.score() >= WEAK_PLAN) && !(facts.firstBytes != null && sparse(facts.firstBytes))) {
            // (?m)\s+$: a match, which may hold line ends, ends at one; so only the runs before line ends are tried.
            // (?m)\S+\s*$, whose match may hold any byte: each line is tried from its start, but
            // once per run of the leading class (\S+), where find() tried each position of each
            // word, each try running to the word's end (2.9 s over 40 MB of the JDK sources).
            finder = new CandidateFinder(src, pattern, facts, CandidateFinder.Mode.LINE_ENDS, null, margin, firstWindow,
                    searchFrom, startLimit, windowLimit, cancel);
        } else if (fast && facts.delimited != null) {
            finder = new DelimitedFinder(src, facts.delimited, searchFrom, startLimit, windowLimit);
        } else if (fast && facts.plan != null && !(lines != null && facts.plan.score() >= (lines.endsAtLineEnds ? WEAK_PLAN_AT_LINE_ENDS : WEAK_PLAN))) {
            CandidateFinder.Mode mode = switch (facts.plan.mode()) {
                case PREFIX -> CandidateFinder.Mode.PREFIX;
                case BOUNDED -> CandidateFinder.Mode.BOUNDED;
                case LINE -> CandidateFinder.Mode.LINE;
            };
            finder = new CandidateFinder(src, pattern, facts, mode, lines, margin, firstWindow, searchFrom, startLimit, windowLimit, cancel);
        } else if (fast && facts.classRun != null
                && (facts.classRun.maxs[0] == Long.MAX_VALUE || sparse(facts.classRun.classes[0].asciiMembers())
                    || facts.classRun.boundaryItem >= 0 || facts.classRun.everyStartMatches() || facts.classRun.boundBefore)) {
            // \p{Lu}\p{Ll}+, [a-z]+[A-Z]: classes in sequence with no literal worth searching for. A
            // bounded first class is tried at each of its characters, which pays only where its
            // ASCII ones are sparse ([a-z][A-Z] over source code: 3.8 s this way, 1.6 s through the
            // engine; \p{Lu}\p{Ll}+ over the man pages 0.20 s this way, 0.46 s through the engine),
            // or where a pair of bytes at an item boundary marks the attempts ([a-z][A-Z]: 0.25 s),
            // or after \b, which allows one attempt per word (\b[a-z][A-Z]*\b: 0.69 s by the line
            // automaton over 40 MB of the JDK sources), or where every attempt is a match
            // ([a-zA-Z_$][a-zA-Z\d_$]* over 40 MB of the JDK sources, 4.3 million matches: 0.74 s
            // through the engine line by line).
            finder = new ClassRunFinder(src, facts.classRun, searchFrom, startLimit, windowLimit);
        } else if (fast && facts.runPair != null) {
            // [a-z]+(?:[A-Z][a-z]+)+: once per pair of bytes that ends a run of the leading class
            // and may start the rest, not once per run (PatternFacts.runPair).
            finder = new CandidateFinder(src, pattern, facts, CandidateFinder.Mode.BOUNDED, facts.runPair, lines, margin, firstWindow,
                    searchFrom, startLimit, windowLimit, cancel);
        } else if (fast && facts.firstBytes != null && sparse(facts.firstBytes)) {
            finder = new CandidateFinder(src, pattern, facts, CandidateFinder.Mode.FIRST_BYTE, lines, margin, firstWindow,
                    searchFrom, startLimit, windowLimit, cancel);
        } else if (fast && lines == null && facts.startsAtLineStart()) {
            // (?m)^$: where a line starts, not at every position of the text.
            finder = new CandidateFinder(src, pattern, facts, CandidateFinder.Mode.LINE_STARTS, null, margin, firstWindow,
                    searchFrom, startLimit, windowLimit, cancel);
        } else if (lines != null) {
            finder = new CandidateFinder(src, pattern, facts, CandidateFinder.Mode.AUTOMATON, lines, margin, firstWindow,
                    searchFrom, startLimit, windowLimit, cancel);
        } else if (fast && facts.leadingRun != null) {
            // [a-z]+(?=\s*=): once per run of the leading class, where find() tries each position
            // of each run, each try running to the run's end (1.8 s over 40 MB of the JDK sources).
            finder = new CandidateFinder(src, pattern, facts, CandidateFinder.Mode.EACH_RUN, null, margin, firstWindow,
                    searchFrom, startLimit, windowLimit, cancel);
        } else {
            finder = new WindowFinder(src, pattern, facts.lineConfined, facts.previousMatch, facts.triesLowSurrogates, margin, initial,
                    searchFrom, startLimit, windowLimit, cancel);
        }
    }

    /**
     * A literal plan scored this high stops at nearly every byte of ordinary text (its rarest
     * position is a common class, such as {@code [aeiou]} or {@code [a-f0-9]}): for a pattern
     * that stays on one line, reading each line once with the line automaton is cheaper.
     */
    private static final long WEAK_PLAN = 260_000;

    /**
     * The same for a pattern that must end at a line's end, which the automaton rules most lines
     * out for: a plan on one common byte, such as the blank of {@code (?m)[ \t]+$}, is weak too
     * (over German, French and Japanese man pages: 0.13 s by the plan, 0.085 s by the automaton).
     */
    private static final long WEAK_PLAN_AT_LINE_ENDS = 250_000;

    /**
     * A literal plan whose literals stand together as often as a byte ranked this common or
     * more ({@link RequiredLiterals#choiceScore}): the "." of {@code (?m)^\.\w+} (0.154 s
     * over the man pages by the literal, 0.051 s by line starts), not the "#" of
     * {@code (?m)^#\w+} (0.060 s by the literal over the JDK sources, 0.17 s by line starts).
     */
    private static final long COMMON_LITERAL = 200_000;

    /** How far back from the text's end {@link #trailingRun} looks: each parallel task looks, so not without end. */
    private static final long TRAILING_REACH = 1 << 20;

    /**
     * Where a search for a pattern whose matches end at the text's end may start
     * ({@link PatternFacts#trailingClass}): at the run of the class's bytes that ends the text,
     * when that begins after {@code searchFrom} and within reach; else {@code searchFrom}.
     * ({@code \s+$} would otherwise try, and fail, at every blank of the text.)
     */
    private static long trailingRun(Source src, ByteClassSearch cls, long searchFrom) {
        long floor = Math.max(searchFrom, src.to - TRAILING_REACH);
        long run = src.runStart(cls, src.to, floor);
        if (run == floor && floor > searchFrom) return searchFrom;   // a run longer than the reach
        return Math.max(searchFrom, src.unitStart(run));
    }

    /**
     * Whether the literal plan searches for a pair of bytes that typical text holds a quarter
     * as often as the class run's boundary pair, or less: then the engine's attempts at the
     * plan's candidates cost less than the scan's stops. {@code \b[A-Z][a-z]+ [A-Z][a-z]+\b}:
     * " " then [A-Z] (a wide position), not [a-z] then " "; over 40 MB of the JDK sources
     * 0.155 s by the scan, 0.091 s by the plan; over the man pages, whose German capitalizes
     * nouns, 0.10 s either way. Only for pairs of two classes that share no byte.
     */
    private static boolean rarerPlanPair(PatternFacts facts) {
        ClassRun run = facts.classRun;
        if (facts.plan == null || run.boundaryItem < 0) return false;
        ProbePlan probes = facts.probesFor(facts.plan);
        // Bytes of one class come in runs (digits, letters), far more often together than
        // their shares say: [0-9][0-9] of [a-z]+[0-9]{2,} is no rarer than [a-z][0-9].
        if (probes.pairFirst == null || probes.pairFirst.set.intersects(probes.pairSecond.set)) return false;
        double plan = ProbePlan.share(probes.pairFirst.set) * ProbePlan.share(probes.pairSecond.set);
        double boundary = ProbePlan.share(run.classes[run.boundaryItem].asciiMembers())
                * ProbePlan.share(run.classes[run.boundaryItem + 1].asciiMembers());
        return 4 * plan <= boundary;
    }

    /** Whether a search for the set skips most of ordinary text: none of its bytes is among the commonest. */
    private static boolean sparse(ByteSet firstBytes) {
        return firstBytes.worstRank() < 230 && firstBytes.size() <= 64;
    }

    /** {@return which strategy this scanner uses, for tests and benchmarks} */
    public String strategy() {
        return finder instanceof CandidateFinder c ? "candidates" : finder.getClass().getSimpleName();
    }

    /**
     * Finds the next match; false when there are no more (or, see {@link #stoppedAt()}, when limited).
     * @return whether a match was found
     */
    public boolean find() { return finder.find(); }

    /** {@return where a limited scan stopped for want of text (an unlimited scan must carry on from there), or -1} */
    public long stoppedAt() { return finder.stoppedAt; }

    /** {@return the byte offset where the search after the last match starts (after an empty match, one char on)} */
    public long resumeOffset() { return finder.resume; }

    /**
     * Byte offset of the last match's start.
     * @return the byte offset
     */
    public long start() { return finder.lastStart; }

    /**
     * Byte offset of the last match's end.
     * @return the byte offset
     */
    public long end() { return finder.lastEnd; }

    /** {@return the pattern's number of groups} */
    public int groupCount() { return finder.groupCount(); }

    /**
     * Group {@code g} of the last match, or null when it did not take part.
     * @param g the group number (0 is the whole match)
     * @return the group's text, or null
     */
    public String group(int g) { return finder.group(g); }

    /**
     * Byte offset of group {@code g}'s start, or -1.
     * @param g the group number (0 is the whole match)
     * @return the byte offset, or -1
     */
    public long start(int g) { return finder.start(g); }

    /**
     * Byte offset of group {@code g}'s end, or -1.
     * @param g the group number (0 is the whole match)
     * @return the byte offset, or -1
     */
    public long end(int g) { return finder.end(g); }

    /** {@return the pattern's named groups} */
    public Map<String, Integer> namedGroups() { return pattern.namedGroups(); }

    /** {@return the pattern} */
    public Pattern pattern() { return pattern; }

    /**
     * Counts the remaining matches without building strings.
     * @return the number of matches
     */
    public long count() {
        long n = 0;
        while (find()) n++;
        return n;
    }
}
