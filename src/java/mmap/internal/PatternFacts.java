package mmap.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import mmap.internal.RegexSyntax.Alt;
import mmap.internal.RegexSyntax.Anchor;
import mmap.internal.RegexSyntax.BackRef;
import mmap.internal.RegexSyntax.Char;
import mmap.internal.RegexSyntax.Cls;
import mmap.internal.RegexSyntax.Group;
import mmap.internal.RegexSyntax.Kind;
import mmap.internal.RegexSyntax.Look;
import mmap.internal.RegexSyntax.Node;
import mmap.internal.RegexSyntax.Opaque;
import mmap.internal.RegexSyntax.Rep;
import mmap.internal.RegexSyntax.Seq;
import mmap.internal.RequiredLiterals.Facts;
import mmap.internal.RequiredLiterals.Lit;

/**
 * What a pattern's tree shows about its matches, read once per pattern and encoding, and what
 * the scanner should therefore do. Every fact is a promise the scanner relies on for exact
 * results, so each is conservative: a pattern the parser does not follow gets none.
 *
 * <ul>
 * <li>{@link #lineConfined}: nothing in the pattern (lookarounds included) can match a newline,
 *     so every match and every attempt stays within its line, peeking at most a few characters
 *     past its ends (for {@code $}, {@code \b} and the like).
 * <li>{@link #reachBack}: how many characters before an attempt's start the engine may read
 *     (lookbehind, {@code \b}, {@code ^}); -1 when it is unbounded, as for {@code (?<=a+)}.
 * <li>{@link #firstBytes}: the bytes a match can start with, when it cannot be empty.
 * <li>{@link #plan}: literals every match starts with or contains, and how to find the match
 *     around one.
 * </ul>
 */
final class PatternFacts {

    /** How a literal candidate leads to a match. */
    enum Mode {
        /** Every match starts with one of the literals: one attempt, at the candidate. */
        PREFIX,
        /** Every match contains one; it starts within a bounded stretch before the candidate. */
        BOUNDED,
        /** Every match contains one, and stays within its line: search the candidate's line. */
        LINE
    }

    /**
     * The literals (as byte shapes) and how to use them. For BOUNDED, a match through a
     * candidate at c starts no earlier than the run of {@code prefixClass} bytes ending at c
     * (when known) nor the run of {@code runClass} bytes around c (when known), and no later
     * than {@code c - prefixMin} unless the literal's first byte can be part of the prefix.
     * {@code before}, when not null, reads back from a candidate whether what comes before
     * the literal can end there ({@link BackCheck}). For PREFIX, a match starts
     * {@code startOffset} bytes after a candidate: 0, or the length of the literal a leading
     * lookbehind must see ({@code (?<=\.)\w+}).
     */
    record Plan(Mode mode, List<ByteSet[]> literals, ByteSet prefixClass, int prefixMin, boolean literalInPrefix,
                ByteSet runClass, long score, long choiceScore, BackCheck before, int startOffset) {}

    final Node tree;
    /**
     * Whether results depend on where the search began, not just on where each attempt starts:
     * with {@code \G} (the previous match's end), and with a capturing group inside a
     * lookaround, an atomic group or a repetition (other than the repeated group itself),
     * whose value java.util.regex leaves behind from earlier failed attempts, unless every
     * successful attempt sets it again ({@link #leakyCapture(Node)}). Such
     * patterns are searched from the previous match's end, as Matcher.find() does, and never split.
     */
    final boolean previousMatch;
    final boolean lineConfined;
    final int reachBack;
    final ByteSet firstBytes;
    final Plan plan;
    /**
     * The shapes of the byte scans, or null. Each reads the pattern under every compile flag
     * set itself, so they are set once, by {@link #of}, before the facts are shared.
     */
    Delimited delimited;
    /** See {@link #delimited}: classes in sequence ({@code \p{IsHan}+}, {@code \p{Lu}\p{Ll}+}). */
    ClassRun classRun;
    /**
     * Whether Matcher.find() tries a match at the low surrogate of a surrogate pair after the
     * attempt at the pair failed. java.util.regex searches with one of two loops, chosen when the
     * pattern is compiled (StartS, which skips such positions, when the pattern holds a
     * supplementary character or a class that may match one); a scanner that picks its own
     * positions must skip them too, or not.
     */
    final boolean triesLowSurrogates;
    /**
     * When the pattern is nothing but literal strings (characters, listed classes, alternation,
     * fixed repetition, non-capturing groups: no anchor, lookaround, capture or atomic group),
     * its literals as byte shapes, in the order the engine tries them; else null.
     */
    final List<ByteSet[]> exactLiterals;
    /** How costly a search for the exact literals is ({@link RequiredLiterals#score}); meaningless without them. */
    final long exactScore;
    /**
     * What the exact literals must have before them: {@link #NO_ASSERTION}, {@link #WORD_BOUNDARY}
     * ({@code \b} without UNICODE_CHARACTER_CLASS: {@code \bint\b}), {@link #LINE_START} or
     * {@link #UNIX_LINE_START} (a MULTILINE {@code ^}: {@code (?m)^\.TP}); and after them:
     * {@link #NO_ASSERTION} or {@link #WORD_BOUNDARY}. A byte check decides them
     * ({@link Source#wordBoundaryAt}, {@link Source#lineStartAt}), not the engine.
     */
    final int exactBefore, exactAfter;
    /** Whether a match may be empty, as far as the tree shows (true where it cannot tell). */
    final boolean mayMatchEmpty;
    static final int NO_ASSERTION = 0, WORD_BOUNDARY = 1, LINE_START = 2, UNIX_LINE_START = 3;
    /**
     * When every match must end at the end of the text (the pattern ends with {@code \z},
     * {@code \Z} or {@code $} without MULTILINE), the bytes a match can hold, with those of
     * line terminators: a match then lies in the run of them at the end of the text. Else null.
     */
    final ByteClassSearch trailingClass;
    /**
     * The same for a pattern whose every match ends at a line's end (a {@code $} of any kind,
     * {@code \Z} or {@code \z} last): within a line that holds no line terminator but its
     * \n (or, under UNIX_LINES, any line), a match lies in the run of these bytes that ends it.
     */
    final ByteClassSearch lineTrailingClass;
    /** Whether the pattern was compiled with UNIX_LINES (and no inline flags): \n is then its only line terminator. */
    final boolean unixLines;
    private volatile ProbePlan exactProbes;

    /** {@return what a prefilter searches for to find the exact literals} */
    ProbePlan exactProbes() {
        ProbePlan p = exactProbes;
        if (p == null) exactProbes = p = ProbePlan.ofLiterals(exactLiterals);
        return p;
    }

    // Built on first use and shared by every scan of the pattern (a race builds one twice, harmlessly).
    private volatile ProbePlan literalProbes, firstByteProbes;

    /** {@return what a prefilter searches for to find the plan's literals} */
    ProbePlan literalProbes() {
        ProbePlan p = literalProbes;
        if (p == null) literalProbes = p = ProbePlan.ofLiterals(plan.literals());
        return p;
    }

    private volatile ProbePlan runPairProbes;

    /** {@return what a prefilter searches for to find the literals of {@code p}: {@link #plan} or {@link #runPair}} */
    ProbePlan probesFor(Plan p) {
        if (p == plan) return literalProbes();
        if (p != runPair || p == null) throw new IllegalArgumentException("not a plan of these facts");
        ProbePlan r = runPairProbes;
        if (r == null) runPairProbes = r = ProbePlan.ofLiterals(p.literals());
        return r;
    }

    private volatile ProbePlan lineEndProbes;

    /** {@return what a prefilter searches for to find line ends: \n, and unless UNIX_LINES \r and the lead bytes of U+0085, U+2028, U+2029} */
    ProbePlan lineEndProbes() {
        ProbePlan p = lineEndProbes;
        if (p == null) lineEndProbes = p = ProbePlan.ofBytes(terminatorFirstBytes(unixLines));
        return p;
    }

    /** {@return what a prefilter searches for to find the bytes a match can start with} */
    ProbePlan firstByteProbes() {
        ProbePlan p = firstByteProbes;
        if (p == null) firstByteProbes = p = ProbePlan.ofBytes(firstBytes);
        return p;
    }

    private PatternFacts(Pattern p, int flags, boolean utf8) {
        this.tree = RegexSyntax.parse(p, flags);
        String src = p.pattern();
        if (tree == null) {
            // \b{g} (which the parser does not read) depends on where the previous match ended.
            previousMatch = src.contains("\\G") || src.contains("(?") || RegexSyntax.mayHoldGraphemeBoundary(p);
            lineConfined = false;
            reachBack = src.contains("(?<=") || src.contains("(?<!") ? -1 : 2;
            firstBytes = null;
            plan = null;
            exactLiterals = null;
            exactScore = Long.MAX_VALUE;
            exactBefore = exactAfter = NO_ASSERTION;
            mayMatchEmpty = true;
            trailingClass = lineTrailingClass = null;
        } else {
            previousMatch = hasPreviousMatch(tree) || leakyCapture(tree);
            lineConfined = confined(tree);
            int back = reachBack(tree);
            reachBack = back < 0 ? -1 : back + 2;
            First f = first(tree, utf8);
            firstBytes = f.nullable || f.bytes.size() == 256 ? null : f.bytes;
            mayMatchEmpty = f.nullable;
            plan = choosePlan(tree, utf8, lineConfined);
            // Literals, with an assertion a byte check decides before them, or after them, or both.
            Node core = tree;
            int before = NO_ASSERTION, after = NO_ASSERTION;
            if (tree instanceof Seq(List<Node> items) && items.size() >= 2) {
                before = assertion(items.get(0), true);
                after = assertion(items.get(items.size() - 1), false);
                List<Node> middle = items.subList(before == NO_ASSERTION ? 0 : 1, items.size() - (after == NO_ASSERTION ? 0 : 1));
                core = middle.size() == 1 ? middle.get(0) : new Seq(middle);
            }
            List<Lit> exact = (p.flags() & Pattern.CANON_EQ) == 0 && !previousMatch && literalsOnly(core)
                    ? RequiredLiterals.usable(RequiredLiterals.of(core, utf8).exact()) : null;
            if (exact != null && exact.stream().anyMatch(l -> l.length() == 0)) exact = null;
            exactLiterals = exact == null ? null : encoded(exact, utf8);
            exactScore = exactLiterals == null ? Long.MAX_VALUE : RequiredLiterals.score(exact, utf8);
            exactBefore = exactLiterals == null ? NO_ASSERTION : before;
            exactAfter = exactLiterals == null ? NO_ASSERTION : after;
            trailingClass = !previousMatch && endsAt(tree, false) ? runClass(tree, utf8) : null;
            lineTrailingClass = !previousMatch && endsAt(tree, true) ? runClass(tree, utf8) : null;
        }
        // An inline (?-d) could turn it off: with any inline flags, other terminators are assumed.
        this.unixLines = (p.flags() & Pattern.UNIX_LINES) != 0 && !p.pattern().contains("(?");
        this.triesLowSurrogates = probeLowSurrogates(p);
    }

    /**
     * Asks Java: {@code (?:P)(?!)} never matches, and the alternative after it, a lone low
     * surrogate (U+DC00), matches only at the second char of the pair U+D800 U+DC00, so the
     * probe finds a match in that pair exactly when the search loop compiled for P tries there.
     */
    static boolean probeLowSurrogates(Pattern p) {
        if ((p.flags() & Pattern.LITERAL) != 0) return true;
        try {
            Pattern q = Pattern.compile("(?:" + p.pattern() + ")(?!)|\\uDC00", p.flags());
            return q.matcher("\uD800\uDC00").find();
        } catch (RuntimeException | StackOverflowError e) {
            return true;
        }
    }

    private PatternFacts(Node tree, boolean previousMatch, boolean lineConfined, int reachBack, ByteSet firstBytes, Plan plan,
                         boolean triesLowSurrogates, List<ByteSet[]> exactLiterals, long exactScore, int exactBefore, int exactAfter,
                         boolean mayMatchEmpty, ByteClassSearch trailingClass, ByteClassSearch lineTrailingClass, boolean unixLines) {
        this.mayMatchEmpty = mayMatchEmpty;
        this.triesLowSurrogates = triesLowSurrogates;
        this.exactScore = exactScore;
        this.exactBefore = exactLiterals == null ? NO_ASSERTION : exactBefore;
        this.exactAfter = exactLiterals == null ? NO_ASSERTION : exactAfter;
        this.trailingClass = trailingClass;
        this.lineTrailingClass = lineTrailingClass;
        this.unixLines = unixLines;
        this.exactLiterals = exactLiterals;
        this.tree = tree;
        this.previousMatch = previousMatch;
        this.lineConfined = lineConfined;
        this.reachBack = reachBack;
        this.firstBytes = firstBytes;
        this.plan = plan;
    }

    /** What holds whichever of the candidate compile flags {@code p} had: each fact in its weaker form. */
    private static PatternFacts merge(PatternFacts a, PatternFacts b) {
        ByteSet first = null;
        if (a.firstBytes != null && b.firstBytes != null) { first = a.firstBytes.copy(); first.addAll(b.firstBytes); }
        int back = a.reachBack < 0 || b.reachBack < 0 ? -1 : Math.max(a.reachBack, b.reachBack);
        Plan plan = samePlan(a.plan, b.plan) ? a.plan : null;
        return new PatternFacts(a.tree != null && b.tree != null ? a.tree : null, a.previousMatch || b.previousMatch,
                a.lineConfined && b.lineConfined, back, first, plan,
                a.triesLowSurrogates,
                sameLiterals(a.exactLiterals, b.exactLiterals) && a.exactBefore == b.exactBefore && a.exactAfter == b.exactAfter ? a.exactLiterals : null,
                Math.max(a.exactScore, b.exactScore), a.exactBefore, a.exactAfter, a.mayMatchEmpty || b.mayMatchEmpty,
                sameClass(a.trailingClass, b.trailingClass) ? a.trailingClass : null,
                sameClass(a.lineTrailingClass, b.lineTrailingClass) ? a.lineTrailingClass : null, a.unixLines && b.unixLines);
    }

    private static boolean sameClass(ByteClassSearch a, ByteClassSearch b) {
        return a != null && b != null && a.set.equals(b.set);
    }

    /** Bytes of Java's line terminators (\n, \r, U+0085, U+2028, U+2029, in UTF-8 and Latin-1). */
    private static final int[] TERMINATOR_BYTES = {'\n', '\r', 0x85, 0xC2, 0xE2, 0x80, 0xA8, 0xA9};

    /**
     * {@return the bytes a line terminator can start with: \n, and unless {@code unixLines} \r,
     * 0x85 (NEL in Latin-1) and the lead bytes of U+0085, U+2028 and U+2029 (C2, E2), which
     * also start other characters}
     */
    static ByteSet terminatorFirstBytes(boolean unixLines) {
        return unixLines ? ByteSet.of('\n') : ByteSet.of('\n', '\r', 0x85, 0xC2, 0xE2);
    }

    /**
     * {@return the bytes a line terminator can end with: \n, and unless {@code unixLines} \r and
     * the last bytes of U+0085 (NEL, also the byte 0x85 itself in Latin-1), U+2028 and U+2029}
     * A line start stands after one of them (or at the text's start).
     */
    static ByteSet terminatorLastBytes(boolean unixLines) {
        return unixLines ? ByteSet.of('\n') : ByteSet.of('\n', '\r', 0x85, 0xA8, 0xA9);
    }

    /** The bytes a match can hold, with those of line terminators; null when unknown or nearly every byte. */
    private static ByteClassSearch runClass(Node tree, boolean utf8) {
        Span whole = span(tree, utf8);
        if (whole == null) return null;
        ByteSet bytes = whole.bytes.copy();
        for (int b : TERMINATOR_BYTES) bytes.add(b);
        // Any byte it leaves out ends a run: \S+$ over source code stops at the last blank of
        // each line, where java.util.regex tried every position of every word (2 s over 40 MB).
        return bytes.size() == 256 ? null : new ByteClassSearch(bytes);
    }

    /**
     * Whether every match ends at a line's end or the text's: the pattern ends with {@code $}
     * (of any kind), {@code \Z} or {@code \z}. {@link #lineTrailingClass} says which bytes
     * such a match can hold, unless that is every byte.
     */
    boolean endsAtLineEnd() {
        return tree != null && !previousMatch && endsAt(tree, true);
    }

    /**
     * Whether every match starts at the text's start or right after a line terminator: the
     * pattern starts with {@code ^} (with or without MULTILINE) or {@code \A}.
     */
    boolean startsAtLineStart() {
        return tree != null && startsAt(tree);
    }

    /**
     * Whether every match must start at the start of the text: each branch begins with
     * {@code \A}, or with {@code ^} outside MULTILINE (under every flag set the pattern may
     * have been compiled with). Set once, by {@link #of}, before the facts are shared.
     */
    boolean textStartOnly;

    private static boolean textStartOnly(Pattern p) {
        for (int flags : RegexSyntax.compileFlags(p)) {
            Node tree = RegexSyntax.parse(p, flags);
            if (tree == null || !startsAtTextStart(tree)) return false;
        }
        return true;
    }

    private static boolean startsAtTextStart(Node n) {
        return startsWith(n, a -> a.kind() == Kind.TEXT_START || (a.kind() == Kind.LINE_START && (a.flags() & Pattern.MULTILINE) == 0));
    }

    private static boolean startsAt(Node n) {
        return startsWith(n, a -> a.kind() == Kind.LINE_START || a.kind() == Kind.TEXT_START);
    }

    /** Whether every branch of {@code n} begins with an anchor that {@code anchor} accepts. */
    private static boolean startsWith(Node n, java.util.function.Predicate<Anchor> anchor) {
        if (n instanceof Anchor a) return anchor.test(a);
        if (n instanceof Group g) return startsWith(g.body(), anchor);
        if (n instanceof Seq s) return !s.items().isEmpty() && startsWith(s.items().get(0), anchor);
        if (n instanceof Alt a) return !a.branches().isEmpty() && a.branches().stream().allMatch(b -> startsWith(b, anchor));
        return false;
    }

    /**
     * The ASCII bytes of {@code C} when the pattern starts with an unbounded repetition of one
     * class {@code C} ({@code \w+}, {@code [a-z]*}) and the rest of it does not look at where the
     * match began (no back reference, lookbehind or {@code \G}); else null. Then where an
     * attempt at a byte of the set fails, an attempt at the next byte fails too when that is in
     * the set: a match from there, {@code C} up to some k and the rest from k, would be one from
     * the byte before as well. (Before the "=" of {@code \w+\s*=\s*\w+;}, each word was
     * otherwise tried at every letter, each try running to the word's end.) Set once, by
     * {@link #of}, before the facts are shared.
     */
    ByteSet leadingRun;

    /**
     * For a pattern with a {@link #leadingRun} whose class X is ASCII-only and taken greedily at
     * least once, and whose rest must start with a byte outside X: a BOUNDED plan whose literal
     * is the pair of bytes where the run ends, an X and a first byte of the rest
     * ({@code [a-z]+(?:[A-Z][a-z]+)+}: [a-z][A-Z]). Every match holds such a pair where its
     * run ends, and starts in the run of X bytes that ends there (no later than the pair's X);
     * an attempt at the run's start stands for the whole run. Else null. A weak literal, but
     * the engine then goes to work once per such pair, not once per run of X: over 40 MB of
     * the JDK sources {@code [a-z]+(?:[A-Z][a-z]+)+} tried each word. Set once, by {@link #of},
     * before the facts are shared.
     */
    Plan runPair;

    private static Plan runPair(Pattern p, boolean utf8) {
        Plan all = null;
        for (int flags : RegexSyntax.compileFlags(p)) {
            Node tree = RegexSyntax.parse(p, flags);
            Plan one = tree == null ? null : runPairOf(tree, utf8);
            if (one == null || (all != null && !samePlan(all, one))) return null;
            all = one;
        }
        return all;
    }

    private static Plan runPairOf(Node tree, boolean utf8) {
        Rep r = leadingRep(tree);
        if (r == null || r.min() < 1 || r.lazy() || !(r.body() instanceof Cls c) || !c.asciiOnly()) return null;
        List<Node> items = ((Seq) tree).items();
        First after = first(new Seq(items.subList(1, items.size())), utf8);
        ByteSet run = classBytes(c);
        if (after.nullable || run.isEmpty() || run.intersects(after.bytes)) return null;
        // A pair no rarer than the run's own bytes, or a rest that may start with any byte above
        // ASCII, stops nearly everywhere: the line automaton does better ([a-zA-Z]+(?:[-\x27][a-zA-Z]+)+,
        // whose class the reader takes to reach past ASCII: 0.47 s by the pair over 40 MB of the
        // JDK sources, 0.20 s by the automaton).
        if (after.bytes.size() > 64 || ProbePlan.share(after.bytes) > ProbePlan.share(run)) return null;
        // Not ranked against the literals of choosePlan: RegexScanner takes it only where they fail.
        List<ByteSet[]> pair = List.<ByteSet[]>of(new ByteSet[]{run, after.bytes});
        return new Plan(Mode.BOUNDED, pair, run, 1, true, null, Long.MAX_VALUE, Long.MAX_VALUE, null, 0);
    }

    private static ByteSet leadingRun(Pattern p) {
        boolean[] all = null;
        for (int flags : RegexSyntax.compileFlags(p)) {
            Node tree = RegexSyntax.parse(p, flags);
            boolean[] in = tree == null ? null : leadingRunOf(tree);
            if (in == null) return null;
            if (all == null) all = in.clone();
            else for (int b = 0; b < 128; b++) all[b] &= in[b];
        }
        if (all == null) return null;
        ByteSet run = new ByteSet();
        for (int b = 0; b < 128; b++) if (all[b]) run.add(b);
        return run.isEmpty() ? null : run;
    }

    /** Which ASCII characters the leading repetition's class holds (see {@link #leadingRun}), or null. */
    private static boolean[] leadingRunOf(Node tree) {
        Rep r = leadingRep(tree);
        return r != null && r.body() instanceof Cls c ? CharSets.asciiMembers(c) : null;
    }

    /**
     * The unbounded repetition a sequence starts with (through non-atomic groups) when the rest
     * of it does not look at where the match began; else null. The shape of {@link #leadingRun}
     * and {@link #runPair}.
     */
    private static Rep leadingRep(Node tree) {
        if (!(tree instanceof Seq s) || s.items().size() < 2) return null;
        Node first = s.items().get(0);
        while (first instanceof Group g && !g.atomic()) first = g.body();
        if (!(first instanceof Rep r) || r.max() != -1) return null;
        for (Node n : s.items().subList(1, s.items().size())) if (looksAtStart(n)) return null;
        return r;
    }

    /** Whether {@code n} may depend on where the match began: a back reference, a lookbehind, {@code \G}, or anything not read. */
    private static boolean looksAtStart(Node n) {
        if (n instanceof BackRef || n instanceof Opaque) return true;
        if (n instanceof Look l && l.behind()) return true;
        if (n instanceof Anchor a && a.kind() == Kind.PREVIOUS_MATCH) return true;
        for (Node c : children(n)) if (looksAtStart(c)) return true;
        return false;
    }

    /** Whether every match ends at the text's end, or with {@code lines} at a line's end: the pattern ends with such an anchor. */
    private static boolean endsAt(Node n, boolean lines) {
        if (n instanceof Anchor a) {
            return a.kind() == Kind.TEXT_END || a.kind() == Kind.TEXT_END_BEFORE_TERMINATOR
                    || (a.kind() == Kind.LINE_END && (lines || (a.flags() & Pattern.MULTILINE) == 0));
        }
        if (n instanceof Group g) return endsAt(g.body(), lines);
        if (n instanceof Seq s) return !s.items().isEmpty() && endsAt(s.items().get(s.items().size() - 1), lines);
        if (n instanceof Alt a) return a.branches().stream().allMatch(b -> endsAt(b, lines));
        return false;
    }

    private static boolean sameLiterals(List<ByteSet[]> a, List<ByteSet[]> b) {
        if (a == null || b == null || a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) if (!java.util.Arrays.equals(a.get(i), b.get(i))) return false;
        return true;
    }

    /** The literals as byte shapes, or null when one has none. */
    private static List<ByteSet[]> encoded(List<Lit> lits, boolean utf8) {
        List<ByteSet[]> encoded = new ArrayList<>();
        for (Lit l : lits) {
            ByteSet[] b = RequiredLiterals.encode(l, utf8);
            if (b == null || b.length == 0) return null;
            encoded.add(b);
        }
        return List.copyOf(encoded);
    }

    /**
     * The assertion {@code n} is, when a byte check decides it: {@code \b} without
     * UNICODE_CHARACTER_CLASS, or (before the literals) a MULTILINE {@code ^}; else NO_ASSERTION.
     */
    static int assertion(Node n, boolean before) {
        if (!(n instanceof Anchor a)) return NO_ASSERTION;
        if (a.kind() == Kind.WORD_BOUNDARY && (a.flags() & Pattern.UNICODE_CHARACTER_CLASS) == 0) return WORD_BOUNDARY;
        if (before && a.kind() == Kind.LINE_START && (a.flags() & Pattern.MULTILINE) != 0)
            return (a.flags() & Pattern.UNIX_LINES) != 0 ? UNIX_LINE_START : LINE_START;
        return NO_ASSERTION;
    }

    private static boolean literalsOnly(Node n) {
        if (n instanceof Char || n instanceof Cls) return true;
        if (n instanceof Group g) return !g.capturing() && !g.atomic() && literalsOnly(g.body());
        if (n instanceof Rep r) return r.min() == r.max() && !r.possessive() && literalsOnly(r.body());
        if (n instanceof Seq s) return s.items().stream().allMatch(PatternFacts::literalsOnly);
        if (n instanceof Alt a) return a.branches().stream().allMatch(PatternFacts::literalsOnly);
        return false;
    }

    private static boolean samePlan(Plan a, Plan b) {
        if (a == null || b == null) return false;
        if (a.mode() != b.mode() || a.prefixMin() != b.prefixMin() || a.literalInPrefix() != b.literalInPrefix()
                || a.startOffset() != b.startOffset()) return false;
        if (!java.util.Objects.equals(a.prefixClass(), b.prefixClass()) || !java.util.Objects.equals(a.runClass(), b.runClass())) return false;
        if (!java.util.Objects.equals(a.before(), b.before())) return false;
        if (a.literals().size() != b.literals().size()) return false;
        for (int i = 0; i < a.literals().size(); i++) if (!java.util.Arrays.equals(a.literals().get(i), b.literals().get(i))) return false;
        return true;
    }

    private static final Map<String, PatternFacts> CACHE = new LinkedHashMap<>(64, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<String, PatternFacts> e) { return size() > 256; }
    };

    /** The facts of {@code p} read as UTF-8 ({@code utf8}) or Latin-1 text; cached. */
    static PatternFacts of(Pattern p, boolean utf8) {
        String key = p.flags() + "/" + utf8 + "/" + p.pattern();
        synchronized (CACHE) {
            PatternFacts f = CACHE.get(key);
            if (f != null) return f;
        }
        PatternFacts f = null;
        for (int flags : RegexSyntax.compileFlags(p)) {
            PatternFacts g = new PatternFacts(p, flags, utf8);
            f = f == null ? g : merge(f, g);
        }
        f.leadingRun = leadingRun(p);
        f.runPair = f.leadingRun == null || f.previousMatch ? null : runPair(p, utf8);
        f.textStartOnly = textStartOnly(p);
        f.delimited = Delimited.of(p);
        f.classRun = ClassRun.of(p);
        synchronized (CACHE) { CACHE.put(key, f); }
        return f;
    }

    // ---- \G ----

    private static boolean hasPreviousMatch(Node n) {
        if (n instanceof Anchor a) return a.kind() == Kind.PREVIOUS_MATCH;
        for (Node c : children(n)) if (hasPreviousMatch(c)) return true;
        return false;
    }

    /**
     * Whether a capturing group stands inside a construct that does not restore groups when it
     * fails, where a successful attempt may leave it unset and so report the value a failed
     * attempt left. A group every successful attempt sets, such as one that must match inside
     * a positive lookaround that must match ({@code \w+(?=(\s*)=)}), is overwritten before
     * anyone sees it, unless a back reference reads it first.
     */
    private static boolean leakyCapture(Node tree) {
        return leakyCapture(tree, false, !hasBackRef(tree));
    }

    private static boolean leakyCapture(Node n, boolean inside, boolean mandatory) {
        if (inside && !mandatory && n instanceof Group g && g.capturing()) return true;
        if (!inside && n instanceof Rep r && !r.possessive() && r.body() instanceof Group g && g.capturing() && !g.atomic()) {
            // A repeated capturing group is put back when the attempt fails ((b)*c over "bxc"
            // gives group 1 null); a group nested in it is not, like any group nested in a
            // repetition ((?:(b)x)*c over "bxbc" gives "b", left by the failed attempt at 0).
            return leakyCapture(g.body(), true, false);
        }
        boolean in = inside || n instanceof Look || (n instanceof Group g && g.atomic()) || n instanceof Rep;
        // Only a sequence and a plain group pass on "every successful attempt goes through here".
        boolean stillMandatory = mandatory && (n instanceof Seq || (n instanceof Group g && !g.atomic())
                || (n instanceof Look l && !l.negative()));
        for (Node c : children(n)) if (leakyCapture(c, in, stillMandatory)) return true;
        return false;
    }

    private static boolean hasBackRef(Node n) {
        if (n instanceof BackRef) return true;
        for (Node c : children(n)) if (hasBackRef(c)) return true;
        return false;
    }

    private static List<Node> children(Node n) {
        if (n instanceof Seq s) return s.items();
        if (n instanceof Alt a) return a.branches();
        if (n instanceof Rep r) return List.of(r.body());
        if (n instanceof Group g) return List.of(g.body());
        if (n instanceof Look l) return List.of(l.body());
        return List.of();
    }

    // ---- line confinement ----

    static boolean confined(Node n) {
        if (n instanceof Char c) {
            int[] v = CharSets.variants(c);
            if (v == null) return false;
            for (int cp : v) if (cp == '\n') return false;
            return true;
        }
        if (n instanceof Cls c) return !CharSets.asciiMembers(c)['\n'];
        if (n instanceof Opaque) return false;
        if (n instanceof BackRef || n instanceof Anchor) return true;   // a back reference repeats confined text
        for (Node c : children(n)) if (!confined(c)) return false;
        return true;
    }

    // ---- how far back an attempt looks ----

    /** Characters before an attempt's start the engine may read, or -1 for no bound. */
    private static int reachBack(Node n) {
        if (n instanceof Look l && l.behind()) {
            int len = maxLength(l.body());
            int inner = reachBack(l.body());
            return len < 0 || inner < 0 ? -1 : saturate((long) len + inner);
        }
        if (n instanceof Anchor) return 1;
        int r = 0;
        for (Node c : children(n)) {
            int b = reachBack(c);
            if (b < 0) return -1;
            r = Math.max(r, b);
        }
        return r;
    }

    /** The most characters a node can consume, or -1 for no bound. */
    private static int maxLength(Node n) {
        if (n instanceof Char c) return Character.charCount(c.cp()) == 2 ? 2 : 2;
        if (n instanceof Cls) return 2;
        if (n instanceof Look || n instanceof Anchor) return 0;
        if (n instanceof BackRef || n instanceof Opaque) return -1;
        if (n instanceof Rep r) {
            int b = maxLength(r.body());
            if (b < 0 || r.max() < 0) return b == 0 ? 0 : -1;
            return saturate((long) b * r.max());
        }
        if (n instanceof Alt a) {
            int m = 0;
            for (Node c : a.branches()) { int b = maxLength(c); if (b < 0) return -1; m = Math.max(m, b); }
            return m;
        }
        long sum = 0;
        for (Node c : children(n)) { int b = maxLength(c); if (b < 0) return -1; sum += b; }
        return saturate(sum);
    }

    private static int saturate(long v) { return v > Integer.MAX_VALUE / 8 ? -1 : (int) v; }

    // ---- first bytes ----

    private record First(ByteSet bytes, boolean nullable) {}

    private static First first(Node n, boolean utf8) {
        if (n instanceof Char c) {
            int[] v = CharSets.variants(c);
            if (v == null || c.cp() == 0xFFFD) return new First(ByteSet.range(0, 255), false);
            ByteSet s = new ByteSet();
            for (int cp : v) {
                byte[] e = encodeChar(cp, utf8);
                if (e != null) s.add(e[0]);
            }
            return new First(s, false);
        }
        if (n instanceof Cls c) return new First(classBytes(c), false);
        if (n instanceof Look || n instanceof Anchor) return new First(new ByteSet(), true);
        if (n instanceof BackRef || n instanceof Opaque) return new First(ByteSet.range(0, 255), true);
        if (n instanceof Group g) return first(g.body(), utf8);
        if (n instanceof Rep r) {
            First b = first(r.body(), utf8);
            return new First(b.bytes, b.nullable || r.min() == 0);
        }
        if (n instanceof Alt a) {
            ByteSet s = new ByteSet();
            boolean nullable = false;
            for (Node branch : a.branches()) {
                First b = first(branch, utf8);
                s.addAll(b.bytes);
                nullable |= b.nullable;
            }
            return new First(s, nullable);
        }
        ByteSet s = new ByteSet();
        for (Node item : ((Seq) n).items()) {
            First b = first(item, utf8);
            s.addAll(b.bytes);
            if (!b.nullable) return new First(s, false);
        }
        return new First(s, true);
    }

    /** The bytes a class's characters can consist of: its ASCII members, and every byte above 0x7F if it can match more. */
    private static ByteSet classBytes(Cls c) {
        ByteSet s = new ByteSet();
        boolean[] in = CharSets.asciiMembers(c);
        for (int ch = 0; ch < 128; ch++) if (in[ch]) s.add(ch);
        // Decoded text holds U+FFFD for every malformed byte, so any byte above 0x7F may stand for a non-ASCII match.
        if (!c.asciiOnly()) for (int b = 0x80; b < 0x100; b++) s.add(b);
        return s;
    }

    private static byte[] encodeChar(int cp, boolean utf8) {
        String s = new String(Character.toChars(cp));
        if (!utf8 && cp > 0xFF) return null;
        return s.getBytes(utf8 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    // ---- the classes runs of matched text consist of ----

    /** The bytes and least length of what a run of nodes consumes, when each is a character, class, repetition of those, or zero-width. */
    private record Span(ByteSet bytes, int min) {}

    private static Span span(List<Node> nodes, boolean utf8) {
        ByteSet s = new ByteSet();
        long min = 0;
        for (Node n : nodes) {
            Span x = span(n, utf8);
            if (x == null) return null;
            s.addAll(x.bytes);
            min += x.min;
        }
        return new Span(s, (int) Math.min(min, 1 << 20));
    }

    private static Span span(Node n, boolean utf8) {
        if (n instanceof Char c) {
            int[] v = CharSets.variants(c);
            if (v == null) return null;
            ByteSet s = new ByteSet();
            if (c.cp() == 0xFFFD) for (int b = 0x80; b < 0x100; b++) s.add(b);
            for (int cp : v) { byte[] e = encodeChar(cp, utf8); if (e != null) for (byte b : e) s.add(b); }
            return new Span(s, 1);
        }
        if (n instanceof Cls c) return new Span(classBytes(c), 1);
        if (n instanceof Look || n instanceof Anchor) return new Span(new ByteSet(), 0);
        if (n instanceof Group g) return span(g.body(), utf8);
        if (n instanceof Rep r) {
            Span b = span(r.body(), utf8);
            return b == null ? null : new Span(b.bytes, (int) Math.min((long) b.min * r.min(), 1 << 20));
        }
        if (n instanceof Seq s) return span(s.items(), utf8);
        if (n instanceof Alt a) {
            ByteSet s = new ByteSet();
            int min = Integer.MAX_VALUE;
            for (Node branch : a.branches()) {
                Span b = span(branch, utf8);
                if (b == null) return null;
                s.addAll(b.bytes);
                min = Math.min(min, b.min);
            }
            return new Span(s, min);
        }
        return null;                             // back references, \R, \X
    }

    // ---- choosing how to use literals ----

    private static Plan choosePlan(Node tree, boolean utf8, boolean confined) {
        Node root = tree;
        while (root instanceof Group g) root = g.body();
        Span whole = span(root, utf8);
        ByteSet runClass = whole == null || whole.bytes.size() >= 250 ? null : whole.bytes;
        List<Plan> plans = new ArrayList<>();

        Facts rootFacts = RequiredLiterals.of(root, utf8);
        add(plans, Mode.PREFIX, rootFacts.starts(), null, null, utf8, null);
        lookbehindPlan(plans, root, utf8);

        if (root instanceof Seq s) {
            List<Facts> fs = new ArrayList<>();
            for (Node item : s.items()) fs.add(RequiredLiterals.of(item, utf8));
            for (RequiredLiterals.Run run : RequiredLiterals.runs(fs)) {
                List<Node> lead = s.items().subList(0, run.from());
                Span before = span(lead, utf8);
                if (before != null || runClass != null) add(plans, Mode.BOUNDED, run.literals(), before, BackCheck.of(lead), utf8, runClass);
                else if (confined) add(plans, Mode.LINE, run.literals(), null, null, utf8, null);
            }
            // What a positive lookahead must see stands where the items before it end, as if
            // it were consumed: \w+(?=\() is found by its "(" and the word before it, and
            // [a-z]+(?=\s*=) by its "=" and what may stand before that, not by the engine at
            // every word (0.80 and 0.85 s over 40 MB of the JDK sources). The match may end
            // before the literal, which BOUNDED allows: it attempts from the run that reaches
            // the candidate, and never asks the literal's own bytes to be in that run.
            for (int k = 0; k < s.items().size(); k++) {
                if (!(s.items().get(k) instanceof Look look) || look.behind() || look.negative()) continue;
                List<Node> lead = s.items().subList(0, k);
                addAfter(plans, lead, RequiredLiterals.of(look.body(), utf8).starts(), utf8);
                Node body = look.body();
                while (body instanceof Group g && !g.atomic()) body = g.body();
                List<Node> bodyItems = body instanceof Seq bs ? bs.items() : List.of(body);
                List<Node> seen = new ArrayList<>(lead);
                seen.addAll(bodyItems);
                List<Facts> bodyFacts = new ArrayList<>();
                for (Node item : bodyItems) bodyFacts.add(RequiredLiterals.of(item, utf8));
                for (RequiredLiterals.Run run : RequiredLiterals.runs(bodyFacts)) {
                    // (A run at the body's start is the literal the lookahead starts with: above.)
                    if (run.from() > 0) addAfter(plans, seen.subList(0, k + run.from()), run.literals(), utf8);
                }
            }
        }
        List<Lit> anywhere = rootFacts.bestRequired(utf8);
        if (runClass != null) add(plans, Mode.BOUNDED, anywhere, null, null, utf8, runClass);
        else if (confined) add(plans, Mode.LINE, anywhere, null, null, utf8, null);

        // A bounded plan whose prefix may hold nearly any byte, line ends included, tries every
        // position from the previous candidate on, however rare its literal: the run before a
        // candidate is all the text since the last one. A prefix literal then does better:
        // \bif\s*\(.*\)\s*\{ tried each i of the text for its {, 1.43 s over the JDK sources.
        boolean prefixPlan = plans.stream().anyMatch(p -> p.mode() == Mode.PREFIX);
        if (prefixPlan) plans.removeIf(p -> p.mode() == Mode.BOUNDED && p.prefixClass() != null && p.prefixClass().contains('\n')
                && p.prefixClass().size() >= 250);
        Plan best = null;
        for (Plan p : plans) {
            if (best == null || p.choiceScore() < best.choiceScore()
                    || (p.choiceScore() == best.choiceScore() && p.mode().ordinal() < best.mode().ordinal()))
                best = p;
        }
        return best;
    }

    /**
     * A PREFIX plan on the literal a leading lookbehind ends with, whose end is where every
     * match starts: {@code (?<=\.)\w+} is tried after each ".", not at each word (0.57 s over
     * 40 MB of the JDK sources that way). Its literals must be of one length in bytes, and hold
     * no line terminator, so that a line holding a match holds its literal too (the grep
     * command chooses lines by it).
     */
    private static void lookbehindPlan(List<Plan> plans, Node root, boolean utf8) {
        Node first = root instanceof Seq s && !s.items().isEmpty() ? s.items().get(0) : root;
        if (!(first instanceof Look look) || !look.behind() || look.negative()) return;
        Node body = look.body();
        while (body instanceof Group g && !g.atomic()) body = g.body();
        List<Node> items = body instanceof Seq bs ? bs.items() : List.of(body);
        List<Facts> fs = new ArrayList<>();
        for (Node item : items) fs.add(RequiredLiterals.of(item, utf8));
        for (RequiredLiterals.Run run : RequiredLiterals.runs(fs)) {
            if (run.to() != items.size()) continue;
            int length = -1;
            for (Lit l : run.literals()) {
                ByteSet[] b = RequiredLiterals.encode(l, utf8);
                if (b == null || (length >= 0 && b.length != length)) return;
                for (ByteSet position : b) if (position.contains('\n') || position.contains('\r')) return;
                length = b.length;
            }
            if (length > 0) add(plans, Mode.PREFIX, run.literals(), null, null, utf8, null, length);
        }
    }

    /** A BOUNDED plan on {@code lits}, which stand right after {@code items}, when those have a span. */
    private static void addAfter(List<Plan> plans, List<Node> items, List<Lit> lits, boolean utf8) {
        Span before = span(items, utf8);
        if (before != null) add(plans, Mode.BOUNDED, lits, before, BackCheck.of(items), utf8, null);
    }

    private static void add(List<Plan> plans, Mode mode, List<Lit> lits, Span before, BackCheck back, boolean utf8, ByteSet runClass) {
        add(plans, mode, lits, before, back, utf8, runClass, 0);
    }

    private static void add(List<Plan> plans, Mode mode, List<Lit> lits, Span before, BackCheck back, boolean utf8, ByteSet runClass,
                            int startOffset) {
        if (RequiredLiterals.usable(lits) == null) return;
        List<ByteSet[]> encoded = new ArrayList<>();
        for (Lit l : lits) {
            ByteSet[] b = RequiredLiterals.encode(l, utf8);
            if (b == null || b.length == 0) return;
            encoded.add(b);
        }
        long score = RequiredLiterals.score(lits, utf8);
        ByteSet prefixClass = before == null ? null : before.bytes;
        int prefixMin = before == null ? 0 : before.min;
        boolean inPrefix = false;
        if (prefixClass != null) for (ByteSet[] l : encoded) inPrefix |= l[0].intersects(prefixClass);
        plans.add(new Plan(mode, encoded, prefixClass, prefixMin, inPrefix, runClass, score, RequiredLiterals.choiceScore(lits, utf8),
                inPrefix ? null : back, startOffset));
    }
}
