package mmap;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** The literal text that every match of a pattern must start with, found by reading the pattern's source. */
public final class Literals {
    private Literals() {}

    private static final String META = "\\.[]{}()*+?^$|";

    /**
     * The bytes every match begins with, encoded as UTF-8 (or Latin-1 when {@code utf8} is
     * false), or null when no such prefix is certain: with case-insensitive, comments or
     * canonical-equivalence flags, a top-level alternation, or a pattern that starts with
     * anything but plain characters.
     */
    public static byte[] requiredPrefix(Pattern p, boolean utf8) {
        int flags = p.flags();
        if ((flags & (Pattern.CASE_INSENSITIVE | Pattern.COMMENTS | Pattern.CANON_EQ)) != 0) return null;
        String src = p.pattern();
        String prefix;
        if ((flags & Pattern.LITERAL) != 0) {
            prefix = src;
        } else {
            if (src.contains("\\Q") || hasTopLevelAlternation(src)) return null;
            prefix = leadingLiteral(src);
        }
        if (prefix.isEmpty()) return null;
        if (utf8) return prefix.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < prefix.length(); i++) if (prefix.charAt(i) > 0xFF) return null;
        return prefix.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String leadingLiteral(String src) {
        StringBuilder run = new StringBuilder();
        int i = 0;
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == '\\') {
                if (i + 1 >= src.length()) break;
                char n = src.charAt(i + 1);
                if (Character.isLetterOrDigit(n)) break;   // \d, \b, \n, \1 ...: not a plain char
                run.append(n);
                i += 2;
            } else if (META.indexOf(c) >= 0) {
                break;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 >= src.length()) break;
                run.append(c).append(src.charAt(i + 1));
                i += 2;
                if (quantified(src, i)) { run.setLength(run.length() - 2); return run.toString(); }
                continue;
            } else {
                run.append(c);
                i++;
            }
            if (quantified(src, i)) { run.setLength(run.length() - 1); return run.toString(); }
        }
        return run.toString();
    }

    /** Whether a quantifier that may repeat zero times (or a lazy/possessive form of one) follows. */
    private static boolean quantified(String src, int i) {
        if (i >= src.length()) return false;
        char q = src.charAt(i);
        return q == '?' || q == '*' || q == '{' || q == '+';
    }

    static boolean hasTopLevelAlternation(String src) {
        int depth = 0;
        boolean inClass = false;
        for (int i = 0; i < src.length(); i++) {
            char c = src.charAt(i);
            if (c == '\\') { i++; continue; }
            if (inClass) { if (c == ']') inClass = false; continue; }
            if (c == '[') { inClass = true; if (i + 1 < src.length() && src.charAt(i + 1) == ']') i++; continue; }
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == '|' && depth == 0) return true;
        }
        return false;
    }

    /**
     * Whether no part of the pattern can match a newline, so that every match attempt stays
     * within its line (looking at most a few chars past its end, for {@code $} and {@code \b}).
     * Read conservatively from the source: DOTALL or COMMENTS, negated classes, {@code \s},
     * {@code \D}, {@code \W}, {@code \p{..}}, numeric escapes and the like all answer false.
     */
    public static boolean lineConfined(Pattern p) {
        if ((p.flags() & (Pattern.DOTALL | Pattern.COMMENTS | Pattern.LITERAL | Pattern.CANON_EQ)) != 0) return false;
        String src = p.pattern();
        for (int i = 0; i < src.length(); i++) {
            char c = src.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') return false;
            if (c == '\\') {
                if (i + 1 >= src.length()) return false;
                char n = src.charAt(++i);
                if ("dwSbBAzZh".indexOf(n) >= 0) continue;             // none of these consumes a newline (\G is out: it ties a match to the last one)
                if ("tfa".indexOf(n) >= 0) continue;                    // tab, form feed, bell
                if (Character.isLetterOrDigit(n)) return false;         // \s \D \W \n \x.. \p{..} \1 \Q ...
                continue;                                               // escaped punctuation
            }
            if (c == '[') {
                if (i + 1 < src.length() && src.charAt(i + 1) == '^') return false;
                // A class is safe when it holds only plain characters, ranges above newline, and safe escapes.
                int j = i + 1;
                if (j < src.length() && src.charAt(j) == ']') j++;
                for (; j < src.length() && src.charAt(j) != ']'; j++) {
                    char k = src.charAt(j);
                    if (k == '[' || k == '&') return false;             // nested classes, intersections
                    if (k == '\n' || k == '\r' || k < 0x20 || k == '\u0085' || k == '\u2028' || k == '\u2029') return false;
                    if (k == '\\') {
                        if (j + 1 >= src.length()) return false;
                        char n = src.charAt(++j);
                        if ("dwSh".indexOf(n) >= 0 || "tfa".indexOf(n) >= 0) continue;
                        if (Character.isLetterOrDigit(n)) return false;
                        continue;
                    }
                    if (k == '-' && j > i + 1 && j + 1 < src.length() && src.charAt(j + 1) != ']') {
                        char lo = src.charAt(j - 1);
                        if (lo <= '\n') return false;                   // a range from below newline
                    }
                }
                if (j >= src.length()) return false;
                i = j;
                continue;
            }
            if (c == '(' && i + 2 < src.length() && src.charAt(i + 1) == '?') {
                // Inline flags may turn on DOTALL (s) or COMMENTS (x).
                int j = i + 2;
                while (j < src.length() && (Character.isLetter(src.charAt(j)) || src.charAt(j) == '-')) {
                    char f = src.charAt(j);
                    if (f == 's' || f == 'x') return false;
                    j++;
                }
            }
        }
        return true;
    }
}
