package mmap.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedList;
import java.util.List;
import java.util.ListIterator;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Regex matches over bytes [from, to), found by several threads and delivered in order,
 * equal to what one {@link RegexScanner} finds.
 *
 * <p>The text is cut into chunks; a task per chunk scans from the chunk's start, keeping the
 * matches that start inside it, and publishes them as it finds them. The reader joins the
 * chunks' results in order. A chunk's result i continues the sequence exactly when the
 * sequence's next search starts at or after where the task's search for result i started (a
 * search finds the leftmost match, and a match depends only on where its attempt starts);
 * where the sequence enters inside one of the chunk's matches, or a task stopped for want of
 * text, the reader searches on by itself until one of its matches equals a task's again.
 *
 * <p>Bounds: at most {@code threads} tasks run at once (on the given Executor); at most twice
 * that many chunks are ahead of the reader, four times counting the rest of chunks whose task
 * stopped early; and a task that has found {@link #BUDGET_RESULTS} results, or results covering
 * {@link #BUDGET_BYTES} bytes, stops, and the rest of its chunk is queued right behind it for new
 * tasks. So memory is bounded by results, not by chunk size, and the first result is delivered
 * as soon as it is found.
 *
 * <p>Patterns with {@code \G} cannot be split; callers scan them with one {@link RegexScanner}.
 * @param <T> what each task returns
 */
public final class ParallelScan<T> implements AutoCloseable {
    static final int BUDGET_RESULTS = 16384;
    static final long BUDGET_BYTES = 4L << 20;
    /** When only counting, a chunk keeps the offsets of this many matches: enough to rejoin the sequence. */
    private static final int KEPT_WHEN_COUNTING = 256;
    private static final long MAX_CHUNK = 8L << 20;
    private static final int FEW_RESULTS = 4096, MANY_RESULTS = 16384;
    /** Chunks the reader passes before it judges whether the tasks pay (see {@link #goSolo}). */
    private static final int SOLO_AFTER_CHUNKS = 4;
    private static final int SOLO_BATCH = 256;
    /** How far past a nominal chunk boundary to look for a line end. */
    private static final long LINE_SEARCH = 64 << 10;

    private static final ExecutorService DEFAULT_POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mmap-regex");
        t.setDaemon(true);
        return t;
    });

    /** A chunk and what its task found so far, shared by the task (writing) and the reader (under the scan's lock). */
    private static final class Chunk<T> {
        final long begin, end, searchFrom;    // matches starting in [begin, end); the task searches from searchFrom
        long[] starts = new long[16], ends = new long[16], resumes = new long[16];
        final List<T> payloads = new ArrayList<>();
        int kept;                             // results whose offsets are recorded
        int count;                            // results found (beyond kept when only counting)
        long lastResume;
        boolean started, finished;
        long stoppedAt = -1;                  // the task ran out of window here
        long budgetStop = -1;                 // the task stopped for its budget; its search would go on here
        boolean restQueued;                   // the chunks for the rest after budgetStop are in the queue
        Throwable failure;
        final RegexScanner.Cancel cancel = new RegexScanner.Cancel();

        Chunk(long begin, long end, long searchFrom) { this.begin = begin; this.end = end; this.searchFrom = searchFrom; }
    }

    private final RegexScanner.Spec spec;
    private final Source source;
    private final long to;
    private final Function<RegexScanner, T> payload;
    private final Executor executor;
    private final int threads;
    private final long baseChunk;
    private long chunkSize;
    private final LinkedList<Chunk<T>> queue = new LinkedList<>();     // chunks ahead of the reader, in text order
    private long nextChunkBegin;
    private int running;

    private long resume;                 // where the sequence's next search starts
    private int cursor;                  // the next result of the head chunk to consider
    private boolean lastWasKept;         // the head chunk's last result taken was emitted in step (when counting)
    private RegexScanner rescan;         // the reader's own scanner while out of step with the chunks
    private int rescanIndex;             // the head chunk's first result not yet passed by the rescan
    private long rescanned;              // results the reader found by itself
    private int chunksPassed;
    private boolean solo;                // the tasks stopped paying: the reader scans the rest alone
    private boolean finished;
    private boolean emptyDone;
    private final ArrayList<T> batch = new ArrayList<>();
    private long emitted;

    /**
     * Bytes per task when results are made, and when they are only counted. Each task costs a
     * hand-off between threads: with 256 KiB, {@code re-seq} of {@code é} over 32 MB of man pages
     * took 0.067 s on two threads, more than on one (0.053 s); with 1 MiB, 0.037 s.
     */
    public static final long MATCH_CHUNK = 1 << 20, COUNT_CHUNK = 8 << 20;
    /** Texts up to this many bytes are scanned on the caller's thread, unless a chunk size says otherwise. */
    public static final long MIN_SPLIT = 4 << 20;

    /**
     * {@return whether splitting the scan over threads can pay: more than one thread, more than
     * {@code minLength} bytes of text, and a pattern that can be split (no {@code \G})}
     * @param spec what to scan
     * @param threads the number of threads
     * @param minLength the smallest range worth splitting
     */
    public static boolean worthSplitting(RegexScanner.Spec spec, int threads, long minLength) {
        return threads > 1 && spec.to() - spec.from() > minLength && spec.splittable();
    }

    /**
     * Scans {@code spec} with at most {@code threads} tasks at once on {@code executor} (null:
     * a shared daemon pool), in chunks of {@code chunkSize} bytes to start with;
     * {@code payload} (null: count only) makes each result.
     * @param spec what to scan
     * @param threads the number of threads
     * @param chunkSize the number of bytes each task scans
     * @param payload the work each task does with its scanner
     * @param executor runs the scan tasks
     */
    public ParallelScan(RegexScanner.Spec spec, int threads, long chunkSize, Function<RegexScanner, T> payload, Executor executor) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        this.spec = spec;
        this.source = new Source(spec.seg(), spec.from(), spec.to(), spec.utf8());
        this.to = spec.to();
        this.payload = payload;
        this.executor = executor == null ? DEFAULT_POOL : executor;
        this.threads = threads;
        this.baseChunk = Math.max(16, chunkSize);
        this.chunkSize = baseChunk;
        this.nextChunkBegin = spec.from();
        this.resume = spec.from();
    }

    // ---- tasks ----

    /** Adds chunks up to the lookahead bound, and starts chunks in text order while fewer than {@code threads} run. */
    private void fill() {
        if (solo) return;
        if (queue.isEmpty() && nextChunkBegin == to && to == spec.from() && !emptyDone) {
            // An empty text still has one chunk: a pattern that matches the empty string matches there.
            emptyDone = true;
            queue.addLast(new Chunk<>(to, Long.MAX_VALUE, to));
        }
        while (queue.size() < 2 * threads && nextChunkBegin < to) {
            long begin = nextChunkBegin;
            long end = chunkEnd(begin + chunkSize);
            nextChunkBegin = end;
            // The last chunk owns everything to the end, an empty match at the very end included.
            queue.addLast(new Chunk<>(begin, end >= to ? Long.MAX_VALUE : end, begin));
        }
        // The rest of a task that stopped for its budget is queued right behind it at once, not
        // when the reader gets there: else dense results leave one thread working and the other
        // waiting ([a-z]\w* over 40 MB, 4 million matches: 1.3 cores busy of 2). Bounded, so
        // that the results held stay bounded too.
        for (ListIterator<Chunk<T>> it = queue.listIterator(); it.hasNext() && queue.size() < 4 * threads; ) {
            Chunk<T> c = it.next();
            if (c.finished && c.failure == null && !c.restQueued && hasRest(c)) {
                c.restQueued = true;
                for (Chunk<T> part : rest(c)) it.add(part);
            }
        }
        for (Chunk<T> c : queue) {
            if (running >= threads) break;
            if (c.started) continue;
            c.started = true;
            running++;
            try {
                executor.execute(() -> scanChunk(c));
            } catch (RuntimeException e) {
                running--;
                c.failure = e;
                c.finished = true;
            }
        }
    }

    /**
     * A chunk boundary at or a little after {@code p}: just after a line end when one is near.
     * A task that starts at a line start finds the sequence's own matches far more often than
     * one that starts mid-line (inside a quoted string, say), so the reader stays in step.
     */
    private long chunkEnd(long p) {
        if (p >= to) return to;
        long nl = source.indexOf((byte) '\n', p, Math.min(to, p + LINE_SEARCH));
        return nl < 0 ? source.unitEnd(p) : nl + 1;
    }

    private void scanChunk(Chunk<T> c) {
        int published = 0, nextPublish = 1;
        try {
            long chunkEnd = Math.min(to, c.end);
            long size = Math.max(4096, chunkEnd - c.searchFrom);
            RegexScanner s = new RegexScanner(spec.withInitialWindow(Math.min(spec.initialWindow(), size)),
                    new RegexScanner.Limits(c.searchFrom, c.end, Math.min(to, chunkEnd + Math.max(size, spec.initialWindow()))), c.cancel);
            long bytes = 0;
            int found = 0;
            // Where the search after the last match starts. Taken after each match: once find()
            // fails, the scanner's resume offset may lie past the chunk's end, at a candidate it
            // looked at there without trying the positions before it (they are the next chunk's).
            long lastMatchResume = -1;
            long[] st = new long[64], en = new long[64], re = new long[64];
            List<T> pl = new ArrayList<>();
            int local = 0;
            while (s.find()) {
                if (c.cancel.cancelled) throw new CancellationException();
                found++;
                lastMatchResume = s.resumeOffset();
                if (payload != null || found <= KEPT_WHEN_COUNTING) {
                    if (local == st.length) { st = Arrays.copyOf(st, local * 2); en = Arrays.copyOf(en, local * 2); re = Arrays.copyOf(re, local * 2); }
                    st[local] = s.start();
                    en[local] = s.end();
                    re[local] = s.resumeOffset();
                    local++;
                    if (payload != null) pl.add(payload.apply(s));
                }
                bytes += s.end() - s.start();
                if (payload != null && found >= nextPublish) {
                    publish(c, st, en, re, pl, local, found, s.resumeOffset());
                    local = 0;
                    pl = new ArrayList<>();
                    published = found;
                    nextPublish = found + Math.min(4096, found);
                }
                if (payload != null && (found >= BUDGET_RESULTS || bytes >= BUDGET_BYTES)) {
                    synchronized (this) { c.budgetStop = s.resumeOffset(); }
                    break;
                }
            }
            publish(c, st, en, re, pl, local, found, found > published ? lastMatchResume : -1);
            synchronized (this) {
                if (c.budgetStop < 0) c.stoppedAt = s.stoppedAt();
                c.finished = true;
            }
        } catch (Throwable t) {
            synchronized (this) {
                c.failure = t;
                c.finished = true;
            }
        } finally {
            synchronized (this) {
                running--;
                notifyAll();
            }
        }
    }

    private synchronized void publish(Chunk<T> c, long[] st, long[] en, long[] re, List<T> pl, int n, int found, long lastResume) {
        if (c.kept + n > c.starts.length) {
            int cap = Math.max(c.kept + n, c.starts.length * 2);
            c.starts = Arrays.copyOf(c.starts, cap);
            c.ends = Arrays.copyOf(c.ends, cap);
            c.resumes = Arrays.copyOf(c.resumes, cap);
        }
        System.arraycopy(st, 0, c.starts, c.kept, n);
        System.arraycopy(en, 0, c.ends, c.kept, n);
        System.arraycopy(re, 0, c.resumes, c.kept, n);
        c.payloads.addAll(pl);
        c.kept += n;
        c.count = found;
        if (lastResume >= 0) c.lastResume = lastResume;
        notifyAll();
    }

    // ---- the reader ----

    /** {@return the next payloads in order (empty only at the end), as a list the caller may keep} */
    public List<T> nextBatch() {
        if (payload == null) throw new IllegalStateException("this scan only counts");
        batch.clear();
        while (batch.isEmpty() && !finished) step();
        return new ArrayList<>(batch);
    }

    /** {@return the number of remaining matches, counted without making payloads} */
    public long countRemaining() {
        long before = emitted;
        while (!finished) {
            step();
            batch.clear();
        }
        return emitted - before;
    }

    /** Moves the sequence on by at least one result, or one chunk, or to the end. */
    private synchronized void step() {
        fill();
        if (solo) { soloStep(); return; }
        if (rescan != null) { rescanStep(); return; }
        Chunk<T> c = queue.peekFirst();
        if (c == null) { finished = true; return; }
        // Wait for something new in the head chunk; for all of it when only counting, and once
        // the sequence has its first result: a batch per match cost a hand-off between threads
        // per match (a lazy re-seq of ERROR|WARN|FATAL over the JDK sources: 62 ms, against 51 ms
        // for its count), and a chunk's results are kept in memory either way.
        while (!c.finished && (payload == null || cursor >= c.kept || emitted > 0)) awaitProgress();
        if (c.failure != null) throw rethrow(c.failure);
        while (cursor < c.kept) {
            long st = c.starts[cursor];
            if (st < resume) { cursor++; lastWasKept = false; continue; }
            boolean inGap = cursor == 0 || c.resumes[cursor - 1] <= resume;
            if (!inGap) { startRescan(); return; }
            emit(c, cursor++);
            lastWasKept = true;
        }
        if (!c.finished) return;
        if (c.count > c.kept) {
            // Counting: the matches after the kept ones were counted only. In step with the chunk, they are the sequence's.
            if (!(lastWasKept && c.resumes[c.kept - 1] == resume)) { startRescan(); return; }
            emitted += c.count - c.kept;
            resume = c.lastResume;
        } else if (c.kept > 0 && c.resumes[c.kept - 1] > resume && resume < Math.min(to, c.end)) {
            // The sequence is inside the chunk's last match: the task never searched from where the sequence goes on.
            startRescan();
            return;
        }
        queue.pollFirst();
        cursor = 0;
        lastWasKept = false;
        adapt(c);
        chunksPassed++;
        if (tasksDoNotPay()) {
            goSolo();
            return;
        }
        if (hasRest(c)) {
            if (!c.restQueued) queue.addAll(0, rest(c));
        } else if (c.stoppedAt >= 0 && resume < c.end) {
            // The task ran out of window at stoppedAt; no match starts between its last match and there.
            resume = Math.max(resume, c.stoppedAt);
            startRescan();
        }
    }

    /** Whether the chunk's task stopped for its budget before the chunk's end. */
    private boolean hasRest(Chunk<T> c) {
        return c.budgetStop >= 0 && c.budgetStop < Math.min(to, c.end);
    }

    /** The rest of a chunk whose task stopped for its budget, in chunks of the base size; the first searches from where the task stopped. */
    private List<Chunk<T>> rest(Chunk<T> c) {
        List<Chunk<T>> parts = new ArrayList<>();
        long stop = Math.min(to, c.end);
        for (long b = c.budgetStop; b < stop; ) {
            long e = Math.min(stop, chunkEnd(Math.min(stop, b + baseChunk)));
            parts.add(new Chunk<>(b, e >= stop ? c.end : e, b));
            b = e;
        }
        return parts;
    }

    private void startRescan() {
        rescan = new RegexScanner(spec, new RegexScanner.Limits(resume, Long.MAX_VALUE, to), null);
        rescanIndex = cursor;
    }

    /** One match of the reader's own search; back in step with the chunks when it equals one of theirs. */
    private void rescanStep() {
        if (!rescan.find()) {
            rescan = null;
            finished = true;
            closeChunks();
            return;
        }
        long st = rescan.start(), en = rescan.end();
        rescanned++;
        // Chunks wholly before this match are passed; chunks not made yet start after it.
        while (!queue.isEmpty() && queue.peekFirst().end <= st) {
            queue.pollFirst().cancel.cancel();
            cursor = 0;
            rescanIndex = 0;
            chunksPassed++;
        }
        if (queue.isEmpty() && nextChunkBegin <= st) nextChunkBegin = source.unitEnd(Math.min(to, st + 1));
        if (payload != null) batch.add(payload.apply(rescan));
        emitted++;
        resume = rescan.resumeOffset();
        if (tasksDoNotPay()) {
            goSolo();
            return;
        }
        Chunk<T> c = queue.peekFirst();
        if (c == null || c.begin > st) return;
        // Wait until the chunk has published results up to this match, then look for it among them.
        while (!c.finished && (c.kept == 0 || c.starts[c.kept - 1] < st)) awaitProgress();
        if (c.failure != null) throw rethrow(c.failure);
        // The rescan's matches only move forward, so the chunk's results before it are passed for good.
        int j = rescanIndex;
        while (j < c.kept && c.starts[j] < st) j++;
        rescanIndex = j;
        for (; j < c.kept && c.starts[j] == st; j++) {
            if (c.ends[j] == en) {
                cursor = j + 1;
                lastWasKept = true;
                rescan = null;
                return;
            }
        }
    }

    /**
     * Stops the tasks for good and lets the reader scan on alone from where the sequence is.
     * Chosen when most results came from the reader's own search anyway: the tasks' guesses at
     * where matches start keep disagreeing with the sequence (the quotes of {@code "[^"]*"}
     * pair up by their count from the start of the text, which no task can know), so their
     * work was wasted and the reader's catching up cost more than scanning alone.
     */
    private boolean tasksDoNotPay() {
        return chunksPassed >= SOLO_AFTER_CHUNKS && 2 * rescanned > emitted;
    }

    private void goSolo() {
        solo = true;
        closeChunks();
        if (rescan == null) rescan = new RegexScanner(spec, new RegexScanner.Limits(resume, Long.MAX_VALUE, to), null);
    }

    private void soloStep() {
        if (rescan == null) rescan = new RegexScanner(spec, new RegexScanner.Limits(resume, Long.MAX_VALUE, to), null);
        for (int i = 0; i < SOLO_BATCH; i++) {
            if (!rescan.find()) {
                finished = true;
                return;
            }
            if (payload != null) batch.add(payload.apply(rescan));
            emitted++;
            resume = rescan.resumeOffset();
        }
    }

    private void emit(Chunk<T> c, int i) {
        if (payload != null) batch.add(c.payloads.get(i));
        emitted++;
        resume = c.resumes[i];
    }

    private void awaitProgress() {
        try {
            wait(100);
            fill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while scanning");
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        throw new IllegalStateException(t);
    }

    /** Stops every task; results not yet read are dropped. */
    @Override
    public synchronized void close() {
        finished = true;
        closeChunks();
    }

    private void closeChunks() {
        for (Chunk<T> c : queue) c.cancel.cancel();
        queue.clear();
    }

    /** {@return how many tasks are running now (for tests of the thread bound)} */
    public synchronized int running() { return running; }

    /** Grows chunks while they yield few results, to spare per-task costs; shrinks them when they yield many. */
    private void adapt(Chunk<T> c) {
        if (c.count < FEW_RESULTS) chunkSize = Math.min(MAX_CHUNK, chunkSize * 2);
        else if (c.count > MANY_RESULTS) chunkSize = Math.max(baseChunk, chunkSize / 2);
    }
}
