package mmap.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import mmap.internal.RegexSyntax.Char;
import mmap.internal.RegexSyntax.Cls;
import mmap.internal.RegexSyntax.Group;
import mmap.internal.RegexSyntax.Node;
import mmap.internal.RegexSyntax.Rep;

/**
 * What must stand right before the literal of a BOUNDED plan, when that is a sequence of ASCII
 * classes, each taken some number of times ({@code \w+\s*\(\s*\)\s*} before the "{" of
 * {@code \w+\s*\(\s*\)\s*\{}). Read backward from a candidate, it tells whether any start can
 * lead up to it; where none can, the engine is not asked at each start the run before the
 * candidate allows (most "{" of Java sources follow "else", "try", "= " or "x) ").
 *
 * <p>The classes are read as sets of bytes, greediness, laziness and atomic groups ignored: a
 * superset of what the pattern accepts there, so a candidate it rules out has no match.
 */
final class BackCheck {
    private final boolean[][] members;   // per item, its ASCII members
    private final int[] mins, caps;      // least count, and the count that still matters (the most, or the least when unbounded)
    private final boolean[] unbounded;
    private final int[] firstState;      // per item, the index of its state "none taken yet"
    private final int states;

    /**
     * Bytes a check reads back at most: most candidates are settled within a few bytes (a
     * word before "(" is found at once, "else" before "{" fails at its "e"), and copying the
     * whole run before each one (words and blanks back to the previous line) cost more than
     * it saved for {@code (\w+)\s*\(}.
     */
    static final int MAX_READ = 64;

    private BackCheck(List<boolean[]> members, List<int[]> counts) {
        int n = members.size();
        this.members = members.toArray(boolean[][]::new);
        mins = new int[n];
        caps = new int[n];
        unbounded = new boolean[n];
        firstState = new int[n];
        int s = 0;
        for (int k = 0; k < n; k++) {
            int min = counts.get(k)[0], max = counts.get(k)[1];
            mins[k] = min;
            unbounded[k] = max < 0;
            caps[k] = max < 0 ? min : max;
            firstState[k] = s;
            s += caps[k] + 1;
        }
        states = s;
    }

    /**
     * The check for {@code items} in sequence, or null when one of them is not an ASCII-only
     * class or character, or a repetition of one (groups are looked through), or when the
     * counts would need more than 64 states.
     */
    static BackCheck of(List<Node> items) {
        if (items.isEmpty()) return null;
        List<boolean[]> members = new ArrayList<>();
        List<int[]> counts = new ArrayList<>();
        int states = 0;
        for (Node item : items) {
            Node n = unwrap(item);
            int min = 1, max = 1;
            if (n instanceof Rep r) {
                min = r.min();
                max = r.max();
                n = unwrap(r.body());
            }
            boolean[] in = asciiMembers(n);
            if (in == null || min > 64 || max > 64) return null;
            members.add(in);
            counts.add(new int[]{min, max});
            states += (max < 0 ? min : max) + 1;
            if (states > 64) return null;
        }
        return new BackCheck(members, counts);
    }

    private static Node unwrap(Node n) {
        while (n instanceof Group g) n = g.body();
        return n;
    }

    private static boolean[] asciiMembers(Node n) {
        if (n instanceof Cls c) return c.asciiOnly() ? CharSets.asciiMembers(c) : null;
        if (n instanceof Char c) {
            int[] v = CharSets.variants(c);
            if (v == null) return null;
            boolean[] in = new boolean[128];
            for (int cp : v) {
                if (cp >= 0x80) return null;
                in[cp] = true;
            }
            return in;
        }
        return null;
    }

    /**
     * Whether some p in [from, to] has bytes [p, to) of {@code text} in the sequence: an NFA
     * run backward from {@code to}, each state an item and how many of it were taken. With
     * {@code more} (the bytes before {@code from} were not read), an NFA still running at
     * {@code from} answers yes.
     */
    boolean anyStart(byte[] text, int from, int to, boolean more) {
        long live = close(1L << stateOf(members.length - 1, 0));
        for (int q = to; ; q--) {
            if (accepts(live)) return true;
            if (live == 0) return false;
            if (q == from) return more;
            int b = text[q - 1] & 0xFF;
            long next = 0;
            for (int k = 0; k < members.length; k++) {
                if (b >= 0x80 || !members[k][b]) continue;
                for (int n = 0; n <= caps[k]; n++) {
                    if ((live & (1L << stateOf(k, n))) == 0) continue;
                    if (n < caps[k]) next |= 1L << stateOf(k, n + 1);
                    else if (unbounded[k]) next |= 1L << stateOf(k, n);
                }
            }
            live = close(next);
        }
    }

    private int stateOf(int k, int n) {
        return firstState[k] + n;
    }

    /** Adds, for each item taken at least its least count, the state "none taken yet" of the item before it. */
    private long close(long set) {
        for (int k = members.length - 1; k > 0; k--) {
            for (int n = mins[k]; n <= caps[k]; n++) {
                if ((set & (1L << stateOf(k, n))) != 0) {
                    set |= 1L << stateOf(k - 1, 0);
                    break;
                }
            }
        }
        return set;
    }

    /** Whether the first item has been taken at least its least count (so every item has). */
    private boolean accepts(long set) {
        for (int n = mins[0]; n <= caps[0]; n++) if ((set & (1L << stateOf(0, n))) != 0) return true;
        return false;
    }

    @Override public boolean equals(Object o) {
        return o instanceof BackCheck b && Arrays.deepEquals(members, b.members) && Arrays.equals(mins, b.mins)
                && Arrays.equals(caps, b.caps) && Arrays.equals(unbounded, b.unbounded);
    }

    @Override public int hashCode() {
        return Arrays.deepHashCode(members) * 31 + Arrays.hashCode(mins);
    }
}
