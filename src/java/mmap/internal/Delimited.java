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
 * characters, and the body (capturing or not) is a class repeated {@code *} or {@code +},
 * whose members a byte tells: {@code "[^"]*"}, {@code <[^>]+>}, {@code <(.*?)>},
 * {@code (?s)/\*.*?\*}{@code /}, {@code <!--.*?-->}, {@code \[\w*\]}. For them a byte scan
 * ({@link DelimitedFinder}) finds exactly what java.util.regex finds:
 * <ul>
 * <li>a lazy body ends at the first close after the open (and after the body's one character
 * with {@code +?}), and fails at the first byte before it that is not a member;
 * <li>a greedy body runs over members to the first byte that is not one, and is only taken
 * when the close's first character is not a member: giving back any of the run cannot then
 * help, so the match is the whole run and the close right after it, or nothing.
 * </ul>
 * A class qualifies when every character above ASCII is a member of it, or none is: ASCII-only
 * classes ({@code [a-z]}, {@code \w}), negated lists of ASCII characters ({@code [^"\\]}),
 * {@code \S \D \W}, and the dot, whose members above ASCII are all but the line terminators
 * U+0085, U+2028 and U+2029 (which the scan recognises by their bytes).
 *
 * @param open the bytes of the open run
 * @param close the bytes of the close run
 * @param members which ASCII bytes are members of the body's class
 * @param above which characters above ASCII are: {@link #NONE}, {@link #ALL}, or {@link #ALL_BUT_TERMINATORS}
 * @param lazy whether the body repeats lazily
 * @param min the least number of characters in the body: 0 or 1
 * @param capture whether the body is group 1
 */
record Delimited(byte[] open, byte[] close, boolean[] members, int above, boolean lazy, int min, boolean capture) {
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
                && java.util.Arrays.equals(members, d.members) && above == d.above && lazy == d.lazy && min == d.min && capture == d.capture;
    }

    private static Delimited of(Node tree) {
        if (!(tree instanceof Seq(List<Node> items))) return null;
        int i = 0;
        StringBuilder open = new StringBuilder(), close = new StringBuilder();
        while (i < items.size() && plain(items.get(i)) >= 0) open.append((char) plain(items.get(i++)));
        if (open.isEmpty() || i >= items.size()) return null;
        Node body = items.get(i++);
        boolean capture = false;
        if (body instanceof Group g) {
            if (!g.capturing() || g.atomic()) return null;
            capture = true;
            body = g.body();
        }
        while (i < items.size() && plain(items.get(i)) >= 0) close.append((char) plain(items.get(i++)));
        if (close.isEmpty() || i != items.size()) return null;
        if (!(body instanceof Rep r) || r.max() != -1 || r.min() > 1 || !(r.body() instanceof Cls c)) return null;
        boolean[] members = new boolean[128];
        int above = classify(c, members);
        if (above < 0) return null;
        // A greedy run must end where the close starts; one that could take the close's first
        // character might give some of itself back, which this scan does not model.
        if (!r.lazy() && members[close.charAt(0)]) return null;
        if (r.lazy() && r.possessive()) return null;
        return new Delimited(ascii(open), ascii(close), members, above, r.lazy(), r.min(), capture);
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
