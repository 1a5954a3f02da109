package mmap;

import java.util.Locale;
import mmap.posix.Mman;

/**
 * The advice {@code madvise(2)} takes, for {@link MappedFile#advise(Advice)} and
 * {@link MappedFile.Options#advice(Advice)}.
 *
 * <p>MADV_HWPOISON and MADV_SOFT_OFFLINE are not here: they take pages away so that a later
 * read kills the process, which no safe mapping may allow (they remain in {@link Mman}).
 * Some advice discards contents, see {@link #discardsContents()}: that is what it is for,
 * and it is allowed.
 */
public enum Advice {
    /** MADV_NORMAL: no special treatment. */
    NORMAL(Mman.MADV_NORMAL),
    /** MADV_RANDOM: expect random access; read ahead less. */
    RANDOM(Mman.MADV_RANDOM),
    /** MADV_SEQUENTIAL: expect sequential access; read ahead more, free behind. */
    SEQUENTIAL(Mman.MADV_SEQUENTIAL),
    /** MADV_WILLNEED: start reading the pages in now. */
    WILL_NEED(Mman.MADV_WILLNEED),
    /** MADV_DONTNEED: drop the pages; private and anonymous ones read back as the file or zeros. */
    DONT_NEED(Mman.MADV_DONTNEED),
    /** MADV_FREE: private anonymous pages may be freed lazily, their contents lost. */
    FREE(Mman.MADV_FREE),
    /** MADV_REMOVE: free the pages and their backing store (punches a hole in a shared file). */
    REMOVE(Mman.MADV_REMOVE),
    /** MADV_DONTFORK: a child process does not get this range. */
    DONT_FORK(Mman.MADV_DONTFORK),
    /** MADV_DOFORK: undo {@link #DONT_FORK}. */
    DO_FORK(Mman.MADV_DOFORK),
    /** MADV_MERGEABLE: let KSM merge identical pages. */
    MERGEABLE(Mman.MADV_MERGEABLE),
    /** MADV_UNMERGEABLE: undo {@link #MERGEABLE}. */
    UNMERGEABLE(Mman.MADV_UNMERGEABLE),
    /** MADV_HUGEPAGE: use transparent huge pages where the kernel can. */
    HUGE_PAGE(Mman.MADV_HUGEPAGE),
    /** MADV_NOHUGEPAGE: do not use transparent huge pages. */
    NO_HUGE_PAGE(Mman.MADV_NOHUGEPAGE),
    /** MADV_DONTDUMP: leave the range out of core dumps. */
    DONT_DUMP(Mman.MADV_DONTDUMP),
    /** MADV_DODUMP: undo {@link #DONT_DUMP}. */
    DO_DUMP(Mman.MADV_DODUMP),
    /** MADV_WIPEONFORK: a child process sees the range zero-filled. */
    WIPE_ON_FORK(Mman.MADV_WIPEONFORK),
    /** MADV_KEEPONFORK: undo {@link #WIPE_ON_FORK}. */
    KEEP_ON_FORK(Mman.MADV_KEEPONFORK),
    /** MADV_COLD: the pages may be reclaimed first. */
    COLD(Mman.MADV_COLD),
    /** MADV_PAGEOUT: reclaim the pages now. */
    PAGE_OUT(Mman.MADV_PAGEOUT),
    /** MADV_POPULATE_READ: fault the pages in readable now. */
    POPULATE_READ(Mman.MADV_POPULATE_READ),
    /** MADV_POPULATE_WRITE: fault the pages in writable now. */
    POPULATE_WRITE(Mman.MADV_POPULATE_WRITE),
    /** MADV_DONTNEED_LOCKED: like {@link #DONT_NEED}, for locked pages too. */
    DONT_NEED_LOCKED(Mman.MADV_DONTNEED_LOCKED),
    /** MADV_COLLAPSE: collapse the range into transparent huge pages now. */
    COLLAPSE(Mman.MADV_COLLAPSE);

    private final int value;

    Advice(int value) { this.value = value; }

    /** {@return the MADV_ value} */
    public int value() { return value; }

    /** {@return the keyword Clojure uses for it: {@code WILL_NEED} is {@code "will-need"}} */
    public String keyword() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }

    /** {@return whether it can discard the pages' contents (private and anonymous memory reads back as zeros or the file)} */
    public boolean discardsContents() {
        return this == DONT_NEED || this == FREE || this == REMOVE || this == DONT_NEED_LOCKED;
    }
}
