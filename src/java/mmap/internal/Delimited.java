package mmap.internal;

import java.util.List;
import java.util.regex.Pattern;

import mmap.internal.RegexSyntax.Char;
import mmap.internal.RegexSyntax.Cls;
import mmap.internal.RegexSyntax.Group;
import mmap.internal.RegexSyntax.Node;
import mmap.internal.RegexSyntax.Rep;
import mmap.internal.RegexSyntax.Seq;

/**
 * Patterns of the form <i>open body close</i>: open and close are runs of plain ASCII
 * characters, and the body (capturing or not) is a class repeated {@code *}, {@code +} or
 * {@code {n,}} (lazily or not), whose members a byte tells: {@code "[^"]*"}, {@code <[^>]+>},
 * {@code "[^"]{20,}"}, {@code <(.*?)>},
 * {@code (?s)/\*.*?\*}{@code /}, {@code <!--.*?-->}, {@code \[\w*\]}. For them a byte scan
 * ({@link DelimitedFinder}) finds exactly what java.util.regex finds:
 * <ul>
 * <li>a lazy body ends at the first close after the open that follows at least its least
 * number of characters, and fails at the first byte before it that is not a member;
 * <li>a greedy body runs over members to the first byte that is not one, and is only taken
 * when the close's first character is not a member: giving back any of the run cannot then
 * help, so the match is the whole run (when it has the least number of characters) and the
 * close right after it, or nothing.
 * </ul>
 * In both, an attempt that fails at a byte fails for every later open whose body starts at or
 * before it: its body is part of the same run, so no longer. A most number of characters
 * ({@code {m,n}}) would break that (a later open's shorter run may fit), so it is not taken.
 * A body may also be a string with escapes, in either of its usual spellings,
 * {@code "(?:[^"\\]|\\.)*"} and {@code "[^"\\]*(?:\\.[^"\\]*)*"}: open and close one
 * character each, members of the class, or an escape character and the character after it (a
 * dot: not a line terminator, unless DOTALL). Parsing it is deterministic (neither the close
 * nor the escape is a member), so it ends at the first close that is not escaped, or fails at
 * an escape with no character after it, or at a byte that is neither.
 * <p>A class qualifies when every character above ASCII is a member of it, or none is: ASCII-only
 * classes ({@code [a-z]}, {@code \w}), negated lists of ASCII characters ({@code [^"\\]}),
 * {@code \S \D \W}, and the dot, whose members above ASCII are all but the line terminators
 * U+0085, U+2028 and U+2029 (which the scan recognises by their bytes).
 *
 * @param open the bytes of the open run
 * @param close the bytes of the close run
 * @param members which ASCII bytes are members of the body's class
 * @param above which characters above ASCII are: {@link #NONE}, {@link #ALL}, or {@link #ALL_BUT_TERMINATORS}
 * @param lazy whether the body repeats lazily
 * @param min the least number of characters (code points) in the body
 * @param capture whether the body is group 1
 * @param escape the escape character of a string body, or -1
 * @param escaped which ASCII characters may follow the escape (when there is one)
 * @param escapedAbove which characters above ASCII may: {@link #ALL} or {@link #ALL_BUT_TERMINATORS}
 */
record Delimited(byte[] open, byte[] close, boolean[] members, int above, boolean lazy, int min, boolean capture,
                 int escape, boolean[] escaped, int escapedAbove) {
    static final int NONE = 0, ALL = 1, ALL_BUT_TERMINATORS = 2;

    /** The shape of {@code p}, or null when it has another (under any flags it may have been compiled with). */
    static Delimited of(Pattern p) {
        Delimited shape = null;
        for (int flags : RegexSyntax.compileFlags(p)) {
            Delimited d = of(RegexSyntax.parse(p, flags));
            if (d == null || (shape != null && !shape.sameAs(d))) return null;
            shape = d;
        }
        return shape;
    }

    private boolean sameAs(Delimited d) {
        return java.util.Arrays.equals(open, d.open) && java.util.Arrays.equals(close, d.close)
                && java.util.Arrays.equals(members, d.members) && above == d.above && lazy == d.lazy && min == d.min && capture == d.capture
                && escape == d.escape && java.util.Arrays.equals(escaped, d.escaped) && escapedAbove == d.escapedAbove;
    }

    private static Delimited of(Node tree) {
        if (!(tree instanceof Seq(List<Node> items))) return null;
        int i = 0, j = items.size();
        StringBuilder open = new StringBuilder(), close = new StringBuilder();
        while (i < j && plain(items.get(i)) >= 0) open.append((char) plain(items.get(i++)));
        while (j > i && plain(items.get(j - 1)) >= 0) close.insert(0, (char) plain(items.get(--j)));
        if (open.isEmpty() || close.isEmpty() || i == j) return null;
        List<Node> body = items.subList(i, j);
        boolean capture = false;
        if (body.size() == 1 && body.get(0) instanceof Group g) {
            if (!g.capturing() || g.atomic()) return null;
            capture = true;
            body = g.body() instanceof Seq(List<Node> inner) ? inner : List.of(g.body());
        }
        if (body.size() == 1 && body.get(0) instanceof Rep r && r.body() instanceof Cls c) return run(open, close, r, c, capture);
        return string(open, close, body, capture);
    }

    /** open, a class repeated, close. */
    private static Delimited run(CharSequence open, CharSequence close, Rep r, Cls c, boolean capture) {
        if (r.max() != -1) return null;
        boolean[] members = new boolean[128];
        int above = classify(c, members);
        if (above < 0) return null;
        // A greedy run must end where the close starts; one that could take the close's first
        // character might give some of itself back, which this scan does not model.
        if (!r.lazy() && members[close.charAt(0)]) return null;
        if (r.lazy() && r.possessive()) return null;
        return new Delimited(ascii(open), ascii(close), members, above, r.lazy(), r.min(), capture, -1, null, NONE);
    }

    /** A string with escapes: {@code (?:X|EY)*} (either order), or {@code X*(?:EYX*)*}. */
    private static Delimited string(CharSequence open, CharSequence close, List<Node> body, boolean capture) {
        if (open.length() != 1 || close.length() != 1) return null;
        Cls plainClass;
        Node escapeChar, escapedClass;
        if (body.size() == 1 && body.get(0) instanceof Rep r && r.min() == 0 && r.max() == -1
                && r.body() instanceof Group g && !g.capturing() && g.body() instanceof RegexSyntax.Alt(List<Node> branches)
                && branches.size() == 2) {
            int e = branches.get(0) instanceof Cls ? 1 : 0;
            if (!(branches.get(1 - e) instanceof Cls c) || !(branches.get(e) instanceof Seq(List<Node> pair)) || pair.size() != 2) return null;
            plainClass = c;
            escapeChar = pair.get(0);
            escapedClass = pair.get(1);
        } else if (body.size() == 2 && body.get(0) instanceof Rep r1 && r1.min() == 0 && r1.max() == -1 && r1.body() instanceof Cls c
                && body.get(1) instanceof Rep r2 && r2.min() == 0 && r2.max() == -1 && r2.body() instanceof Group g && !g.capturing()
                && g.body() instanceof Seq(List<Node> loop) && loop.size() == 3
                && loop.get(2) instanceof Rep r3 && r3.min() == 0 && r3.max() == -1 && c.equals(r3.body())) {
            plainClass = c;
            escapeChar = loop.get(0);
            escapedClass = loop.get(1);
        } else {
            return null;
        }
        int escape = plain(escapeChar);
        if (escape < 0 || !(escapedClass instanceof Cls y) || !y.source().equals(".")) return null;
        boolean[] members = new boolean[128], escaped = new boolean[128];
        int above = classify(plainClass, members), escapedAbove = classify(y, escaped);
        // Deterministic only when neither the close nor the escape is a plain member; and an
        // open that is also the escape would start a body in the middle of an escaped pair.
        if (above < 0 || members[close.charAt(0)] || members[escape] || escape == close.charAt(0) || escape == open.charAt(0)) return null;
        return new Delimited(ascii(open), ascii(close), members, above, false, 0, capture, escape, escaped, escapedAbove);
    }

    private static byte[] ascii(CharSequence s) {
        byte[] b = new byte[s.length()];
        for (int i = 0; i < b.length; i++) b[i] = (byte) s.charAt(i);
        return b;
    }

    /** The ASCII character a node matches when it matches only that one, else -1. */
    private static int plain(Node n) {
        if (!(n instanceof Char c) || c.cp() >= 0x80) return -1;
        int[] v = CharSets.variants(c);
        return v != null && v.length == 1 && v[0] == c.cp() ? c.cp() : -1;
    }

    /**
     * Fills {@code members} with the class's ASCII members and returns what it holds above
     * ASCII ({@link #NONE}, {@link #ALL}, {@link #ALL_BUT_TERMINATORS}), or -1 when a byte
     * cannot tell.
     */
    private static int classify(Cls c, boolean[] members) {
        String src = c.source();
        int flags = c.flags();
        boolean[] ascii = CharSets.asciiMembers(c);
        System.arraycopy(ascii, 0, members, 0, 128);
        if (src.equals(".")) {
            if ((flags & Pattern.DOTALL) != 0) return ALL;
            return (flags & Pattern.UNIX_LINES) != 0 ? ALL : ALL_BUT_TERMINATORS;
        }
        if (c.asciiOnly()) return NONE;
        boolean unicodeClasses = (flags & Pattern.UNICODE_CHARACTER_CLASS) != 0;
        if (!unicodeClasses && (src.equals("\\S") || src.equals("\\D") || src.equals("\\W"))) return ALL;
        // A negated list of ASCII characters takes every character above ASCII, unless case
        // folding could map one of those onto a listed character (the Kelvin sign onto k).
        boolean unicodeFolds = (flags & Pattern.CASE_INSENSITIVE) != 0 && (flags & (Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS)) != 0;
        if (!unicodeFolds && (flags & Pattern.COMMENTS) == 0 && negatedAsciiList(src)) return ALL;
        return -1;
    }

    /** Whether a class is {@code [^...]} listing only ASCII characters and ranges: plain ones, escaped punctuation, \t \n \r \f. */
    private static boolean negatedAsciiList(String src) {
        if (src.length() < 4 || !src.startsWith("[^") || !src.endsWith("]")) return false;
        int end = src.length() - 1;
        for (int i = 2; i < end; i++) {
            char ch = src.charAt(i);
            if (ch >= 0x80 || ch == '[' || ch == ']' || ch == '&') return false;
            if (ch == '\\') {
                if (i + 1 >= end) return false;
                char e = src.charAt(++i);
                if (e >= 0x80 || (Character.isLetterOrDigit(e) && "tnrf".indexOf(e) < 0)) return false;
            }
        }
        return true;
    }
}
