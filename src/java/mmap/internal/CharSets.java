package mmap.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * What characters a node of {@link RegexSyntax} matches, asked of {@link Pattern} itself
 * wherever possible, so that the analysers never re-derive Java's rules for classes.
 */
final class CharSets {
    private CharSets() {}

    private static final Map<String, boolean[]> ASCII_MEMBERS = new ConcurrentHashMap<>();

    /**
     * Which ASCII characters (0..127) a class matches: its source is compiled with the flags in
     * force where it stood, and tried on each of them.
     */
    static boolean[] asciiMembers(RegexSyntax.Cls c) {
        int flags = c.flags() & ~(Pattern.MULTILINE | Pattern.LITERAL | Pattern.CANON_EQ);
        return ASCII_MEMBERS.computeIfAbsent(flags + ":" + c.source(), k -> {
            Pattern p = Pattern.compile(c.source(), flags);
            boolean[] in = new boolean[128];
            for (int ch = 0; ch < 128; ch++) in[ch] = p.matcher(String.valueOf((char) ch)).matches();
            return in;
        });
    }

    /**
     * Every code point a bracket class of listed characters matches, such as {@code [äöüß]},
     * {@code [éèê]} or {@code [α-ω]}, with each one's case variants where the class ignores
     * case; or null for any class this does not read (negation, intersection, nested classes,
     * properties and escapes such as {@code \w}, a range under case folding) or of more than
     * {@code max} members. A superset is safe where this is used; each member is also
     * confirmed with the engine.
     */
    static int[] listedMembers(RegexSyntax.Cls c, int max) {
        String src = c.source();
        if (src.length() < 3 || src.charAt(0) != '[' || src.charAt(src.length() - 1) != ']' || src.charAt(1) == '^') return null;
        boolean folds = (c.flags() & Pattern.CASE_INSENSITIVE) != 0;
        // Under (?x) a # may open a comment inside a class.
        if ((c.flags() & Pattern.COMMENTS) != 0 && src.indexOf('#') >= 0) return null;
        java.util.TreeSet<Integer> members = new java.util.TreeSet<>();
        int i = 1, end = src.length() - 1;
        while (i < end) {
            int[] lo = listedChar(src, i, end);
            if (lo == null) return null;
            i = lo[1];
            int hi = lo[0];
            if (i + 1 < end && src.charAt(i) == '-') {
                int[] h = listedChar(src, i + 1, end);
                if (h == null || folds || h[0] < lo[0]) return null;
                hi = h[0];
                i = h[1];
            }
            if ((long) hi - lo[0] + members.size() >= max) return null;
            for (int cp = lo[0]; cp <= hi; cp++) {
                int[] v = variants(new RegexSyntax.Char(cp, c.flags()));
                if (v == null) return null;
                for (int x : v) members.add(x);
            }
        }
        if (members.isEmpty() || members.size() > max) return null;
        Pattern p = Pattern.compile(src, c.flags() & ~(Pattern.MULTILINE | Pattern.LITERAL | Pattern.CANON_EQ));
        for (int cp : members) if (!p.matcher(new String(Character.toChars(cp))).matches()) return null;
        return members.stream().mapToInt(Integer::intValue).toArray();
    }

    /** {code point, next index} of one listed character of a class at {@code i}: a plain one, a four-digit u escape, {@code \x{..}} or an escaped punctuation mark. */
    private static int[] listedChar(String src, int i, int end) {
        char ch = src.charAt(i);
        if (ch == '[' || ch == ']' || ch == '&' || Character.isWhitespace(ch)) return null;
        if (ch != '\\') {
            int cp = src.codePointAt(i);
            return new int[]{cp, i + Character.charCount(cp)};
        }
        if (i + 1 >= end) return null;
        char e = src.charAt(i + 1);
        if (e == 'u' && i + 6 <= end) {
            try {
                return new int[]{Integer.parseInt(src.substring(i + 2, i + 6), 16), i + 6};
            } catch (NumberFormatException x) {
                return null;
            }
        }
        if (e == 'x' && i + 2 < end && src.charAt(i + 2) == '{') {
            int close = src.indexOf('}', i + 3);
            if (close < 0 || close >= end) return null;
            try {
                return new int[]{Integer.parseInt(src.substring(i + 3, close), 16), close + 1};
            } catch (NumberFormatException x) {
                return null;
            }
        }
        return e < 0x80 && !Character.isLetterOrDigit(e) ? new int[]{e, i + 2} : null;
    }

    /** The code points one literal character matches under its flags (its case variants), in order. */
    static int[] variants(RegexSyntax.Char c) {
        int cp = c.cp();
        int flags = c.flags();
        if ((flags & Pattern.CASE_INSENSITIVE) == 0) return new int[]{cp};
        if ((flags & Pattern.UNICODE_CASE) == 0) {
            // Pattern.SingleI: ASCII letters only.
            if (cp < 0x80 && Character.isLetter(cp)) {
                int lower = Character.toLowerCase(cp), upper = Character.toUpperCase(cp);
                return lower == upper ? new int[]{cp} : new int[]{upper, lower};
            }
            return new int[]{cp};
        }
        // Pattern.SingleU / SliceU: x matches when toLowerCase(toUpperCase(x)) is the pattern char's fold.
        int upper = Character.toUpperCase(cp);
        int lower = Character.toLowerCase(upper);
        if (upper == lower) return new int[]{cp};
        List<Integer> out = new ArrayList<>();
        out.add(lower);
        int[] others = UnicodeFolds.MAP.get(lower);
        if (others != null) for (int o : others) if (o != lower) out.add(o);
        int[] r = out.stream().mapToInt(Integer::intValue).distinct().sorted().toArray();
        // Confirm each with the engine itself; a variant Pattern disagrees on means the rule above is not Java's.
        Pattern p = Pattern.compile(Pattern.quote(new String(Character.toChars(cp))), flags & (Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
        for (int v : r) if (!p.matcher(new String(Character.toChars(v))).matches()) return null;
        return r;
    }

    /** Every code point by its fold toLowerCase(toUpperCase(x)), where that differs from x; built once, when first needed. */
    private static final class UnicodeFolds {
        static final Map<Integer, int[]> MAP = build();

        private static Map<Integer, int[]> build() {
            Map<Integer, int[]> m = new HashMap<>();
            for (int x = 0; x <= Character.MAX_CODE_POINT; x++) {
                if (!Character.isDefined(x)) continue;
                int fold = Character.toLowerCase(Character.toUpperCase(x));
                if (fold == x) continue;
                int[] prev = m.get(fold);
                int[] next = prev == null ? new int[1] : Arrays.copyOf(prev, prev.length + 1);
                next[next.length - 1] = x;
                m.put(fold, next);
            }
            return m;
        }
    }
}
