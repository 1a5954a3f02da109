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
}
