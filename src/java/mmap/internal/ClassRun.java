package mmap.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import mmap.internal.RegexSyntax.Char;
import mmap.internal.RegexSyntax.Cls;
import mmap.internal.RegexSyntax.Group;
import mmap.internal.RegexSyntax.Node;
import mmap.internal.RegexSyntax.Rep;
import mmap.internal.RegexSyntax.Seq;

/**
 * Patterns that are classes in sequence, each taken greedily between its least and most
 * counts, and nothing else: one class ({@code \p{IsHan}+}, {@code \w+}, {@code [A-Z_]{5,}},
 * {@code [^\w\s]}, {@code \w{2,5}}), or several ({@code [a-z][A-Z]},
 * {@code \p{Lu}\p{Ll}+}, {@code [A-Z][a-z]+[A-Z][a-z]+}), each at least once but the last of
 * several, which may take none ({@code [A-Z]\w*}); capturing the
 * whole or not; for classes of ASCII word characters, between {@code \b}s
 * ({@code \b\w+\b}, {@code \b[A-Z]+\b}); and after a MULTILINE {@code ^} ({@code (?m)^\s+}).
 *
 * <p>Greedy is final here: a class that may take a varying count is followed by one that
 * shares no character with it, so giving back any character cannot let the next one start.
 * So an attempt is one pass, and where the first class is unbounded, an attempt that fails
 * fails for every later start in the same run of it (each would take less of the run, and
 * then the same). {@link ClassRunFinder} scans with them, each character decided by its
 * {@link ClassTable}.
 */
final class ClassRun {
    final ClassTable[] classes;
    /** Each class's least and most counts (most: Long.MAX_VALUE when unbounded). */
    final long[] mins, maxs;
    final boolean capture;
    /**
     * Whether the sequence is wrapped in {@code \b}: before it ({@link #boundBefore}) and after
     * it ({@link #boundAfter}). Only where the first (last) class holds ASCII word characters
     * alone, outside UNICODE_CHARACTER_CLASS, so that a run of it holds no boundary inside: the
     * JDK's {@code \b} takes [a-zA-Z0-9_] as word characters, and a non-spacing mark as one
     * when a letter or digit stands before it (past any other marks).
     */
    final boolean boundBefore, boundAfter;
    /**
     * Whether the sequence follows a MULTILINE {@code ^} ({@code (?m)^\s+}, {@code (?m)^\.\w+}):
     * it starts at the text's start or after a line terminator, but not at the text's end nor
     * between \r and \n; with UNIX_LINES ({@link #unixLines}) after \n alone.
     */
    final boolean lineStart, unixLines;
    /**
     * The item whose boundary with the next one a scan can find as a pair of adjacent bytes,
     * or -1: the last character of an item of fixed count, or of varying count after items of
     * fixed count (then sharing no character with the item before it), and the first of the
     * next, both classes ASCII-only. Such a pair fixes where the match starts. Of those that
     * qualify, the one whose second class is rarest in typical text, then whose first is. Even
     * a common pair pays: over the man pages [a-z][a-z] took 0.18 s this way, 0.55 s trying
     * each lower-case letter; [a-z]+[A-Z][a-z]+ over the JDK sources 0.28 s, against 0.98 s
     * trying each run of lower-case letters.
     */
    final int boundaryItem;

    private ClassRun(ClassTable[] classes, long[] mins, long[] maxs, boolean capture, boolean boundBefore, boolean boundAfter,
                     boolean lineStart, boolean unixLines) {
        this.classes = classes;
        this.mins = mins;
        this.maxs = maxs;
        this.capture = capture;
        this.boundBefore = boundBefore;
        this.boundAfter = boundAfter;
        this.lineStart = lineStart;
        this.unixLines = unixLines;
        this.boundaryItem = boundaryItem(classes, mins, maxs);
    }

    private static int boundaryItem(ClassTable[] classes, long[] mins, long[] maxs) {
        int best = -1;
        double bestSecond = 0, bestFirst = 0;
        for (int k = 0; k + 1 < classes.length; k++) {
            ClassTable c = classes[k], next = classes[k + 1];
            if (c.aboveAscii || next.aboveAscii || mins[k + 1] < 1) break;
            boolean fixed = mins[k] == maxs[k];
            if (fixed || (maxs[k] == Long.MAX_VALUE && (k == 0 || classes[k - 1].disjointFrom(c)))) {
                double first = ProbePlan.share(c.asciiMembers()), second = ProbePlan.share(next.asciiMembers());
                if (best < 0 || second < bestSecond || (second == bestSecond && first < bestFirst)) {
                    best = k;
                    bestSecond = second;
                    bestFirst = first;
                }
            }
            if (!fixed) break;     // the items before the boundary must take fixed counts
        }
        return best;
    }

    /** The shape of {@code p}, or null when it has another (under any flags it may have been compiled with). */
    static ClassRun of(Pattern p) {
        Node first = null;
        for (int flags : RegexSyntax.compileFlags(p)) {
            Node tree = RegexSyntax.parse(p, flags);
            if (tree == null) return null;
            // The same tree under every flag set.
            if (first != null && !RegexSyntax.same(first, tree)) return null;
            if (first == null) first = tree;
        }
        return first == null ? null : of(first);
    }

    private static ClassRun of(Node tree) {
        boolean before = false, after = false, capture = false, lineStart = false, unixLines = false;
        List<Node> items = tree instanceof Seq(List<Node> all) ? all : List.of(tree);
        int lead = items.isEmpty() ? PatternFacts.NO_ASSERTION : PatternFacts.assertion(items.get(0), true);
        if (lead == PatternFacts.LINE_START || lead == PatternFacts.UNIX_LINE_START) {
            lineStart = true;
            unixLines = lead == PatternFacts.UNIX_LINE_START;
            items = items.subList(1, items.size());
        }
        if (!items.isEmpty() && wordBound(items.get(0))) { before = true; items = items.subList(1, items.size()); }
        if (!items.isEmpty() && wordBound(items.get(items.size() - 1))) { after = true; items = items.subList(0, items.size() - 1); }
        if (items.size() == 1 && items.get(0) instanceof Group g && g.capturing() && !g.atomic()) {
            capture = true;
            items = g.body() instanceof Seq(List<Node> inner) ? inner : List.of(g.body());
            // \b is zero-width: inside the group or outside it, the same match ((\b[a-z]+\b)).
            if (!before && !items.isEmpty() && wordBound(items.get(0))) { before = true; items = items.subList(1, items.size()); }
            if (!after && !items.isEmpty() && wordBound(items.get(items.size() - 1))) { after = true; items = items.subList(0, items.size() - 1); }
        }
        if (items.isEmpty()) return null;
        List<Cls> cls = new ArrayList<>();
        long[] mins = new long[items.size()], maxs = new long[items.size()];
        boolean anyClass = false;
        for (int i = 0; i < items.size(); i++) {
            Node n = items.get(i);
            long min = 1, max = 1;
            if (n instanceof Rep r) {
                // The last of several classes may take none: nothing after it can want it to give back.
                boolean mayBeEmpty = i == items.size() - 1 && items.size() > 1;
                if (r.lazy() || r.min() < (mayBeEmpty ? 0 : 1)) return null;
                min = r.min();
                max = r.max() < 0 ? Long.MAX_VALUE : r.max();
                n = r.body();
            }
            Cls c = n instanceof Cls k ? k : n instanceof Char ch ? charClass(ch) : null;
            if (c == null) return null;
            anyClass |= n instanceof Cls;
            cls.add(c);
            mins[i] = min;
            maxs[i] = max;
        }
        // Not all literals: a character, or a run of one, is a literal's job (é+ is found faster
        // by its bytes than by stopping at every byte above ASCII). A class of bounded count
        // ([^\w\s], (?i)[aeiou]{2}) qualifies; the scanner prefers a literal search where one pays.
        if (!anyClass) return null;
        if ((before && !asciiWordOnly(cls.get(0))) || (after && !asciiWordOnly(cls.get(cls.size() - 1)))) return null;
        // A \b after a last class that took nothing stands after the class before it, which
        // must then hold word characters alone too: either way a word character ends the match
        // (\b[a-z]+[A-Z]\w*\b, camel-case names).
        if (after && mins[mins.length - 1] == 0 && (cls.size() < 2 || !asciiWordOnly(cls.get(cls.size() - 2)))) return null;
        ClassTable[] tables = new ClassTable[cls.size()];
        for (int i = 0; i < tables.length; i++) tables[i] = new ClassTable(cls.get(i));
        for (int i = 0; i + 1 < tables.length; i++) {
            if (mins[i] != maxs[i] && !tables[i].disjointFrom(tables[i + 1])) return null;
        }
        return new ClassRun(tables, mins, maxs, capture, before, after, lineStart, unixLines);
    }

    /**
     * Whether a match starts at every character of the first class: two classes, the second
     * of which may take none ({@code [a-z]\w*}), and no {@code ^} or {@code \b} before them.
     * Trying each such character then costs no more than the matches themselves.
     */
    boolean everyStartMatches() {
        return classes.length == 2 && mins[0] == 1 && maxs[0] == 1 && mins[1] == 0 && !boundBefore && !lineStart;
    }

    /** A literal character as a class of itself (and its case variants): asked of Pattern like any class. */
    private static Cls charClass(Char c) {
        int[] v = CharSets.variants(c);
        if (v == null) return null;
        boolean ascii = true;
        for (int x : v) ascii &= x < 0x80;
        return new Cls(Pattern.quote(new String(Character.toChars(c.cp()))), c.flags(), ascii);
    }

    /** A {@code \b} that takes [a-zA-Z0-9_] for word characters (not under UNICODE_CHARACTER_CLASS). */
    private static boolean wordBound(Node n) {
        return PatternFacts.assertion(n, false) == PatternFacts.WORD_BOUNDARY;
    }

    /** Whether every member of {@code c} is one of [a-zA-Z0-9_]. */
    private static boolean asciiWordOnly(Cls c) {
        if (!c.asciiOnly()) return false;
        boolean[] in = CharSets.asciiMembers(c);
        for (int b = 0; b < 128; b++) if (in[b] && !asciiWord(b)) return false;
        return true;
    }

    /** The JDK's word character for {@code \b} outside UNICODE_CHARACTER_CLASS. */
    static boolean asciiWord(int cp) {
        return cp == '_' || (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    }
}
