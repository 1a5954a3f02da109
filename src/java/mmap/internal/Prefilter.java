package mmap.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a scan need run the regex engine at all: the starts of occurrences of a set of
 * literals (each a byte shape: a set of bytes per position), or the positions of bytes of a
 * set. It reads the text block by block into a heap buffer and searches it for each literal's
 * rarest byte ({@link ByteFrequency}) with {@link ByteClassSearch}, then checks the whole
 * literal around every hit.
 */
final class Prefilter {
    private static final int BLOCK = ByteSearch.BLOCK;

    private Source src;
    private final ByteSet[][] literals;   // null: byte-set mode
    private final int[] probeAt;          // each literal's probe position
    private final int[][] byProbeByte;    // for each byte value, the literals whose probe set holds it
    private final int minK, maxK;
    private final ByteClassSearch probes;
    // Two positions of every literal, the same distance apart, are searched for together: a
    // byte of pairFirst with a byte of pairSecond pairDistance later. One literal may use any
    // two positions within PAIR_SPAN; several use positions within the shortest literal.
    private static final int PAIR_SPAN = 64;
    private static final int MAX_PAIR_DISTANCE = 16;
    private final ByteClassSearch pairFirst, pairSecond;
    private final int[] pairAts;          // each literal's first position of the pair
    private final int pairDistance, maxPairAt;
    private final byte[] buf;
    private long bufStart, bufEnd;        // the text bytes buf holds

    private Prefilter(Source src, List<ByteSet[]> lits, ByteSet bytes) {
        this.src = src;
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
            for (int b = 0; b < 256; b++) byProbeByte[b] = by.get(b).stream().mapToInt(Integer::intValue).toArray();
            minK = lo;
            maxK = hi;
            probes = new ByteClassSearch(union);
        }
        int[] pair = literals == null ? null : literals.length == 1 ? rarestPair(literals[0]) : sharedPair(literals);
        if (pair == null) {
            pairFirst = pairSecond = null;
            pairAts = null;
            pairDistance = maxPairAt = 0;
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
        }
        buf = new byte[BLOCK + 256];
        if (src != null) rebind(src);
    }

    /** Makes this prefilter search {@code src} from now on (the literals stay). */
    void rebind(Source src) {
        this.src = src;
        bufStart = bufEnd = src.from;
    }

    /** Candidates are the starts of occurrences of any of {@code literals}; {@code src} may be null until {@link #rebind}. */
    static Prefilter ofLiterals(Source src, List<ByteSet[]> literals) {
        return new Prefilter(src, literals, null);
    }

    /** Candidates are the positions of the bytes in {@code bytes}. */
    static Prefilter ofBytes(Source src, ByteSet bytes) {
        return new Prefilter(src, null, bytes);
    }

    /** The position whose byte set is rarest in text, counting a set by its commonest byte and its size. */
    private static int rarest(ByteSet[] lit) {
        int best = 0, bestCost = Integer.MAX_VALUE;
        for (int i = 0; i < lit.length; i++) {
            int cost = cost(lit[i]);
            if (cost < bestCost) { bestCost = cost; best = i; }
        }
        return best;
    }

    /**
     * The positions {@code [a, b]} (a < b) of the literal's two rarest bytes that lie within
     * PAIR_SPAN of each other and are each one SWAR test, or null.
     */
    private static int[] rarestPair(ByteSet[] lit) {
        int[] ab = rarestPositions(lit);
        return ab == null ? null : new int[]{ab[1] - ab[0], ab[0]};
    }

    /** A set's share of typical text, estimated from its bytes' ranks. */
    private static double share(ByteSet set) {
        double p = 0;
        for (int b : set.members()) p += 0.15 * Math.pow(2, (ByteFrequency.rank(b) - 255) / 14.0);
        return p;
    }

    /**
     * For several literals: {distance d, then each literal's first position a} such that the
     * union of the bytes at the a's, with the union at a + d, is rarest; or null when the
     * unions cannot be searched as a few tests, or a literal is a single byte.
     */
    private static int[] sharedPair(ByteSet[][] lits) {
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
                    double ca = share(lits[i][a]) * share(lits[i][a + d]);
                    if (ca < c) { c = ca; at = a; }
                }
                plan[i + 1] = at;
                first.addAll(lits[i][at]);
                second.addAll(lits[i][at + d]);
            }
            if (ByteClassSearch.compile(first) == null || ByteClassSearch.compile(second) == null) continue;
            double cost = share(first) * share(second);
            if (cost < bestCost) { bestCost = cost; best = plan; }
        }
        return best;
    }

    private static int[] rarestPositions(ByteSet[] lit) {
        if (lit.length < 2) return null;
        int first = -1;
        for (int i = 0; i < lit.length; i++) {
            if (oneTest(lit[i]) && (first < 0 || cost(lit[i]) < cost(lit[first]))) first = i;
        }
        if (first < 0) return null;
        int second = -1;
        for (int i = Math.max(0, first - PAIR_SPAN); i < Math.min(lit.length, first + PAIR_SPAN + 1); i++) {
            if (i != first && oneTest(lit[i]) && (second < 0 || cost(lit[i]) < cost(lit[second]))) second = i;
        }
        if (second < 0) return null;
        return new int[]{Math.min(first, second), Math.max(first, second)};
    }

    private static boolean oneTest(ByteSet set) {
        ByteClassSearch.Op[] ops = ByteClassSearch.compile(set);
        return ops != null && ops.length == 1
                && (ops[0].kind() == ByteClassSearch.Kind.EQ || ops[0].kind() == ByteClassSearch.Kind.FOLD);
    }

    private static int cost(ByteSet set) {
        return set.worstRank() + 4 * (set.size() - 1);
    }

    /** The first candidate in [from, limit), or -1. */
    long next(long from, long limit) {
        limit = Math.min(limit, src.to);
        if (from >= limit) return -1;
        if (literals == null) return nextProbe(from, limit);
        if (pairFirst != null) return nextPair(from, limit);

        long best = -1;
        long pos = from + minK;
        while (true) {
            long end = Math.min(src.to, (best >= 0 ? best : limit - 1) + maxK + 1);
            long h = nextProbe(pos, end);
            if (h < 0) return best;
            int b = byteAt(h) & 0xFF;
            for (int i : byProbeByte[b]) {
                long s = h - probeAt[i];
                if (s >= from && s < limit && (best < 0 || s < best) && verify(i, s)) best = s;
            }
            pos = h + 1;
        }
    }

    /** {@link #next} by the literals' pairs of positions (see {@link #pairFirst}). */
    private long nextPair(long from, long limit) {
        int d = pairDistance;
        long best = -1;
        long pos = from;
        while (true) {
            // where the first byte of a pair may be, for a literal that starts before the best so far
            long end = Math.min(src.to - d, (best >= 0 ? best : limit - 1) + maxPairAt + 1);
            if (pos >= end) return best;
            if (pos < bufStart || pos + d >= bufEnd) load(pos);
            long stop = Math.min(end, bufEnd - d);
            int hit = ByteClassSearch.indexOfPair(buf, (int) (pos - bufStart), (int) (stop - bufStart), pairFirst, pairSecond, d);
            if (hit < 0) {
                pos = stop;
                continue;
            }
            long h = bufStart + hit;
            int b1 = buf[hit] & 0xFF, b2 = buf[hit + d] & 0xFF;
            for (int i = 0; i < literals.length; i++) {
                int at = pairAts[i];
                if (!literals[i][at].contains(b1) || !literals[i][at + d].contains(b2)) continue;
                long s = h - at;
                if (s >= from && s < limit && (best < 0 || s < best) && verify(i, s)) best = s;
            }
            if (best >= 0 && literals.length == 1) return best;
            pos = h + 1;
        }
    }

    private boolean verify(int lit, long s) {
        ByteSet[] l = literals[lit];
        if (s + l.length > src.to) return false;
        for (int j = 0; j < l.length; j++) if (!l[j].contains(byteAt(s + j))) return false;
        return true;
    }

    /** The first position in [pos, end) whose byte is a probe byte, or -1. */
    private long nextProbe(long pos, long end) {
        while (pos < end) {
            if (pos < bufStart || pos >= bufEnd) load(pos);
            int hit = probes.indexIn(buf, (int) (pos - bufStart), (int) (Math.min(end, bufEnd) - bufStart));
            if (hit >= 0) return bufStart + hit;
            pos = Math.min(end, bufEnd);
        }
        return -1;
    }

    private byte byteAt(long p) {
        if (p >= bufStart && p < bufEnd) return buf[(int) (p - bufStart)];
        return src.byteAt(p);
    }

    /** Loads the block at {@code pos}, keeping a little of the text before it for checking literals around a hit. */
    private void load(long pos) {
        long start = Math.max(src.from, pos - Math.min(Math.max(maxK, maxPairAt), 128));
        long end = Math.min(src.to, start + buf.length);
        src.copy(start, buf, 0, (int) (end - start));
        bufStart = start;
        bufEnd = end;
    }
}
