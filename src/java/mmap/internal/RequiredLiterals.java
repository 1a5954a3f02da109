package mmap.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import mmap.internal.RegexSyntax.Alt;
import mmap.internal.RegexSyntax.Anchor;
import mmap.internal.RegexSyntax.Char;
import mmap.internal.RegexSyntax.Cls;
import mmap.internal.RegexSyntax.Group;
import mmap.internal.RegexSyntax.Look;
import mmap.internal.RegexSyntax.Node;
import mmap.internal.RegexSyntax.Rep;
import mmap.internal.RegexSyntax.Seq;

/**
 * Literal strings that every match of a pattern must be, start with, or contain, read from
 * its tree as ripgrep and RE2 read theirs: concatenation multiplies the sets, alternation
 * unites them, a repetition that may be skipped requires nothing, and a lookaround is not part
 * of the match. Every statement is a superset: "every match contains one of these", never the
 * converse; anything not understood yields nothing.
 */
final class RequiredLiterals {
    private RequiredLiterals() {}

    static final int MAX_LITERALS = 32;
    static final int MAX_LENGTH = 64;
    /**
     * An ASCII class of up to this many members is a literal position: {@code [0-9]} or
     * {@code [0-9a-f]} narrows a search, {@code [a-z]} (a byte in three of text) does not.
     */
    static final int MAX_CLASS = 16;
    /**
     * A wider ASCII class, up to this many members ({@code [a-z]}, {@code \w}), is a literal
     * position too, but a <em>wide</em> one: never searched for, and no measure of how rare a
     * literal is, but checked at each candidate. A literal of wide positions alone is of no
     * use. ({@code -{2}[a-z][-a-z]+} over the man pages stopped at each of 79,000 "--" for
     * 1,517 matches.)
     */
    static final int MAX_WIDE_CLASS = 64;

    /** A literal: for each position, the code points that may stand there (a character's case variants). */
    record Lit(int[][] chars) {
        static final Lit EMPTY = new Lit(new int[0][]);

        int length() { return chars.length; }

        /** Whether every position is wide ({@link #MAX_WIDE_CLASS}): true of the empty literal too. */
        boolean allWide() {
            for (int[] pos : chars) if (!widePosition(pos)) return false;
            return true;
        }

        Lit concat(Lit o) {
            int[][] c = Arrays.copyOf(chars, chars.length + o.chars.length);
            System.arraycopy(o.chars, 0, c, chars.length, o.chars.length);
            return new Lit(c);
        }

        @Override public boolean equals(Object o) { return o instanceof Lit l && Arrays.deepEquals(chars, l.chars); }
        @Override public int hashCode() { return Arrays.deepHashCode(chars); }

        @Override public String toString() {
            StringBuilder sb = new StringBuilder();
            for (int[] pos : chars) {
                if (pos.length == 1) sb.appendCodePoint(pos[0]);
                else { sb.append('['); for (int cp : pos) sb.appendCodePoint(cp); sb.append(']'); }
            }
            return sb.toString();
        }
    }

    /** What is known of a node's matches: each is a set of literals, or null when nothing is known. */
    record Facts(List<Lit> exact, List<Lit> prefixes, List<Lit> required) {
        static final Facts NONE = new Facts(null, null, null);
        static final Facts ZERO_WIDTH = new Facts(List.of(Lit.EMPTY), null, null);

        /** The strongest "every match contains one of these" that is known, or null. */
        List<Lit> bestRequired(boolean utf8) {
            List<List<Lit>> options = new ArrayList<>();
            options.add(exact);
            options.add(prefixes);
            options.add(required);
            return best(utf8, options);
        }

        /**
         * "Every match starts with one of these", from exact or prefixes, or null; wide
         * positions alone included, for what comes before them to extend
         * ({@code 0x[0-9a-fA-F]+} starts with "0x" and a hex digit).
         */
        List<Lit> starts() {
            List<Lit> e = nonEmpty(exact);
            return e != null ? e : nonEmpty(prefixes);
        }
    }

    /** The set, unless it is unknown or holds the empty literal. */
    static List<Lit> nonEmpty(List<Lit> set) {
        if (set == null || set.isEmpty()) return null;
        for (Lit l : set) if (l.length() == 0) return null;
        return set;
    }

    /**
     * A set is of use only when each of its literals has a position that is not wide: an empty
     * one is found everywhere, and one of wide positions alone nearly so.
     */
    static List<Lit> usable(List<Lit> set) {
        if (set == null || set.isEmpty()) return null;
        for (Lit l : set) if (l.allWide()) return null;
        return set;
    }

    static Facts of(Node n, boolean utf8) {
        if (n instanceof Char c) {
            int[] v = CharSets.variants(c);
            if (v == null || c.cp() == 0xFFFD || !encodable(v, utf8)) return Facts.NONE;
            return new Facts(List.of(new Lit(new int[][]{v})), null, null);
        }
        if (n instanceof Cls c) {
            if (!c.asciiOnly()) return listedClass(c, utf8);
            boolean[] in = CharSets.asciiMembers(c);
            int count = 0;
            for (boolean b : in) if (b) count++;
            if (count == 0 || count > MAX_WIDE_CLASS) return Facts.NONE;
            int[] members = new int[count];
            for (int ch = 0, k = 0; ch < 128; ch++) if (in[ch]) members[k++] = ch;
            return new Facts(List.of(new Lit(new int[][]{members})), null, null);
        }
        if (n instanceof Look || n instanceof Anchor) return Facts.ZERO_WIDTH;
        if (n instanceof Group g) return of(g.body(), utf8);
        if (n instanceof Rep r) {
            if (r.min() == 0) return Facts.NONE;
            Facts b = of(r.body(), utf8);
            List<Lit> exact = null;
            if (b.exact() != null && r.min() == r.max() && r.min() <= 8) {
                exact = List.of(Lit.EMPTY);
                for (int i = 0; i < r.min() && exact != null; i++) exact = cross(exact, b.exact());
            }
            // Every match starts with min copies of the body (up to 8): \d{3,} starts with three digits.
            List<Lit> starts = b.starts();
            if (b.exact() != null && r.min() > 1) {
                List<Lit> copies = List.of(Lit.EMPTY);
                for (int i = 0; i < Math.min(r.min(), 8) && copies != null; i++) copies = cross(copies, b.exact());
                if (copies != null) starts = copies;
            }
            return new Facts(exact, starts, best(utf8, Arrays.asList(starts, b.bestRequired(utf8))));
        }
        if (n instanceof Alt a) {
            List<Lit> exact = new ArrayList<>(), prefixes = new ArrayList<>(), required = new ArrayList<>();
            for (Node branch : a.branches()) {
                Facts f = of(branch, utf8);
                exact = union(exact, f.exact());
                prefixes = union(prefixes, f.starts());
                required = union(required, f.bestRequired(utf8));
            }
            return new Facts(exact, prefixes, required);
        }
        if (n instanceof Seq s) return ofSequence(s.items(), utf8);
        return Facts.NONE;                       // back references, \R, \X
    }

    /**
     * A class that lists characters past ASCII, all of one encoded length, {@code [äöüß]}: one
     * literal position (its first byte is C3 in UTF-8). A class of mixed lengths, {@code [ßs]},
     * gives nothing: as two literals it would cut the runs of exact items around it.
     */
    private static Facts listedClass(Cls c, boolean utf8) {
        int[] members = CharSets.listedMembers(c, 4 * MAX_CLASS);
        if (members == null) return Facts.NONE;
        for (int cp : members) if (cp == 0xFFFD) return Facts.NONE;
        return encodable(members, utf8) ? new Facts(List.of(new Lit(new int[][]{members})), null, null) : Facts.NONE;
    }

    private static Facts ofSequence(List<Node> items, boolean utf8) {
        List<Facts> fs = new ArrayList<>(items.size());
        for (Node item : items) fs.add(of(item, utf8));
        // Exact: every item exact.
        List<Lit> exact = List.of(Lit.EMPTY);
        for (Facts f : fs) {
            exact = f.exact() == null ? null : cross(exact, f.exact());
            if (exact == null) break;
        }
        // Prefixes: exact items from the start, then the first inexact item's own prefixes.
        List<Lit> prefixes = List.of(Lit.EMPTY);
        for (Facts f : fs) {
            if (f.exact() != null) {
                List<Lit> next = cross(prefixes, f.exact());
                if (next == null) break;
                prefixes = next;
                continue;
            }
            List<Lit> next = f.starts() == null ? null : cross(prefixes, f.starts());
            if (next != null) prefixes = next;
            break;
        }
        // Required: the best of each item's, and of each run of consecutive exact items.
        List<List<Lit>> options = new ArrayList<>();
        for (Facts f : fs) options.add(f.bestRequired(utf8));
        for (Run run : runs(fs)) options.add(run.literals());
        return new Facts(exact, usable(prefixes), best(utf8, options));
    }

    /** A run of consecutive items of a sequence with exact literals: items [from, to), and their product. */
    record Run(int from, int to, List<Lit> literals) {}

    /** The maximal runs of exact items in a sequence (zero-width items join runs). */
    static List<Run> runs(List<Facts> fs) {
        List<Run> out = new ArrayList<>();
        int i = 0;
        while (i < fs.size()) {
            if (fs.get(i).exact() == null) { i++; continue; }
            int start = i;
            List<Lit> acc = List.of(Lit.EMPTY);
            while (i < fs.size() && fs.get(i).exact() != null) {
                List<Lit> next = cross(acc, fs.get(i).exact());
                if (next == null) break;
                acc = next;
                i++;
            }
            if (usable(acc) != null) out.add(new Run(start, i, acc));
            if (i == start) i++;
        }
        return out;
    }

    /** Every literal of {@code a} followed by every literal of {@code b}; null beyond the limits. */
    static List<Lit> cross(List<Lit> a, List<Lit> b) {
        if ((long) a.size() * b.size() > MAX_LITERALS) return null;
        Set<Lit> out = new LinkedHashSet<>();
        for (Lit x : a) for (Lit y : b) {
            if (x.length() + y.length() > MAX_LENGTH) return null;
            out.add(x.concat(y));
        }
        return new ArrayList<>(out);
    }

    /** The union, or null when either is unknown or it grows beyond the limit. */
    private static List<Lit> union(List<Lit> acc, List<Lit> more) {
        if (acc == null || more == null) return null;
        Set<Lit> out = new LinkedHashSet<>(acc);
        out.addAll(more);
        return out.size() > MAX_LITERALS ? null : new ArrayList<>(out);
    }

    private static List<Lit> best(boolean utf8, List<List<Lit>> options) {
        List<Lit> best = null;
        long bestScore = Long.MAX_VALUE;
        for (List<Lit> o : options) {
            if (usable(o) == null) continue;
            long s = choiceScore(o, utf8);
            if (s < bestScore) { bestScore = s; best = o; }
        }
        return best;
    }

    /**
     * How costly a search for the set is, lower being better: the commonness of the rarest byte
     * position of its worst literal, then longer literals before shorter ones.
     */
    static long score(List<Lit> set, boolean utf8) {
        return measure(set, utf8, false);
    }

    /**
     * Which of several literal sets to search for, lower being better: for the worst literal,
     * how often its two rarest positions stand together, as the rank a single byte that common
     * would have (ranks step by a factor of two every 14 places: two positions of ranks r and s
     * together are as common as one of rank r + s - 293); a literal of one byte counts that
     * byte. Then as {@link #score}. By the rarest byte alone, " e)" of
     * {@code catch \((\w+) e\)} beat "catch (" (its ")" ranks one place rarer than "(") and
     * stopped at every "e)". {@link #score} stays the measure of how weak the chosen set is.
     */
    static long choiceScore(List<Lit> set, boolean utf8) {
        return measure(set, utf8, true);
    }

    /** {@link #score}, or with {@code pairs} {@link #choiceScore}. */
    private static long measure(List<Lit> set, boolean utf8, boolean pairs) {
        long worst = 0;
        int shortest = Integer.MAX_VALUE;
        for (Lit l : set) {
            ByteSet[] bytes = encode(l, utf8);
            if (bytes == null) return Long.MAX_VALUE;
            int rarest = Integer.MAX_VALUE, next = Integer.MAX_VALUE;
            for (ByteSet b : bytes) {
                if (wide(b)) continue;
                int cost = b.worstRank() + 4 * (b.size() - 1);
                if (cost < rarest) { next = rarest; rarest = cost; }
                else if (cost < next) next = cost;
            }
            worst = Math.max(worst, !pairs || next == Integer.MAX_VALUE ? rarest : Math.min(rarest, rarest + next - 293));
            shortest = Math.min(shortest, bytes.length);
        }
        return worst * 1000 + set.size() * 10 + Math.max(0, 64 - shortest);
    }

    /**
     * Whether a literal position is a wide one: more than MAX_CLASS characters, all ASCII. A
     * class listing characters past ASCII ({@code [α-ω]}, up to 4 × MAX_CLASS of them) stays an
     * ordinary position: its lead bytes are few.
     */
    static boolean widePosition(int[] codePoints) {
        if (codePoints.length <= MAX_CLASS) return false;
        for (int cp : codePoints) if (cp >= 0x80) return false;
        return true;
    }

    /** Whether a byte position of an encoded literal is a wide one ({@link #MAX_WIDE_CLASS}): only those hold more than MAX_CLASS ASCII bytes. */
    static boolean wide(ByteSet b) {
        if (b.size() <= MAX_CLASS) return false;
        for (int m : b.members()) if (m >= 0x80) return false;
        return true;
    }

    /** Whether each variant has an encoding, all of one length (so that the literal has a fixed byte shape). */
    private static boolean encodable(int[] variants, boolean utf8) {
        int len = -1;
        for (int cp : variants) {
            int l = utf8 ? utf8Length(cp) : (cp <= 0xFF ? 1 : -1);
            if (l < 0 || (len >= 0 && l != len)) return false;
            len = l;
        }
        return true;
    }

    private static int utf8Length(int cp) {
        if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) return -1;
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    /** The literal as bytes: for each byte position, the bytes the variants put there; null if not encodable. */
    static ByteSet[] encode(Lit l, boolean utf8) {
        List<ByteSet> out = new ArrayList<>();
        for (int[] variants : l.chars()) {
            if (!encodable(variants, utf8)) return null;
            byte[][] enc = new byte[variants.length][];
            for (int i = 0; i < variants.length; i++) {
                String s = new String(Character.toChars(variants[i]));
                enc[i] = s.getBytes(utf8 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            }
            for (int k = 0; k < enc[0].length; k++) {
                ByteSet at = new ByteSet();
                for (byte[] e : enc) at.add(e[k]);
                out.add(at);
            }
        }
        return out.toArray(ByteSet[]::new);
    }
}
