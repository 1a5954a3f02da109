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
