package mmap;

import java.io.FileInputStream;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import mmap.posix.Errno;
import mmap.posix.Mman;

/**
 * Keeps the safe layer's mappings under vm.max_map_count with room to spare for the JVM.
 *
 * <p>A process that reaches vm.max_map_count gets ENOMEM from every further mmap, including
 * the JVM's own: for thread stacks, the code cache, metaspace, the heap. The JVM then aborts.
 * So a new mapping is refused, with ENOMEM and the usual hint, while the process still has
 * {@link #margin()} mappings left. The count is kept cheaply (the safe layer's own mappings
 * plus an estimate of everything else, refreshed from /proc/self/maps every so often) and
 * read exactly only when it comes near the limit; before refusing, a garbage collection
 * gives mappings that became unreachable a chance to be unmapped by their cleaners.
 */
final class MapBudget {
    private MapBudget() {}

    private static final long LIMIT = Mman.maxMapCount() > 0 ? Mman.maxMapCount() : 65530;
    /** Mappings kept free for the JVM: a sixteenth of the limit, and at least 1024. */
    private static final long MARGIN = Math.max(1024, LIMIT / 16);
    private static final long REFRESH_EVERY = 1024;

    private static final AtomicLong OURS = new AtomicLong();
    private static volatile long others = -1;       // the rest of the process's mappings, as last counted
    private static final AtomicLong SINCE_COUNT = new AtomicLong(REFRESH_EVERY);

    static long margin() { return MARGIN; }

    static long limit() { return LIMIT; }

    /** Takes one mapping from the budget, or throws ENOMEM with the hint when the process is near the limit. */
    static void reserve(String call, String arguments, String path) throws ErrnoException {
        long ours = OURS.incrementAndGet();
        long sinceCount = SINCE_COUNT.incrementAndGet();
        long estimate = others < 0 ? -1 : ours + others;
        boolean near = estimate >= LIMIT - 2 * MARGIN;
        if (sinceCount >= REFRESH_EVERY || estimate < 0 || (near && sinceCount >= 64) || estimate >= LIMIT - MARGIN) {
            long total = refresh(ours);
            if (total >= LIMIT - MARGIN) {
                // Mappings that nothing references any more are unmapped by their cleaners after a collection.
                System.gc();
                try { Thread.sleep(50); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
                total = refresh(OURS.get());
                if (total >= LIMIT - MARGIN) {
                    OURS.decrementAndGet();
                    throw new ErrnoException(call, arguments, Errno.value("ENOMEM"), path,
                            Mman.tooManyMappingsHint(total) + "; this library refuses new mappings while fewer than "
                                    + MARGIN + " are left, so that the JVM can still map its own memory");
                }
            }
        }
    }

    /** Gives back a mapping taken with {@link #reserve}. */
    static void release() {
        OURS.decrementAndGet();
    }

    /** The process's mappings now, by /proc/self/maps; refreshes the estimate of the others. */
    private static long refresh(long ours) {
        SINCE_COUNT.set(0);
        long total = countMappings();
        if (total < 0) return ours + Math.max(0, others);
        others = Math.max(0, total - ours);
        return Math.max(total, ours);
    }

    /** Lines in /proc/self/maps, or -1 when it cannot be read (no descriptor left, say). */
    static long countMappings() {
        try (FileInputStream in = new FileInputStream("/proc/self/maps")) {
            byte[] buf = new byte[64 * 1024];
            long lines = 0;
            for (int n; (n = in.read(buf)) > 0; ) for (int i = 0; i < n; i++) if (buf[i] == '\n') lines++;
            return lines;
        } catch (IOException e) {
            return -1;
        }
    }
}
