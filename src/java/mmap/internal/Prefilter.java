package mmap.internal;

import mmap.posix.Faults;

/**
 * Where a scan need run the regex engine at all: the starts of occurrences of a set of
 * literals (each a byte shape: a set of bytes per position), or the positions of bytes of a
 * set. It reads the text block by block into a heap buffer and searches it for each literal's
 * rarest byte ({@link ByteFrequency}) with {@link ByteClassSearch}, then checks the whole
 * literal around every hit. Two exceptions read no copy: a file read into an array is
 * searched in that array, and without SIMD a lone pair is searched for in the mapping itself,
 * word by word, each block followed by {@link Faults#deliverPending()} so that nothing read
 * from a page a truncated file lost is used.
 */
final class Prefilter {
    private static final int BLOCK = ByteSearch.BLOCK;

    private ProbePlan plan;
    /**
     * The pair search's stops since the plan was last chosen, and how many held a literal. The
     * byte ranks that choose the pair are those of typical text; where the text at hand is
     * full of the chosen bytes (the quotes and colon of {@code level":"error} in JSON lines:
     * 620,000 stops for 3,671 matches in 120 MB), the literals are planned again avoiding them.
     */
    private long stops, held;
    private int replans;
    private static final int STOPS_BEFORE_REVIEW = 1024, MAX_REPLANS = 3;
    /**
     * How far the pair search went since the plan was chosen (the bytes between its stops, in
     * any number of texts: the grep command rebinds one prefilter from file to file), for its
     * stops per byte against the plan before.
     */
    private long covered, lastStop = -1;
    private ProbePlan previous;
    private double previousRate;
    private Source src;
    private byte[] whole;                 // the array that holds the whole text, or null (see rebind)
    private final byte[] own = new byte[BLOCK + 256];
    private byte[] buf = own;             // own, or the array that holds the whole text
    private long bufStart, bufEnd;        // the text bytes buf holds
    /**
     * Whether a lone pair is searched for in the mapping itself rather than in copies of it:
     * without SIMD, for two one-test sets, over native memory. The copy cost as long as the
     * SWAR search (a 256 MiB log: 30 ms each, one thread), and SIMD never reads a mapping.
     */
    private boolean inPlace;

    /** Searches {@code src} (which may be null until {@link #rebind}) for what {@code plan} says. */
    Prefilter(Source src, ProbePlan plan) {
        this.plan = plan;
        if (src != null) rebind(src, null);
    }

    /**
     * Makes this prefilter search {@code src} from now on (the literals stay). When
     * {@code whole} is not null it holds the text at the text's own positions (a file read to
     * the heap), and is searched in place: no block is copied.
     */
    void rebind(Source src, byte[] whole) {
        this.src = src;
        this.whole = whole;
        lastStop = -1;
        setInPlace();
        if (whole != null) {
            buf = whole;
            bufStart = 0;
            bufEnd = src.to;
        } else {
            buf = own;
            bufStart = bufEnd = src.from;
        }
    }

    private void setInPlace() {
        inPlace = whole == null && src.seg.isNative() && !ByteSearch.VECTOR && plan.pairFirst != null && plan.pairs == null
                && plan.pairThird == null && plan.pairFirst.oneTest && plan.pairSecond.oneTest;
    }

    /**
     * Plans the literals again, avoiding the bytes searched for, when fewer than one stop in
     * eight held a literal; goes back to the plan before, for good, when the new one stopped
     * more often per byte.
     */
    private void review() {
        double rate = (double) stops / Math.max(1, covered);
        if (previous != null && rate > previousRate) {
            plan = previous;
            replans = MAX_REPLANS;
        } else if (held * 8 < stops) {
            replans++;
            ByteSet searched = plan.searchedBytes();
            ProbePlan other = plan.avoiding(searched);
            if (other.pairFirst != null && !other.searchedBytes().equals(searched)) {
                previous = plan;
                previousRate = rate;
                plan = other;
            } else {
                replans = MAX_REPLANS;
            }
        }
        setInPlace();
        stops = held = covered = 0;
    }

    /** The first candidate in [from, limit), or -1. */
    long next(long from, long limit) {
        limit = Math.min(limit, src.to);
        if (from >= limit) return -1;
        if (stops >= STOPS_BEFORE_REVIEW && replans < MAX_REPLANS) review();
        if (plan.literals == null) return nextProbe(from, limit);
        if (plan.pairFirst != null) return nextPair(from, limit);

        long best = -1;
        long pos = from + plan.minK;
        while (true) {
            long end = Math.min(src.to, (best >= 0 ? best : limit - 1) + plan.maxK + 1);
            long h = nextProbe(pos, end);
            if (h < 0) return best;
            int b = byteAt(h) & 0xFF;
            for (int i : plan.byProbeByte[b]) {
                long s = h - plan.probeAt[i];
                if (s >= from && s < limit && (best < 0 || s < best) && verify(i, s)) best = s;
            }
            pos = h + 1;
        }
    }

    /** {@link #next} by the literals' pairs of positions (see {@link ProbePlan#pairFirst}). */
    private long nextPair(long from, long limit) {
        int d = plan.pairDistance, reach = plan.pairReach;
        long best = -1;
        long pos = from;
        while (true) {
            // where the first byte of a pair may be, for a literal that starts before the best so far
            long end = Math.min(src.to - reach, (best >= 0 ? best : limit - 1) + plan.maxPairAt + 1);
            if (pos >= end) return best;
            long h;
            int b1, b2;
            if (inPlace && end - pos >= 16) {
                long words = pos + Math.min(end - pos, BLOCK) / 16 * 16;
                h = ByteClassSearch.indexOfPairWords(src.seg, pos, words, plan.pairFirst, plan.pairSecond, d);
                Faults.deliverPending();    // before anything trusts what was read
                if (h < 0) {
                    pos = words;
                    continue;
                }
                b1 = src.byteAt(h) & 0xFF;
                b2 = src.byteAt(h + d) & 0xFF;
            } else {
                if (pos < bufStart || pos + reach >= bufEnd) load(pos);
                long stop = Math.min(end, bufEnd - reach);
                int lo = (int) (pos - bufStart), hi = (int) (stop - bufStart);
                int hit = plan.pairs != null ? ByteClassSearch.indexOfPairs(buf, lo, hi, plan.pairs)
                        : plan.pairThird != null ? ByteClassSearch.indexOfTriple(buf, lo, hi, plan.pairFirst, plan.pairSecond, d, plan.pairThird, plan.thirdDistance)
                        : ByteClassSearch.indexOfPair(buf, lo, hi, plan.pairFirst, plan.pairSecond, d);
                if (hit < 0) {
                    pos = stop;
                    continue;
                }
                h = bufStart + hit;
                b1 = buf[hit] & 0xFF;
                b2 = buf[hit + d] & 0xFF;
            }
            stops++;
            if (lastStop >= 0 && h > lastStop) covered += h - lastStop;
            lastStop = h;
            for (int i = 0; i < plan.literals.length; i++) {
                int at = plan.pairAts[i];
                if (!plan.literals[i][at].contains(b1) || !plan.literals[i][at + d].contains(b2)) continue;
                long s = h - at;
                if (s >= from && s < limit && verify(i, s)) {
                    held++;
                    if (best < 0 || s < best) best = s;
                }
            }
            if (best >= 0 && plan.literals.length == 1) return best;
            pos = h + 1;
        }
    }

    private boolean verify(int lit, long s) {
        ByteSet[] l = plan.literals[lit];
        if (s + l.length > src.to) return false;
        for (int j = 0; j < l.length; j++) if (!l[j].contains(byteAt(s + j))) return false;
        return true;
    }

    /** The first position in [pos, end) whose byte is a probe byte, or -1. */
    private long nextProbe(long pos, long end) {
        while (pos < end) {
            if (pos < bufStart || pos >= bufEnd) load(pos);
            int hit = plan.probes.indexIn(buf, (int) (pos - bufStart), (int) (Math.min(end, bufEnd) - bufStart));
            if (hit >= 0) return bufStart + hit;
            pos = Math.min(end, bufEnd);
        }
        return -1;
    }

    /** The byte at {@code p}: from the block this prefilter holds when it holds {@code p} (a candidate and the bytes near it), with no read of the mapping. */
    byte byteAt(long p) {
        if (p >= bufStart && p < bufEnd) return buf[(int) (p - bufStart)];
        return src.byteAt(p);
    }

    /** Loads the block at {@code pos}, keeping a little of the text before it for checking literals around a hit. */
    private void load(long pos) {
        buf = own;
        long start = Math.max(src.from, pos - Math.min(Math.max(plan.maxK, plan.maxPairAt), 128));
        long end = Math.min(src.to, start + buf.length);
        src.copy(start, buf, 0, (int) (end - start));
        bufStart = start;
        bufEnd = end;
    }
}
