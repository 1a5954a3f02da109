package mmap.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import mmap.internal.RegexSyntax.Alt;
import mmap.internal.RegexSyntax.Anchor;
import mmap.internal.RegexSyntax.Char;
import mmap.internal.RegexSyntax.Cls;
import mmap.internal.RegexSyntax.Group;
import mmap.internal.RegexSyntax.Kind;
import mmap.internal.RegexSyntax.Look;
import mmap.internal.RegexSyntax.Node;
import mmap.internal.RegexSyntax.Rep;
import mmap.internal.RegexSyntax.Seq;

/**
 * A deterministic automaton over bytes that decides, one table lookup per byte, which lines a
 * pattern cannot match, so that {@code java.util.regex} runs only on lines that may hold one.
 *
 * <p>It recognises a superset of the lines that hold a match, never fewer: where the pattern
 * uses something the automaton does not model exactly, it assumes the weaker thing. Word
 * boundaries and lookarounds are taken to hold everywhere, back references and {@code \R}-like
 * escapes to match any text, atomic groups and possessive quantifiers to give back as greedy
 * ones do. {@code ^} and {@code $} are modelled as the line's ends where that is what they mean
 * for a line matched on its own (UNIX_LINES, or {@code \A}, {@code \z}); elsewhere they too
 * are taken to hold everywhere. When nothing was assumed ({@link #exact}), the automaton's
 * verdict on a line is the engine's: what {@code find()} on that line alone would answer.
 *
 * <p>Lines are read in one of two ways. Matched alone (grep), a line is the whole input, and
 * the anchors mean what is said above. Within a larger text (the regex scanner, for patterns
 * that cannot match a \n), {@code $}, {@code \Z} and {@code \z} are taken to hold where a
 * line ends and, unless UNIX_LINES, also before a \r, U+0085, U+2028 or U+2029 (Java's other
 * line terminators): where multiline {@code $} may hold, a superset of
 * where any of them does. So {@code (?m)[ \t]+$} rules out lines without trailing blanks.
 * Every other anchor is taken to hold everywhere: the automaton then only rules lines out,
 * and the engine finds the matches on the others.
 *
 * <p>ASCII characters are modelled one by one. Every other character is read as one symbol,
 * "some character past ASCII", which a class or literal matches when it may match any such
 * character: in UTF-8, a well-formed sequence of two or three bytes (of lead byte C2..DF,
 * E1..EC or EE..EF); in Latin-1, any byte from 0x80. Anything else (a NUL, four-byte or
 * malformed UTF-8) leaves its line to the engine. A line with a character past ASCII is never
 * decided as matching, only ruled out. Lines end at \n.
 */
final class LineAutomaton {
    /** Table entry: a match ends here. */
    static final int MATCHED = -1;
    /** Table entry: the line ended without a match; the next line starts in state 0. */
    static final int NEXT_LINE = -2;
    /** Table entry: a byte the automaton does not read; the line is left to the engine. */
    static final int UNREAD = -3;

    /** Verdicts on a line. */
    static final int NO_MATCH = 0, MATCH = 1, UNKNOWN = 2;

    private static final int MAX_NFA_STATES = 1024;
    private static final int MAX_DFA_STATES = 1024;
    /** NFA states visited while building, at most: keeps the build to milliseconds (\w{1,1000}x would take a second). */
    private static final int MAX_BUILD_STEPS = 300_000;

    /** Transitions, 256 per state, indexed by {@code state << 8 | byte}. State 0 starts a line. */
    final int[] table;
    /** Whether a line that ends in state s (at the end of the data, with no \n) holds a match. */
    final boolean[] acceptsAtEnd;

    /** Whether lines it accepts certainly hold a match: nothing in the pattern was approximated. */
    final boolean exact;

    /** Whether a match must end at a line's end ({@code $} and the like are modelled): few lines then pass. */
    final boolean endsAtLineEnds;

    private LineAutomaton(int[] table, boolean[] acceptsAtEnd, boolean exact, boolean endsAtLineEnds) {
        this.table = table;
        this.acceptsAtEnd = acceptsAtEnd;
        this.exact = exact;
        this.endsAtLineEnds = endsAtLineEnds;
    }

    /** Where a scan stands between calls: the state, and where the current line began. */
    static final class Cursor {
        int state;
        long lineStart;

        /** Starts a scan at the line that begins at {@code pos}. */
        void reset(long pos) {
            state = 0;
            lineStart = pos;
        }
    }

    /**
     * Reads {@code buf[from, to)}, which holds the data from offset {@code base + from} on,
     * continuing the scan {@code at}.
     * @return the start of the first candidate line, or -1 when none starts before {@code to}'s
     *         line: then {@code at} holds the state to go on with
     */
    long scan(byte[] buf, int from, int to, long base, Cursor at) {
        int[] t = table;
        int s = at.state;
        for (int i = from; i < to; i++) {
            int next = t[(s << 8) | (buf[i] & 0xFF)];
            if (next >= 0) { s = next; continue; }
            if (next != NEXT_LINE) { at.state = s; return at.lineStart; }
            s = 0;
            at.lineStart = base + i + 1;
        }
        at.state = s;
        return -1;
    }

    /**
     * The start of the first line in [pos, end) of {@code src} that is not ruled out, or -1;
     * the text is read through {@code buf}.
     */
    long nextCandidateLine(Source src, long pos, long end, byte[] buf, Cursor at) {
        at.reset(pos);
        for (long p = pos; p < end; ) {
            int n = (int) Math.min(buf.length, end - p);
            src.copy(p, buf, 0, n);
            long c = scan(buf, 0, n, p, at);
            if (c >= 0) return c;
            p += n;
        }
        return lastLine(end, at);
    }

    /**
     * Judges the line of {@code src} that starts at {@code from} (or the rest of one), reading
     * no further than it must, through {@code buf}.
     * @return the line's end (its \n, or {@code end}) when the line cannot hold a match; when it
     *         may, {@code ~q}, where q is a position on the line that was read to (no \n before it)
     */
    long judgeLine(Source src, long from, long end, byte[] buf) {
        int[] t = table;
        int s = 0;
        int chunk = 256;                  // most lines are short, and most candidates' lines pass early
        for (long p = from; p < end; p += chunk, chunk = Math.min(buf.length, 2 * chunk)) {
            int n = (int) Math.min(chunk, end - p);
            src.copy(p, buf, 0, n);
            for (int i = 0; i < n; i++) {
                int next = t[(s << 8) | (buf[i] & 0xFF)];
                if (next >= 0) { s = next; continue; }
                return next == NEXT_LINE ? p + i : ~(p + i);
            }
        }
        return acceptsAtEnd[s] ? ~end : end;
    }

    /** At the end of the data: the start of the last line when it has no \n and is a candidate, or -1. */
    long lastLine(long end, Cursor at) {
        return at.lineStart < end && acceptsAtEnd[at.state] ? at.lineStart : -1;
    }

    /**
     * What {@code find()} would answer on the line {@code buf[from, to)} (without its \n):
     * {@link #NO_MATCH}, {@link #MATCH} (only when {@link #exact}), or {@link #UNKNOWN}.
     */
    int verdict(byte[] buf, int from, int to) {
        int[] t = table;
        int s = 0, bytes = 0;
        for (int i = from; i < to; i++) {
            bytes |= buf[i];
            int next = t[(s << 8) | (buf[i] & 0xFF)];
            if (next < 0) return next == MATCHED && exact && bytes >= 0 ? MATCH : UNKNOWN;
            s = next;
        }
        return !acceptsAtEnd[s] ? NO_MATCH : exact && bytes >= 0 ? MATCH : UNKNOWN;
    }

    /**
     * The automaton for lines of {@code p}, each matched alone, or null when it would not pay:
     * the pattern matches the empty string at every line start, or the automaton grows too large.
     */
    static LineAutomaton of(Pattern p) {
        return of(p, true, true);
    }

    /**
     * As {@link #of(Pattern)}; with {@code linesAlone} false, for lines of a larger text, whose
     * anchors are then taken to hold anywhere; over UTF-8 text, or Latin-1 when {@code utf8} is false.
     */
    static LineAutomaton of(Pattern p, boolean linesAlone, boolean utf8) {
        String key = linesAlone + "/" + utf8 + "/" + p.flags() + "/" + p.pattern();
        synchronized (CACHE) {
            if (CACHE.containsKey(key)) return CACHE.get(key);
        }
        LineAutomaton a = build(p, linesAlone, utf8);
        synchronized (CACHE) { CACHE.put(key, a); }
        return a;
    }

    private static final Map<String, LineAutomaton> CACHE = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<String, LineAutomaton> e) { return size() > 64; }
    };

    private static LineAutomaton build(Pattern p, boolean linesAlone, boolean utf8) {
        Nfa nfa = new Nfa(linesAlone);
        int start = nfa.add(Nfa.SPLIT_ALL);
        int match = nfa.add(Nfa.MATCH);
        try {
            Node first = null;
            for (int flags : RegexSyntax.compileFlags(p)) {
                Node tree = RegexSyntax.parse(p, flags);
                if (tree == null) return null;
                // Flag sets that read the pattern differently: the automaton is their union.
                if (first == null) first = tree;
                else if (RegexSyntax.same(tree, first)) continue;
                else nfa.approximated = true;
                nfa.branch(start, nfa.compile(tree, match));
            }
            return determinize(nfa, start, utf8);
        } catch (TooLarge | StackOverflowError e) {
            return null;
        }
    }

    private static final class TooLarge extends RuntimeException {
        TooLarge() { super(null, null, false, false); }
    }

    /** A Thompson automaton: states that read one ASCII byte of a set, fork, or assert a line's end. */
    private static final class Nfa {
        static final int READ = 0, SPLIT = 1, SPLIT_ALL = 2, LINE_START = 3, LINE_END = 4, MATCH = 5;
        int[] kind = new int[64], out1 = new int[64], out2 = new int[64];
        long[][] reads = new long[64][];          // for READ: ASCII 0..127, and WIDE, as three words
        List<int[]> forks = new ArrayList<>();    // for SPLIT_ALL: its targets, by out1 index
        int n;
        boolean approximated;     // whether something was assumed rather than modelled
        boolean softEnds;         // whether a LINE_END also holds before \r and characters past ASCII
        int steps;                // work done building, against MAX_BUILD_STEPS
        final boolean linesAlone;

        Nfa(boolean linesAlone) { this.linesAlone = linesAlone; }

        int add(int k) {
            if (n == MAX_NFA_STATES) throw new TooLarge();
            if (n == kind.length) {
                kind = Arrays.copyOf(kind, n * 2);
                out1 = Arrays.copyOf(out1, n * 2);
                out2 = Arrays.copyOf(out2, n * 2);
                reads = Arrays.copyOf(reads, n * 2);
            }
            kind[n] = k;
            out1[n] = out2[n] = -1;
            if (k == SPLIT_ALL) { out1[n] = forks.size(); forks.add(new int[0]); }
            return n++;
        }

        void branch(int splitAll, int target) {
            int[] old = forks.get(out1[splitAll]);
            int[] next = Arrays.copyOf(old, old.length + 1);
            next[old.length] = target;
            forks.set(out1[splitAll], next);
        }

        int read(long[] set, int next) {
            int s = add(READ);
            reads[s] = set;
            out1[s] = next;
            return s;
        }

        int split(int a, int b) {
            int s = add(SPLIT);
            out1[s] = a;
            out2[s] = b;
            return s;
        }

        /** The start of states that match {@code node} and then go on to {@code next}. */
        int compile(Node node, int next) {
            if (node instanceof Char c) {
                // Folding of a non-ASCII character onto ASCII differs between Java's nodes for one
                // character and for a run of them; it is read as one, which may say too much.
                if (c.cp() >= 0x80 && (c.flags() & Pattern.CASE_INSENSITIVE) != 0) approximated = true;
                return read(members(c), next);
            }
            if (node instanceof Cls c) return read(members(CharSets.asciiMembers(c), !c.asciiOnly()), next);
            if (node instanceof Seq s) {
                int at = next;
                for (int i = s.items().size() - 1; i >= 0; i--) at = compile(s.items().get(i), at);
                return at;
            }
            if (node instanceof Alt a) {
                int fork = add(SPLIT_ALL);
                for (Node b : a.branches()) branch(fork, compile(b, next));
                return fork;
            }
            if (node instanceof Group g) {
                approximated |= g.atomic();
                return compile(g.body(), next);
            }
            if (node instanceof Rep r) {
                approximated |= r.possessive();
                return repeat(r, next);
            }
            if (node instanceof Anchor a) return anchor(a, next);
            approximated = true;
            if (node instanceof Look) return next;        // assumed to hold
            // A back reference or an escape like \R: any text, as far as a line goes.
            int loop = add(SPLIT);
            // (Compiled before the store: compiling may grow, and so replace, the arrays.)
            int any = read(new long[]{-1L, -1L, 1L}, loop);
            out1[loop] = any;
            out2[loop] = next;
            return loop;
        }

        private int repeat(Rep r, int next) {
            int at = next;
            if (r.max() < 0) {
                int loop = add(SPLIT);
                int body = compile(r.body(), loop);
                out1[loop] = body;
                out2[loop] = next;
                at = loop;
            } else {
                for (int i = r.max() - r.min(); i > 0; i--) at = split(compile(r.body(), at), next);
            }
            for (int i = r.min(); i > 0; i--) at = compile(r.body(), at);
            return at;
        }

        private int anchor(Anchor a, int next) {
            boolean unixLines = (a.flags() & Pattern.UNIX_LINES) != 0;
            boolean multiline = (a.flags() & Pattern.MULTILINE) != 0;
            if (!linesAlone) return textAnchor(a.kind(), unixLines, multiline, next);
            // Multiline ^ does not hold at the end of the text, so not on an empty line: read as
            // the line's start, it says too much there.
            if (a.kind() == Kind.LINE_START && multiline) approximated = true;
            int k = switch (a.kind()) {
                case TEXT_START -> LINE_START;
                // Multiline ^ also holds after a \r when \r ends lines; that is not modelled.
                case LINE_START -> multiline && !unixLines ? -1 : LINE_START;
                case TEXT_END -> LINE_END;
                // Without UNIX_LINES, $ also holds before a final \r.
                case LINE_END, TEXT_END_BEFORE_TERMINATOR -> unixLines ? LINE_END : -1;
                default -> -1;                // word boundaries and \G: assumed to hold
            };
            if (k < 0) { approximated = true; return next; }
            int s = add(k);
            out1[s] = next;
            return s;
        }

        /** An anchor within a larger text: the ends of the text and multiline $ as a line's end (see the class comment). */
        private int textAnchor(Kind kind, boolean unixLines, boolean multiline, int next) {
            if (kind != Kind.LINE_END && kind != Kind.TEXT_END && kind != Kind.TEXT_END_BEFORE_TERMINATOR) {
                approximated = true;
                return next;
            }
            // Exact only for multiline $ under UNIX_LINES: before each \n and at the end.
            if (!(kind == Kind.LINE_END && multiline && unixLines)) approximated = true;
            softEnds |= !unixLines;
            int s = add(LINE_END);
            out1[s] = next;
            return s;
        }

        /** Each literal character's set, by its case flags and code point: a literal repeats its letters. */
        private static final Map<Long, long[]> CHAR_MEMBERS = new java.util.concurrent.ConcurrentHashMap<>();

        private static long[] members(Char c) {
            int flags = c.flags() & (Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
            return CHAR_MEMBERS.computeIfAbsent(((long) flags << 32) | c.cp(), k -> computeMembers(c, flags));
        }

        private static long[] computeMembers(Char c, int flags) {
            Pattern one = Pattern.compile(Pattern.quote(new String(Character.toChars(c.cp()))), flags);
            boolean[] in = new boolean[128];
            for (int ch = 0; ch < 128; ch++) in[ch] = one.matcher(String.valueOf((char) ch)).matches();
            int[] variants = CharSets.variants(c);
            boolean wide = variants == null;
            if (variants != null) for (int v : variants) wide |= v >= 0x80;
            return members(in, wide);
        }

        private static long[] members(boolean[] in, boolean wide) {
            long[] set = new long[3];
            for (int ch = 0; ch < 128; ch++) if (in[ch]) set[ch >>> 6] |= 1L << (ch & 63);
            if (wide) set[2] = 1;
            return set;
        }

        boolean reads(int state, int b) {
            return (reads[state][b >>> 6] & (1L << (b & 63))) != 0;
        }

        /** Adds to {@code into} every state reachable from {@code s} without reading, given where in the line we are. */
        void close(int s, boolean atLineStart, boolean atLineEnd, BitSet into, ArrayDeque<Integer> stack) {
            stack.push(s);
            while (!stack.isEmpty()) {
                if (++steps > MAX_BUILD_STEPS) throw new TooLarge();
                int x = stack.pop();
                if (into.get(x)) continue;
                into.set(x);
                switch (kind[x]) {
                    case SPLIT -> { stack.push(out1[x]); stack.push(out2[x]); }
                    case SPLIT_ALL -> { for (int y : forks.get(out1[x])) stack.push(y); }
                    case LINE_START -> { if (atLineStart) stack.push(out1[x]); }
                    case LINE_END -> { if (atLineEnd) stack.push(out1[x]); }
                    default -> { }
                }
            }
        }
    }

    /** The symbol for one character past ASCII, after the 128 ASCII ones. */
    private static final int WIDE = 128;

    /**
     * Subset construction. A state is the set of NFA states live after some text of the line,
     * with the pattern's start added back at every character, since a match may start anywhere.
     */
    private static LineAutomaton determinize(Nfa nfa, int start, boolean utf8) {
        ArrayDeque<Integer> stack = new ArrayDeque<>();
        int match = indexOfMatch(nfa);
        // Bytes that every READ state treats alike share one column of work.
        int[] column = new int[WIDE_END + 1];
        List<Integer> representatives = new ArrayList<>();
        Map<BitSet, Integer> signatures = new HashMap<>();
        for (int b = 0; b <= WIDE_END; b++) {
            if (b == 0 || b == '\n') continue;
            BitSet sig = new BitSet();
            for (int s = 0; s < nfa.n; s++) if (nfa.kind[s] == Nfa.READ && nfa.reads(s, read(b))) sig.set(s);
            if (softEnd(nfa, b)) sig.set(nfa.n);     // a column of its own: line ends hold before it
            Integer c = signatures.get(sig);
            if (c == null) { c = representatives.size(); signatures.put(sig, c); representatives.add(b); }
            column[b] = c;
        }

        BitSet restart = new BitSet();
        nfa.close(start, false, false, restart, stack);
        BitSet initial = new BitSet();
        nfa.close(start, true, false, initial, stack);
        if (initial.get(match)) return null;      // every line matches: nothing to rule out
        if (!nfa.linesAlone) {
            // Within a text, a pattern that matches the empty string at a line's end (x*$) has a
            // match on every line, the empty last one after a final \n too.
            BitSet atAnyEnd = new BitSet();
            nfa.close(start, false, true, atAnyEnd, stack);
            if (atAnyEnd.get(match)) return null;
        }

        List<BitSet> states = new ArrayList<>();
        Map<BitSet, Integer> index = new HashMap<>();
        states.add(initial);                       // state 0, kept apart: only it is at a line start
        int[] table = new int[MAX_DFA_STATES << 8];
        List<Boolean> endAccepts = new ArrayList<>();
        List<Integer> afterWide = new ArrayList<>(), afterWideEnd = new ArrayList<>();
        for (int d = 0; d < states.size(); d++) {
            BitSet set = states.get(d);
            BitSet atEnd = new BitSet();
            for (int s = set.nextSetBit(0); s >= 0; s = set.nextSetBit(s + 1)) nfa.close(s, d == 0, true, atEnd, stack);
            endAccepts.add(atEnd.get(match));
            int[] byColumn = new int[representatives.size()];
            for (int c = 0; c < byColumn.length; c++) {
                int b = representatives.get(c);
                BitSet next = (BitSet) restart.clone();
                BitSet from = set;
                if (softEnd(nfa, b)) {
                    from = new BitSet();
                    for (int s = set.nextSetBit(0); s >= 0; s = set.nextSetBit(s + 1)) nfa.close(s, d == 0, true, from, stack);
                    if (from.get(match)) { byColumn[c] = MATCHED; continue; }
                }
                for (int s = from.nextSetBit(0); s >= 0; s = from.nextSetBit(s + 1)) {
                    if (nfa.kind[s] == Nfa.READ && nfa.reads(s, read(b))) nfa.close(nfa.out1[s], false, false, next, stack);
                }
                if (next.get(match)) { byColumn[c] = MATCHED; continue; }
                Integer id = index.get(next);
                if (id == null) {
                    if (states.size() == MAX_DFA_STATES) throw new TooLarge();
                    id = states.size();
                    states.add(next);
                    index.put(next, id);
                }
                byColumn[c] = id;
            }
            int row = d << 8;
            Arrays.fill(table, row, row + 256, UNREAD);     // NUL, and bytes past ASCII until below
            for (int b = 1; b < 128; b++) if (b != '\n') table[row | b] = byColumn[column[b]];
            table[row | '\n'] = atEnd.get(match) ? MATCHED : NEXT_LINE;
            afterWide.add(byColumn[column[WIDE]]);
            afterWideEnd.add(byColumn[column[WIDE_END]]);
        }
        int real = states.size(), total = real;
        // A UTF-8 character past ASCII moves at its lead byte, through states that take its one or
        // two continuation bytes (and nothing else) before the state it leads to.
        Map<Integer, int[]> continuations = new HashMap<>();
        Map<Long, Integer> terminators = new HashMap<>();
        for (int d = 0; d < real; d++) {
            int row = d << 8;
            // Characters that may end a line (U+0085, U+2028, U+2029; byte 0x85 in Latin-1) lead
            // to afterWideEnd, every other one to afterWide.
            int t = afterWide.get(d), te = afterWideEnd.get(d);
            if (!utf8) {
                for (int b = 0x80; b < 0x100; b++) table[row | b] = b == 0x85 ? te : t;
                continue;
            }
            int[] cont = t < 0 ? new int[]{t, t} : continuations.get(t);
            if (cont == null) {
                if (total + 2 > MAX_DFA_STATES) throw new TooLarge();
                cont = new int[]{total, total + 1};       // one, then two, continuation bytes to go
                total += 2;
                continuations.put(t, cont);
                Arrays.fill(table, cont[0] << 8, (cont[0] + 1) << 8, UNREAD);
                Arrays.fill(table, cont[1] << 8, (cont[1] + 1) << 8, UNREAD);
                for (int b = 0x80; b < 0xC0; b++) {
                    table[(cont[0] << 8) | b] = t;
                    table[(cont[1] << 8) | b] = cont[0];
                }
            }
            for (int b = 0xC2; b <= 0xDF; b++) table[row | b] = cont[0];
            for (int b = 0xE1; b <= 0xEF; b++) if (b != 0xED) table[row | b] = cont[1];
            if (te == t) continue;
            // C2 85 (U+0085) and E2 80 A8/A9 (U+2028/9) through states of their own: {after C2,
            // after E2, after E2 80}, each falling back to the ordinary path on other bytes.
            long key = ((long) t << 32) ^ (te & 0xFFFFFFFFL);
            Integer first = terminators.get(key);
            if (first == null) {
                if (total + 3 > MAX_DFA_STATES) throw new TooLarge();
                first = total;
                total += 3;
                terminators.put(key, first);
                int afterC2 = first, afterE2 = first + 1, afterE280 = first + 2;
                for (int x = first; x < total; x++) Arrays.fill(table, x << 8, (x + 1) << 8, UNREAD);
                for (int b = 0x80; b < 0xC0; b++) {
                    table[(afterC2 << 8) | b] = t;
                    table[(afterE2 << 8) | b] = cont[0];
                    table[(afterE280 << 8) | b] = t;
                }
                table[(afterC2 << 8) | 0x85] = te;
                table[(afterE2 << 8) | 0x80] = afterE280;
                table[(afterE280 << 8) | 0xA8] = te;
                table[(afterE280 << 8) | 0xA9] = te;
            }
            table[row | 0xC2] = first;
            table[row | 0xE2] = first + 1;
        }
        boolean[] acceptsAtEnd = new boolean[total];
        Arrays.fill(acceptsAtEnd, true);           // a line cut inside a character: left to the engine
        for (int d = 0; d < real; d++) acceptsAtEnd[d] = endAccepts.get(d);
        boolean lineEnds = false;
        for (int x = 0; x < nfa.n; x++) lineEnds |= nfa.kind[x] == Nfa.LINE_END;
        return new LineAutomaton(Arrays.copyOf(table, total << 8), acceptsAtEnd, !nfa.approximated, lineEnds);
    }

    /**
     * A character past ASCII that may end a line, after {@link #WIDE}: read as WIDE is, but
     * line ends may hold before it.
     */
    private static final int WIDE_END = WIDE + 1;

    /** The symbol the NFA's READ states test for symbol {@code b}. */
    private static int read(int b) {
        return b == WIDE_END ? WIDE : b;
    }

    /** Whether a line end may hold before symbol {@code b} (not only before \n). */
    private static boolean softEnd(Nfa nfa, int b) {
        return nfa.softEnds && (b == '\r' || b == WIDE_END);
    }

    private static int indexOfMatch(Nfa nfa) {
        for (int s = 0; s < nfa.n; s++) if (nfa.kind[s] == Nfa.MATCH) return s;
        throw new IllegalStateException("no match state");
    }
}
