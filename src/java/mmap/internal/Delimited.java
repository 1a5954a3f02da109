package mmap.internal;

import java.util.regex.Pattern;

/**
 * Patterns of the form {@code O(.*?)C} or {@code O[^C]*C} (capturing or not), with O and C
 * single ASCII characters: the shape of the tag-extracting regexes this library exists for.
 * For them a byte scan ({@link DelimitedFinder}) finds exactly what java.util.regex finds: the
 * match runs from an O to the first C after it, and with {@code .*?} (no DOTALL) it fails at a
 * line terminator (\n \r U+0085 U+2028 U+2029, or only \n with UNIX_LINES).
 */
record Delimited(byte open, byte close, boolean capture, boolean stopsAtLineEnd, boolean unixLines) {

    private static final int UNSUPPORTED_FLAGS =
            Pattern.CASE_INSENSITIVE | Pattern.COMMENTS | Pattern.LITERAL | Pattern.CANON_EQ;

    /** The shape of {@code p}, or null when it has another. */
    static Delimited of(Pattern p) {
        if ((p.flags() & UNSUPPORTED_FLAGS) != 0) return null;
        String src = p.pattern();
        int[] pos = {0};
        int open = literalChar(src, pos);
        if (open < 0) return null;
        boolean capture = src.startsWith("(", pos[0]) && !src.startsWith("(?", pos[0]);
        if (capture) pos[0]++;
        boolean lazyDot;
        int classChar = -1;
        if (src.startsWith(".*?", pos[0])) {
            lazyDot = true;
            pos[0] += 3;
        } else if (src.startsWith("[^", pos[0])) {
            pos[0] += 2;
            classChar = literalChar(src, pos);
            if (classChar < 0 || !src.startsWith("]*", pos[0])) return null;
            pos[0] += 2;
            lazyDot = false;
        } else {
            return null;
        }
        if (capture) {
            if (!src.startsWith(")", pos[0])) return null;
            pos[0]++;
        }
        int close = literalChar(src, pos);
        if (close < 0 || pos[0] != src.length()) return null;
        if (!lazyDot && classChar != close) return null;
        boolean dotAll = (p.flags() & Pattern.DOTALL) != 0;
        return new Delimited((byte) open, (byte) close, capture, lazyDot && !dotAll, (p.flags() & Pattern.UNIX_LINES) != 0);
    }

    /** A plain ASCII character at pos (or an escaped punctuation one); -1 otherwise. */
    private static int literalChar(String src, int[] pos) {
        int i = pos[0];
        if (i >= src.length()) return -1;
        char c = src.charAt(i);
        if (c == '\\') {
            if (i + 1 >= src.length()) return -1;
            char n = src.charAt(i + 1);
            if (n >= 0x80 || Character.isLetterOrDigit(n)) return -1;
            pos[0] = i + 2;
            return n;
        }
        if (c >= 0x80 || c < 0x20 || "\\.[]{}()*+?^$|#".indexOf(c) >= 0) return -1;
        if (i + 1 < src.length() && "*+?{".indexOf(src.charAt(i + 1)) >= 0) return -1;
        pos[0] = i + 1;
        return c;
    }
}
