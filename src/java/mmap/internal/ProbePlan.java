package mmap.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link Prefilter} searches for, chosen once per pattern (it costs far more than a
 * search of a small chunk): for literals, each one's rarest position ({@link ByteFrequency})
 * and, where it pays, a pair of positions searched for together; or a set of bytes.
 * Immutable, so every scan of the pattern shares it.
 */
final class ProbePlan {
    final ByteSet[][] literals;   // null: byte-set mode
    final int[] probeAt;          // each literal's probe position
    final int[][] byProbeByte;    // for each byte value, the literals whose probe set holds it
    final int minK, maxK;
    final ByteClassSearch probes;
    // Two positions of every literal, the same distance apart, are searched for together: a
    // byte of pairFirst with a byte of pairSecond pairDistance later. One literal may use any
    // two positions within PAIR_SPAN; several use positions within the shortest literal.
    private static final int PAIR_SPAN = 64;
    private static final int MAX_PAIR_DISTANCE = 16;
    final ByteClassSearch pairFirst, pairSecond;   // null: no pair
    final ByteClassSearch.Pairs pairs;  // each literal's own pair, when a few literals have one-test pairs; else null
    final int[] pairAts;          // each literal's first position of the pair
    final int pairDistance, maxPairAt;
    // A lone literal with a third one-test position after the pair's first is searched for as
    // a triple under SIMD: its byte, thirdDistance after the first, must stand too. Two bytes of a
    // literal are often a common bigram ("in" of "int": 1.65 million times in the JDK's
    // sources); three together stop the search mostly where the literal is (309,000).
    final ByteClassSearch pairThird;   // null: no third
    final int thirdDistance;           // of pairThird from the pair's first; 0 without one
    /** How far past a candidate the search reads: the pair's distance, or a third's (lone or own triples) when further. */
    final int pairReach;

    /** Bytes whose positions are chosen last, or null (see {@link #avoiding}). */
    private final ByteSet avoid;

    private ProbePlan(List<ByteSet[]> lits, ByteSet bytes) {
        this(lits, bytes, null);
    }

    private ProbePlan(List<ByteSet[]> lits, ByteSet bytes, ByteSet avoid) {
        this.avoid = avoid;
        if (lits == null) {
            literals = null;
            probeAt = null;
            byProbeByte = null;
            minK = maxK = 0;
            probes = new ByteClassSearch(bytes);
        } else {
            literals = lits.toArray(ByteSet[][]::new);
            probeAt = new int[literals.length];
            ByteSet union = new ByteSet();
            int lo = Integer.MAX_VALUE, hi = 0;
            List<List<Integer>> by = new ArrayList<>();
            for (int b = 0; b < 256; b++) by.add(new ArrayList<>());
            for (int i = 0; i < literals.length; i++) {
                int k = rarest(literals[i]);
                probeAt[i] = k;
                union.addAll(literals[i][k]);
                for (int b : literals[i][k].members()) by.get(b).add(i);
                lo = Math.min(lo, k);
                hi = Math.max(hi, k);
            }
            byProbeByte = new int[256][];
            // Loops, not 256 streams: those were enough to have a one-shot grep compile the stream classes.
            for (int b = 0; b < 256; b++) {
                List<Integer> is = by.get(b);
                int[] a = new int[is.size()];
                for (int j = 0; j < a.length; j++) a[j] = is.get(j);
                byProbeByte[b] = a;
            }
            minK = lo;
            maxK = hi;
            probes = new ByteClassSearch(union);
        }
        boolean few = literals != null && literals.length >= 2 && literals.length <= ByteClassSearch.Pairs.MAX;
        // {d, e, a...}: each literal's own triple at shared distances (SIMD only, as below), else its own pair
        int[] triples = few && ByteSearch.VECTOR ? ownTriples(literals) : null;
        int[] own = triples != null ? pairsOf(triples) : few ? ownPairs(literals) : null;
        int[] pair = own != null ? own : literals == null ? null : literals.length == 1 ? rarestPair(literals[0]) : sharedPair(literals);
        // SIMD only: in SWAR the third test costs more than the stops it saves (measured
        // slower for (?i)timeout, the same for \bint\b, on the JDK sources).
        int third = pair != null && literals.length == 1 && ByteSearch.VECTOR ? thirdPosition(literals[0], pair[1], pair[1] + pair[0]) : -1;
        if (third >= 0 && third < pair[1]) {
            // The third stands before the pair: the triple starts there, the pair's first second.
            int a = pair[1], b = pair[1] + pair[0];
            pair = new int[]{a - third, third};
            third = b;
        }
        if (pair == null) {
            pairFirst = pairSecond = null;
            pairs = null;
            pairAts = null;
            pairDistance = maxPairAt = 0;
            pairThird = null;
            thirdDistance = 0;
            pairReach = 0;
        } else {
            pairDistance = pair[0];
            pairAts = java.util.Arrays.copyOfRange(pair, 1, pair.length);
            ByteSet first = new ByteSet(), second = new ByteSet();
            int most = 0;
            for (int i = 0; i < literals.length; i++) {
                first.addAll(literals[i][pairAts[i]]);
                second.addAll(literals[i][pairAts[i] + pairDistance]);
                most = Math.max(most, pairAts[i]);
            }
            pairFirst = new ByteClassSearch(first);
            pairSecond = new ByteClassSearch(second);
            maxPairAt = most;
            if (own == null) {
                pairs = null;
            } else {
                int e = triples == null ? 0 : triples[1];
                ByteSet[] xs = new ByteSet[literals.length], ys = new ByteSet[literals.length], zs = new ByteSet[literals.length];
                for (int i = 0; i < literals.length; i++) {
                    xs[i] = literals[i][pairAts[i]];
                    ys[i] = literals[i][pairAts[i] + pairDistance];
                    zs[i] = triples == null ? null : literals[i][pairAts[i] + e];
                }
                pairs = ByteClassSearch.Pairs.of(xs, ys, pairDistance, triples == null ? null : zs, e);
            }
            pairThird = third < 0 ? null : new ByteClassSearch(literals[0][third]);
            thirdDistance = third < 0 ? 0 : third - pairAts[0];
            pairReach = Math.max(pairDistance, Math.max(thirdDistance, pairs == null ? 0 : pairs.e));
        }
    }

    /**
     * The rarest position other than {@code a} and {@code b} (a &lt; b), before or after them
     * with all three within PAIR_SPAN, whose set is one EQ or FOLD test, when {@code a} and
     * {@code b} are such tests too; else -1. Before them counts too: the pair of ".length()"
     * is its rarest bytes "()", a bigram that stands nearly everywhere in Java, and the rarest
     * third byte, "g", stands before it.
     */
    private int thirdPosition(ByteSet[] lit, int a, int b) {
        if (!oneTest(lit[a]) || !oneTest(lit[b])) return -1;
        int best = -1;
        for (int c = Math.max(0, b - PAIR_SPAN); c < Math.min(lit.length, a + PAIR_SPAN + 1); c++) {
            if (c != a && c != b && oneTest(lit[c]) && (best < 0 || cost(lit[c]) < cost(lit[best]))) best = c;
        }
        return best;
    }

    /** Candidates are the starts of occurrences of any of {@code literals}. */
    static ProbePlan ofLiterals(List<ByteSet[]> literals) {
        return new ProbePlan(literals, null);
    }

    /** Candidates are the positions of the bytes in {@code bytes}. */
    static ProbePlan ofBytes(ByteSet bytes) {
        return new ProbePlan(null, bytes);
    }

    /** The position whose byte set is rarest in text, counting a set by its commonest byte and its size. */
    private int rarest(ByteSet[] lit) {
        int best = 0, bestCost = Integer.MAX_VALUE;
        for (int i = 0; i < lit.length; i++) {
            int cost = cost(lit[i]);
            if (cost < bestCost) { bestCost = cost; best = i; }
        }
        return best;
    }

    /**
     * The positions {@code [a, b]} (a < b) of the literal's two rarest bytes that lie within
     * PAIR_SPAN of each other and are each a single test ({@link #singleTest}), or null.
     */
    private int[] rarestPair(ByteSet[] lit) {
        int[] ab = rarestPositions(lit);
        return ab == null ? null : new int[]{ab[1] - ab[0], ab[0]};
    }

    /** A set's share of typical text, estimated from its bytes' ranks. */
    static double share(ByteSet set) {
        double p = 0;
        for (int b : set.members()) p += 0.15 * Math.pow(2, (ByteFrequency.rank(b) - 255) / 14.0);
        return p;
    }

    /**
     * For several literals: {distance d, then each literal's first position a} such that the
     * union of the bytes at the a's, with the union at a + d, is rarest; or null when the
     * unions cannot be searched as a few tests, or a literal is a single byte.
     */
    private int[] sharedPair(ByteSet[][] lits) {
        int shortest = Integer.MAX_VALUE;
        for (ByteSet[] l : lits) shortest = Math.min(shortest, l.length);
        if (shortest < 2) return null;
        int[] best = null;
        double bestCost = Double.MAX_VALUE;
        for (int d = 1; d < Math.min(shortest, MAX_PAIR_DISTANCE + 1); d++) {
            int[] plan = new int[lits.length + 1];
            plan[0] = d;
            ByteSet first = new ByteSet(), second = new ByteSet();
            for (int i = 0; i < lits.length; i++) {
                int at = 0;
                double c = Double.MAX_VALUE;
                for (int a = 0; a + d < lits[i].length; a++) {
                    double ca = shareHere(lits[i][a]) * shareHere(lits[i][a + d]);
                    if (ca < c) { c = ca; at = a; }
                }
                plan[i + 1] = at;
                first.addAll(lits[i][at]);
                second.addAll(lits[i][at + d]);
            }
            if (ByteClassSearch.compile(first) == null || ByteClassSearch.compile(second) == null) continue;
            double cost = shareHere(first) * shareHere(second);
            if (cost < bestCost) { bestCost = cost; best = plan; }
        }
        return best;
    }

    /**
     * For two to {@link ByteClassSearch.Pairs#MAX} literals: {distance d, then each literal's
     * first position a}, both of a literal's positions one EQ or FOLD test, such that the sum
     * of the literals' pair shares is least; or null when some literal has no such pair.
     */
    private int[] ownPairs(ByteSet[][] lits) {
        List<int[]> choices = new ArrayList<>();
        for (int d = 1; d < ownSpan(lits); d++) choices.add(new int[]{0, d});
        return ownPlan(lits, choices);
    }

    /**
     * As {@link #ownPairs}, with a third position per literal: {d, e, then each literal's first
     * position a}, with a, a + d and a + e (d < e) each one EQ or FOLD test.
     */
    private int[] ownTriples(ByteSet[][] lits) {
        List<int[]> choices = new ArrayList<>();
        for (int d = 1; d < ownSpan(lits); d++) {
            for (int e = d + 1; e < ownSpan(lits); e++) choices.add(new int[]{0, d, e});
        }
        return ownPlan(lits, choices);
    }

    /** One past the largest distance own positions may have: within the shortest literal and MAX_PAIR_DISTANCE. */
    private static int ownSpan(ByteSet[][] lits) {
        int shortest = Integer.MAX_VALUE;
        for (ByteSet[] l : lits) shortest = Math.min(shortest, l.length);
        return Math.min(shortest, MAX_PAIR_DISTANCE + 1);
    }

    /**
     * Of the offset choices (each {0, d...}, ascending), the one where every literal has a first
     * position a with a + each offset one EQ or FOLD test, at the least sum over the literals
     * of the product of those positions' shares: {d..., then each literal's a}; or null.
     */
    private int[] ownPlan(ByteSet[][] lits, List<int[]> choices) {
        int[] best = null;
        double bestCost = Double.MAX_VALUE;
        for (int[] offsets : choices) {
            int k = offsets.length - 1, reach = offsets[k];
            int[] plan = new int[k + lits.length];
            System.arraycopy(offsets, 1, plan, 0, k);
            double cost = 0;
            for (int i = 0; i < lits.length && cost < Double.MAX_VALUE; i++) {
                int at = -1;
                double c = Double.MAX_VALUE;
                for (int a = 0; a + reach < lits[i].length; a++) {
                    double ca = 1;
                    boolean tests = true;
                    for (int off : offsets) {
                        tests &= oneTest(lits[i][a + off]);
                        ca *= shareHere(lits[i][a + off]);
                    }
                    if (tests && ca < c) { c = ca; at = a; }
                }
                plan[k + i] = at;
                cost = at < 0 ? Double.MAX_VALUE : cost + c;
            }
            if (cost < bestCost) { bestCost = cost; best = plan; }
        }
        return best;
    }

    /** {d, a...} of {d, e, a...}. */
    private static int[] pairsOf(int[] triples) {
        int[] p = new int[triples.length - 1];
        p[0] = triples[0];
        System.arraycopy(triples, 2, p, 1, triples.length - 2);
        return p;
    }

    private int[] rarestPositions(ByteSet[] lit) {
        if (lit.length < 2) return null;
        int first = -1;
        for (int i = 0; i < lit.length; i++) {
            if (singleTest(lit[i]) && (first < 0 || cost(lit[i]) < cost(lit[first]))) first = i;
        }
        if (first < 0) return null;
        int second = -1;
        for (int i = Math.max(0, first - PAIR_SPAN); i < Math.min(lit.length, first + PAIR_SPAN + 1); i++) {
            if (i != first && singleTest(lit[i]) && (second < 0 || cost(lit[i]) < cost(lit[second]))) second = i;
        }
        if (second < 0) return null;
        return new int[]{Math.min(first, second), Math.max(first, second)};
    }

    /**
     * Whether the set is one test of any kind, a range such as [0-9] included: a pair of
     * such positions stops far less often than a probe of either (a literal of three digits
     * otherwise stops at every digit).
     */
    private static boolean singleTest(ByteSet set) {
        ByteClassSearch.Op[] ops = ByteClassSearch.compile(set);
        return ops != null && ops.length == 1;
    }

    private static boolean oneTest(ByteSet set) {
        return ByteClassSearch.oneTestOp(set) != null;
    }

    /**
     * How common a position's bytes are; a wide one ({@link RequiredLiterals#wide}) after every
     * other, so never a probe while another is at hand; one holding a byte to avoid after every
     * other but those.
     */
    private int cost(ByteSet set) {
        return (RequiredLiterals.wide(set) ? 1 << 20 : 0) + (avoids(set) ? 1 << 19 : 0) + set.worstRank() + 4 * (set.size() - 1);
    }

    /** {@link #share}, with a set that holds a byte to avoid counted as common as a whole text. */
    private double shareHere(ByteSet set) {
        return share(set) + (avoids(set) ? 1.0 : 0);
    }

    private boolean avoids(ByteSet set) {
        return avoid != null && set.intersects(avoid);
    }

    /**
     * The same literals, planned with {@code more} bytes to avoid beside those this plan
     * avoided: the bytes its search stopped at too often in the text at hand (see
     * {@link Prefilter}). Literals keep their order.
     */
    ProbePlan avoiding(ByteSet more) {
        ByteSet all = new ByteSet();
        if (avoid != null) all.addAll(avoid);
        all.addAll(more);
        return new ProbePlan(java.util.Arrays.asList(literals), null, all);
    }

    /** The bytes of the positions the pair (or triple) search tests, over every literal; empty without a pair. */
    ByteSet searchedBytes() {
        ByteSet out = new ByteSet();
        if (pairFirst == null) return out;
        for (int i = 0; i < literals.length; i++) {
            int a = pairAts[i];
            out.addAll(literals[i][a]);
            out.addAll(literals[i][a + pairDistance]);
            if (pairs != null && pairs.e != 0) out.addAll(literals[i][a + pairs.e]);
        }
        if (pairThird != null) out.addAll(pairThird.set);
        return out;
    }
}
