package mmap;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Regex matches over bytes [from, to), found by several threads and delivered in order,
 * equal to what one {@link RegexScanner} finds.
 *
 * <p>The text is cut into chunks. A task per chunk scans from the chunk's start, keeping the
 * matches that start inside it, with windows that reach at most one chunk further. At most
 * {@code 2 * threads} tasks run ahead of the reader. The reader then joins the chunks'
 * results: a chunk's matches continue the sequence exactly when the sequence enters the chunk
 * at its start or in a gap between its matches (a match depends only on where its search
 * starts, and a search finds the leftmost match); where it enters inside one of the chunk's
 * matches, or where a task had to stop for want of text, the reader scans on by itself until
 * it meets the chunk's results again.
 *
 * <p>Patterns with {@code \G}, whose matches depend on where the previous one ended, are
 * scanned by one thread.
 */
public final class ParallelScan<T> implements AutoCloseable {
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mmap-regex");
        t.setDaemon(true);
        return t;
    });

    /** When only counting, a chunk keeps the offsets of this many matches: enough to rejoin the sequence. */
    private static final int KEPT_WHEN_COUNTING = 256;

    /** The matches a chunk task found: their number, offsets and payloads in order. */
    private static final class Chunk<T> {
        final long begin, end;                  // the chunk: matches that start in [begin, end)
        final LongList starts = new LongList(), ends = new LongList(), resumes = new LongList();
        final List<T> payloads = new ArrayList<>();
        int count;                              // matches found; offsets kept for the first starts.size()
        long lastResume;
        long stoppedAt = -1;                    // where the task ran out of window, or -1

        Chunk(long begin, long end) { this.begin = begin; this.end = end; }
    }

    /** One batch for the reader: payloads in order. */
    private final RegexScanner.Spec spec;
    private final MemorySegment seg;
    private final long to;
    private final boolean utf8;
    private final Function<RegexScanner, T> payload;
    private final long chunkSize;
    private volatile long currentChunkSize;  // grows while chunks yield few results, to spare per-task costs
    private static final long MAX_CHUNK = 8L << 20;
    private static final int FEW_RESULTS = 4096, MANY_RESULTS = 16384;
    private final int readAhead;
    private final ArrayDeque<Future<Chunk<T>>> inFlight = new ArrayDeque<>();
    private long nextChunkBegin;
    private long resume;                 // where the sequence's next search starts
    private boolean finished;
    private final ArrayList<T> batch = new ArrayList<>();
    private long emitted;                // matches delivered so far

    /** Scans {@code spec} with {@code threads} threads in chunks of {@code chunkSize} bytes; {@code payload} (null: count only) makes each result. */
    public ParallelScan(RegexScanner.Spec spec, int threads, long chunkSize, Function<RegexScanner, T> payload) {
        this.spec = spec;
        this.seg = spec.seg();
        this.to = spec.to();
        this.utf8 = spec.utf8();
        this.payload = payload;
        this.chunkSize = Math.max(4096, chunkSize);
        this.currentChunkSize = this.chunkSize;
        this.readAhead = Math.max(1, 2 * threads);
        this.nextChunkBegin = spec.from();
        this.resume = spec.from();
    }

    /** Whether a pattern can be split across threads: not when \G ties a match to the previous one. */
    public static boolean splittable(Pattern p) {
        return !p.pattern().contains("\\G");
    }

    private void fill() {
        while (inFlight.size() < readAhead && nextChunkBegin < to) {
            long begin = nextChunkBegin;
            long end = alignForward(Math.min(to, begin + currentChunkSize));
            nextChunkBegin = end;
            inFlight.add(POOL.submit(() -> scanChunk(begin, end)));
        }
    }

    /** Chunk boundaries sit on a char's first byte, so that a task decodes as a whole-text scan would. */
    private long alignForward(long at) {
        if (!utf8) return at;
        while (at < to && (seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at) & 0xC0) == 0x80) at++;
        return at;
    }

    private Chunk<T> scanChunk(long begin, long chunkEnd) {
        // The last chunk owns everything to the end, an empty match at the very end included.
        long end = chunkEnd >= to ? Long.MAX_VALUE : chunkEnd;
        Chunk<T> c = new Chunk<>(begin, end);
        // A task's first window need not be larger than its chunk.
        long size = chunkEnd - begin;
        RegexScanner s = new RegexScanner(spec.withInitialWindow(Math.min(spec.initialWindow(), size)),
                new RegexScanner.Limits(begin, end, Math.min(to, chunkEnd + Math.max(size, spec.initialWindow()))));
        while (s.find()) record(c, s);
        c.stoppedAt = s.stoppedAt();
        return c;
    }

    private void record(Chunk<T> c, RegexScanner s) {
        c.count++;
        c.lastResume = s.resumeOffset();
        if (payload != null || c.starts.size() < KEPT_WHEN_COUNTING) {
            c.starts.add(s.start());
            c.ends.add(s.end());
            c.resumes.add(c.lastResume);
        }
        if (payload != null) c.payloads.add(payload.apply(s));
    }

    /** The next payloads in order (empty only at the end), as a list the caller may keep. */
    public List<T> nextBatch() {
        batch.clear();
        while (batch.isEmpty() && !finished) {
            fill();
            Future<Chunk<T>> f = inFlight.poll();
            if (f == null) { finished = true; break; }
            join(await(f));
        }
        return new ArrayList<>(batch);
    }

    /** Counts every remaining match (payloads are not made). */
    public long countRemaining() {
        long before = emitted;
        while (!finished) {
            fill();
            Future<Chunk<T>> f = inFlight.poll();
            if (f == null) { finished = true; break; }
            join(await(f));
            batch.clear();
        }
        return emitted - before;
    }

    private Chunk<T> await(Future<Chunk<T>> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while scanning");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException(cause);
        }
    }

    /** Continues the sequence from {@link #resume} through chunk {@code c}. */
    private void join(Chunk<T> c) {
        // Results held in memory scale with chunk size only when there are many of them.
        if (c.count < FEW_RESULTS) currentChunkSize = Math.min(MAX_CHUNK, Math.max(currentChunkSize, chunkSize) * 2);
        else if (c.count > MANY_RESULTS) currentChunkSize = Math.max(chunkSize, currentChunkSize / 2);
        int kept = c.starts.size();
        int i = 0;
        while (true) {
            while (i < kept && c.starts.get(i) < resume) i++;
            if (i == kept && kept < c.count) {
                // The sequence enters past the matches whose offsets were kept: scan this chunk alone.
                rescan(c, kept);
                return;
            }
            // In a gap of the chunk's own sequence, both sequences find the same next match.
            boolean inGap = i == 0 || c.resumes.get(i - 1) <= resume;
            if (!inGap) {
                int j = rescan(c, i);
                if (j < 0) return;
                emit(c, j);
                i = j + 1;
                continue;
            }
            emitFrom(c, i);
            if (c.stoppedAt >= 0 && resume < c.end) {
                // The task ran out of window at stoppedAt; nothing starts between the sequence and there.
                resume = Math.max(resume, c.stoppedAt);
                rescan(c, kept);
            }
            return;
        }
    }

    private void emit(Chunk<T> c, int i) {
        if (payload != null) batch.add(c.payloads.get(i));
        emitted++;
        resume = c.resumes.get(i);
    }

    /** Delivers the chunk's matches from the i-th on. */
    private void emitFrom(Chunk<T> c, int i) {
        if (i >= c.count) return;
        if (payload != null) batch.addAll(c.payloads.subList(i, c.count));
        emitted += c.count - i;
        resume = c.lastResume;
    }

    /**
     * Scans from {@link #resume} alone until the sequence meets one of the chunk's matches
     * (returns its index, to go on from there) or passes the chunk's end (returns -1).
     */
    private int rescan(Chunk<T> c, int from) {
        RegexScanner s = new RegexScanner(spec, new RegexScanner.Limits(resume, Long.MAX_VALUE, to));
        while (s.find()) {
            long st = s.start(), en = s.end();
            if (st >= c.end) return -1;          // resume stays before it: nothing starts in [resume, end)
            for (int j = from; j < c.starts.size(); j++) {   // only kept offsets can be met
                if (c.starts.get(j) == st && c.ends.get(j) == en) return j;   // in step with the chunk again
                if (c.starts.get(j) > st) break;
            }
            if (payload != null) batch.add(payload.apply(s));
            emitted++;
            resume = s.resumeOffset();
        }
        resume = Long.MAX_VALUE;                 // the text is exhausted
        finished = true;
        return -1;
    }

    @Override
    public void close() {
        finished = true;
        for (Future<Chunk<T>> f : inFlight) f.cancel(true);
        inFlight.clear();
    }

    /** A growable list of longs. */
    private static final class LongList {
        private long[] a = new long[64];
        private int n;
        void add(long v) { if (n == a.length) a = java.util.Arrays.copyOf(a, n * 2); a[n++] = v; }
        long get(int i) { return a[i]; }
        int size() { return n; }
    }
}
