package mmap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A memory-mapped file, or anonymous memory, with a safe lifetime.
 *
 * <p>The mapping is owned by a shared {@link Arena}: {@link #close()} unmaps it at once, and
 * any access through a segment obtained earlier then throws {@link IllegalStateException}
 * instead of touching unmapped memory, even from other threads. {@link #resize} and
 * {@link #protect} replace the view the same way: segments taken before them die.
 *
 * <p>A read of a page that the file no longer backs (another writer truncated it) raises
 * {@link InternalError} from the JVM rather than killing the process with SIGBUS.
 *
 * <pre>{@code
 * try (MappedFile m = MappedFile.open(Path.of("data.bin"),
 *         MappedFile.options().mode(MappedFile.Mode.READ_WRITE))) {
 *     MemorySegment s = m.segment();
 *     s.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
 *     m.sync();
 * }
 * }</pre>
 */
public final class MappedFile implements AutoCloseable {

    /** How the file is mapped. */
    public enum Mode {
        /** PROT_READ, MAP_SHARED; the segment is read-only. The default. */
        READ_ONLY,
        /** PROT_READ|PROT_WRITE, MAP_SHARED: writes reach the file. */
        READ_WRITE,
        /** PROT_READ|PROT_WRITE, MAP_PRIVATE: copy-on-write; writes never reach the file. */
        PRIVATE
    }

    /** Options for {@link #open(Path, Options)} and {@link #anonymous(long, Options)}; setters chain. */
    public static final class Options {
        private Mode mode;  // null: READ_ONLY for files, PRIVATE for anonymous memory
        private long offset = 0;
        private long length = -1;
        private boolean populate;
        private int advice = -1;
        private boolean lock;
        private boolean hugePages;
        private boolean create;

        /** {@link Mode#READ_ONLY} by default for files, {@link Mode#PRIVATE} for anonymous memory. */
        public Options mode(Mode m) { this.mode = Objects.requireNonNull(m, "mode"); return this; }
        /** Where the mapping starts in the file: any byte offset, aligned down internally. 0 by default. */
        public Options offset(long o) { this.offset = o; return this; }
        /** How many bytes to map; by default up to the end of the file. */
        public Options length(long l) { this.length = l; return this; }
        /** MAP_POPULATE: fault every page in at once. */
        public Options populate(boolean p) { this.populate = p; return this; }
        /** An MADV_ value to apply to the whole mapping at once. */
        public Options advice(int a) { this.advice = a; return this; }
        /** mlock the mapping (limited by RLIMIT_MEMLOCK, see {@code ulimit -l}). */
        public Options lock(boolean l) { this.lock = l; return this; }
        /** MAP_HUGETLB for anonymous memory, MADV_HUGEPAGE for files. */
        public Options hugePages(boolean h) { this.hugePages = h; return this; }
        /** READ_WRITE only: create the file if it is missing. */
        public Options create(boolean c) { this.create = c; return this; }

        @Override public String toString() {
            return "{mode=" + mode + ", offset=" + offset + ", length=" + (length < 0 ? "to end" : length)
                    + ", populate=" + populate + ", advice=" + (advice < 0 ? "none" : Mman.adviceName(advice))
                    + ", lock=" + lock + ", hugePages=" + hugePages + ", create=" + create + "}";
        }
    }

    public static Options options() { return new Options(); }

    /** One mmap'd address range; its arena's cleanup unmaps it unless ownership moved on. */
    private static final class Region {
        final long address;
        final long length;
        volatile boolean owned = true;

        Region(long address, long length) { this.address = address; this.length = length; }

        void unmapIfOwned() {
            if (owned && length > 0) {
                owned = false;
                try {
                    Mman.munmap(MemorySegment.ofAddress(address), length);
                } catch (ErrnoException e) {
                    // An arena cleanup cannot throw; munmap of a range we mapped fails only on a bug.
                    System.err.println("mmap: " + e.getMessage());
                }
            }
        }
    }

    private final String path;          // null for anonymous memory
    private final Mode mode;
    private final long offset;          // the requested file offset of byte 0 of the view
    private final long delta;           // offset minus the page-aligned offset mmap got
    private final int fd;               // -1 for anonymous memory
    private final int mapFlags;
    private final boolean anonymousMemory;
    private int prot;
    private long length;
    private Region region;
    private Arena arena;
    private volatile MemorySegment view;
    private volatile boolean closed;

    private MappedFile(String path, Mode mode, long offset, long delta, int fd, int mapFlags, int prot, boolean anon) {
        this.path = path;
        this.mode = mode;
        this.offset = offset;
        this.delta = delta;
        this.fd = fd;
        this.mapFlags = mapFlags;
        this.prot = prot;
        this.anonymousMemory = anon;
    }

    public static MappedFile open(Path path) throws ErrnoException {
        return open(path, options());
    }

    /** Maps {@code path} as {@code opts} say. The file is opened, checked, mapped, and its descriptor kept for resize. */
    public static MappedFile open(Path path, Options opts) throws ErrnoException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(opts, "options");
        String file = path.toString();
        checkRange(file, opts);
        Mode mode = opts.mode == null ? Mode.READ_ONLY : opts.mode;
        if (opts.create && mode != Mode.READ_WRITE)
            throw new IllegalArgumentException("create applies only to READ_WRITE mappings, not " + mode + ": " + file);
        int access = mode == Mode.READ_WRITE ? Mman.O_RDWR : Mman.O_RDONLY;
        // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
        int flags = access | Mman.O_CLOEXEC | Mman.O_NONBLOCK | (opts.create ? Mman.O_CREAT : 0);
        int fd = Mman.open(file, flags, 0644);
        try {
            Mman.Stat st = Mman.fstat(fd);
            if (st.isDirectory())
                throw new ErrnoException("open", "", Errno.value("EISDIR"), file, ErrnoException.hintFor("open", Errno.value("EISDIR")));
            long fsType = Mman.fstatfsType(fd);
            if (!st.isRegular() || fsType == Mman.PROC_SUPER_MAGIC || fsType == Mman.SYSFS_MAGIC)
                throw unmappable(file, fd, st, fsType);
            long size = st.size();
            if (opts.offset > size)
                throw rangeError(file, "offset " + opts.offset + " is past the end of the file (" + size + " bytes)");
            long length = opts.length < 0 ? size - opts.offset : opts.length;
            if (opts.offset + length > size) {
                if (mode != Mode.READ_WRITE)
                    throw rangeError(file, "offset " + opts.offset + " + length " + length + " is past the end of the file ("
                            + size + " bytes); a " + mode + " mapping cannot extend a file: map it READ_WRITE (:read-write) to grow it");
                wrapPath(file, () -> Mman.ftruncate(fd, opts.offset + length));
            }
            int prot = mode == Mode.READ_ONLY ? Mman.PROT_READ : Mman.PROT_READ | Mman.PROT_WRITE;
            int mapFlags = (mode == Mode.PRIVATE ? Mman.MAP_PRIVATE : Mman.MAP_SHARED)
                    | (opts.populate ? Mman.MAP_POPULATE : 0);
            long delta = opts.offset % Mman.pageSize();
            MappedFile m = new MappedFile(file, mode, opts.offset, delta, fd, mapFlags, prot, false);
            m.mapInitial(length, opts);
            return m;
        } catch (ErrnoException | RuntimeException e) {
            closeQuietly(fd);
            throw e;
        }
    }

    /** Anonymous memory of {@code length} bytes, zero-filled. Mode PRIVATE (the default) or READ_WRITE (shared with children). */
    public static MappedFile anonymous(long length, Options opts) throws ErrnoException {
        Objects.requireNonNull(opts, "options");
        if (length < 0) throw rangeError(null, "length " + length + " is negative");
        Mode mode = opts.mode == null ? Mode.PRIVATE : opts.mode;
        int kind = mode == Mode.READ_WRITE ? Mman.MAP_SHARED : Mman.MAP_PRIVATE;
        int prot = mode == Mode.READ_ONLY ? Mman.PROT_READ : Mman.PROT_READ | Mman.PROT_WRITE;
        int flags = kind | Mman.MAP_ANONYMOUS | (opts.populate ? Mman.MAP_POPULATE : 0) | (opts.hugePages ? Mman.MAP_HUGETLB : 0);
        MappedFile m = new MappedFile(null, mode, 0, 0, -1, flags, prot, true);
        m.mapInitial(length, opts);
        return m;
    }

    private void mapInitial(long length, Options opts) throws ErrnoException {
        this.length = length;
        if (length == 0) {
            // An empty file has nothing to map (mmap would say EINVAL): the view is empty and no mmap is made.
            install(new Region(0, 0));
            return;
        }
        MemorySegment base = wrapPath(path, () -> Mman.mmap(MemorySegment.NULL, delta + length, prot, mapFlags, fd, offset - delta));
        install(new Region(base.address(), delta + length));
        try {
            if (opts.hugePages && !anonymousMemory) madviseAll(Mman.MADV_HUGEPAGE);
            if (opts.advice >= 0) madviseAll(opts.advice);
            if (opts.lock) lock();
        } catch (ErrnoException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void install(Region r) {
        Arena a = Arena.ofShared();
        MemorySegment whole = r.length == 0
                ? MemorySegment.NULL.reinterpret(0, a, null)
                : MemorySegment.ofAddress(r.address).reinterpret(r.length, a, ignored -> r.unmapIfOwned());
        MemorySegment v = whole.asSlice(r.length == 0 ? 0 : delta, length);
        this.region = r;
        this.arena = a;
        this.view = (prot & Mman.PROT_WRITE) == 0 ? v.asReadOnly() : v;
    }

    /** Closes the current view's arena without unmapping, so that the region can be remapped. */
    private void retireView() {
        region.owned = false;
        arena.close();
    }

    // ---- access ----

    /**
     * The mapped bytes, exactly {@link #size()} of them. Read-only unless the mapping is writable;
     * dead (every access throws IllegalStateException) after {@link #close}, {@link #resize} or {@link #protect}.
     */
    public MemorySegment segment() {
        MemorySegment v = view;
        if (closed) throw new IllegalStateException("the mapping of " + describe() + " is closed");
        if ((prot & Mman.PROT_READ) == 0 && length > 0)
            throw new IllegalStateException("the mapping of " + describe() + " is protected " + Mman.protNames(prot)
                    + "; protect it with PROT_READ before reading");
        return v;
    }

    /** A part of {@link #segment()}; it shares the mapping's lifetime. */
    public MemorySegment slice(long from, long len) {
        checkSubRange(from, len);
        return segment().asSlice(from, len);
    }

    public long size() { return length; }

    /** The file, or null for anonymous memory. */
    public Path path() { return path == null ? null : Path.of(path); }

    public Mode mode() { return mode; }

    /** The file offset of byte 0. */
    public long offset() { return offset; }

    public boolean isOpen() { return !closed; }

    /** The current PROT_ bits. */
    public int protection() { return prot; }

    /** The address of byte 0, for /proc/self/maps and native code. 0 for an empty mapping. */
    public long address() { return region.length == 0 ? 0 : region.address + delta; }

    // ---- kernel calls on the mapping ----

    /** msync(MS_SYNC) of the whole mapping: written bytes are in the file when this returns. */
    public void sync() throws ErrnoException { sync(0, length, false); }

    /** msync of a range of the view; {@code async} uses MS_ASYNC (schedule) instead of MS_SYNC (wait). */
    public synchronized void sync(long from, long len, boolean async) throws ErrnoException {
        checkOpen();
        checkSubRange(from, len);
        if (len == 0) return;
        long[] r = pageRange(from, len);
        wrapPath(path, () -> Mman.msync(MemorySegment.ofAddress(r[0]), r[1], async ? Mman.MS_ASYNC : Mman.MS_SYNC));
    }

    /** madvise of the whole mapping. */
    public void advise(int advice) throws ErrnoException { advise(advice, 0, length); }

    /** madvise of a range of the view (widened to whole pages). MADV_HWPOISON and MADV_SOFT_OFFLINE are refused. */
    public synchronized void advise(int advice, long from, long len) throws ErrnoException {
        checkOpen();
        checkSubRange(from, len);
        if (advice == Mman.MADV_HWPOISON || advice == Mman.MADV_SOFT_OFFLINE)
            throw new IllegalArgumentException(Mman.adviceName(advice) + " would make the memory fault on access; "
                    + "use mmap.Mman directly if that is really wanted");
        if (len == 0) return;
        long[] r = pageRange(from, len);
        wrapPath(path, () -> Mman.madvise(MemorySegment.ofAddress(r[0]), r[1], advice));
    }

    private void madviseAll(int advice) throws ErrnoException {
        if (length > 0) wrapPath(path, () -> Mman.madvise(MemorySegment.ofAddress(region.address), region.length, advice));
    }

    /**
     * mprotect of the whole mapping to {@code newProt} (PROT_ bits). Earlier segments die; the new one
     * is read-only without PROT_WRITE, and {@link #segment()} refuses to hand one out without PROT_READ,
     * so that a protected page is never touched from Java.
     */
    public synchronized MappedFile protect(int newProt) throws ErrnoException {
        checkOpen();
        if ((newProt & ~(Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC)) != 0)
            throw new IllegalArgumentException("protect takes PROT_READ, PROT_WRITE, PROT_EXEC or PROT_NONE, not " + Mman.protNames(newProt));
        if (length > 0) wrapPath(path, () -> Mman.mprotect(MemorySegment.ofAddress(region.address), region.length, newProt));
        Region r = region;
        retireView();
        prot = newProt;
        install(new Region(r.address, r.length));
        return this;
    }

    /** mlock of the whole mapping; fails with a hint about {@code ulimit -l} beyond RLIMIT_MEMLOCK. */
    public synchronized void lock() throws ErrnoException {
        checkOpen();
        if (length > 0) wrapPath(path, () -> Mman.mlock(MemorySegment.ofAddress(region.address), region.length));
    }

    public synchronized void unlock() throws ErrnoException {
        checkOpen();
        if (length > 0) wrapPath(path, () -> Mman.munlock(MemorySegment.ofAddress(region.address), region.length));
    }

    /** mincore: one byte per page of the view (from its first page), 1 where the page is resident. */
    public synchronized byte[] residency() throws ErrnoException {
        checkOpen();
        if (length == 0) return new byte[0];
        byte[] v = wrapPath(path, () -> Mman.mincore(MemorySegment.ofAddress(region.address), region.length));
        for (int i = 0; i < v.length; i++) v[i] &= 1;
        return v;
    }

    /** How many of the view's pages are resident. */
    public long residentPages() throws ErrnoException {
        long n = 0;
        for (byte b : residency()) n += b;
        return n;
    }

    /** How many pages the view spans. */
    public long pageCount() {
        return length == 0 ? 0 : (delta + length + Mman.pageSize() - 1) / Mman.pageSize();
    }

    /**
     * Changes the mapping's length with mremap (MREMAP_MAYMOVE) and returns this mapping, whose
     * {@link #segment()} is the new view. A READ_WRITE file grows to hold it (the file is never shrunk);
     * other file mappings cannot extend past the end of the file. Earlier segments die.
     */
    public synchronized MappedFile resize(long newLength) throws ErrnoException {
        checkOpen();
        if (newLength < 0) throw rangeError(path, "new length " + newLength + " is negative");
        if (newLength == length) return this;
        if (!anonymousMemory) {
            long size = wrapPath(path, () -> Mman.fstat(fd)).size();
            if (offset + newLength > size) {
                if (mode != Mode.READ_WRITE)
                    throw rangeError(path, "cannot resize a " + mode + " mapping to " + newLength + " bytes: the file has "
                            + size + " bytes from offset " + offset + "; map it READ_WRITE to grow the file");
                wrapPath(path, () -> Mman.ftruncate(fd, offset + newLength));
            }
        }
        Region old = region;
        if (newLength == 0) {
            retireView();
            old.owned = true;
            old.unmapIfOwned();
            length = 0;
            install(new Region(0, 0));
            return this;
        }
        if (old.length == 0) {
            retireView();
            length = newLength;
            MemorySegment base = wrapPath(path, () -> Mman.mmap(MemorySegment.NULL, delta + newLength, prot, mapFlags, fd, offset - delta));
            install(new Region(base.address(), delta + newLength));
            return this;
        }
        // Retire the old view first: no reader may touch the old address once mremap may have moved it.
        retireView();
        MemorySegment moved;
        try {
            moved = wrapPath(path, () -> Mman.mremap(MemorySegment.ofAddress(old.address), old.length, delta + newLength, Mman.MREMAP_MAYMOVE));
        } catch (ErrnoException e) {
            install(new Region(old.address, old.length));
            throw e;
        }
        length = newLength;
        install(new Region(moved.address(), delta + newLength));
        return this;
    }

    /** Unmaps and closes the file. Idempotent; segments taken earlier throw on access from then on. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        arena.close();
        if (fd >= 0) closeQuietly(fd);
    }

    @Override
    public String toString() {
        return "#mmap/MappedFile{" + describe() + ", size=" + length + ", mode=" + mode + (closed ? ", closed" : ", open") + "}";
    }

    private String describe() {
        return path == null ? "anonymous memory" : path;
    }

    // ---- helpers ----

    @FunctionalInterface
    private interface NativeAction<T> {
        T run() throws ErrnoException;
    }

    @FunctionalInterface
    private interface NativeVoid {
        void run() throws ErrnoException;
    }

    private static <T> T wrapPath(String file, NativeAction<T> action) throws ErrnoException {
        try {
            return action.run();
        } catch (ErrnoException e) {
            throw file == null || e.path() != null ? e : e.withPath(file);
        }
    }

    private static void wrapPath(String file, NativeVoid action) throws ErrnoException {
        wrapPath(file, () -> { action.run(); return null; });
    }

    /** [page-aligned address, length] covering {@code len} bytes from view offset {@code from}. */
    private long[] pageRange(long from, long len) {
        long page = Mman.pageSize();
        long start = region.address + delta + from;
        long aligned = start - Math.floorMod(start, page);
        return new long[]{aligned, start + len - aligned};
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("the mapping of " + describe() + " is closed");
    }

    private void checkSubRange(long from, long len) {
        if (from < 0 || len < 0 || from > length - len)
            throw new IndexOutOfBoundsException("range [" + from + ", " + from + " + " + len + ") is outside the mapping of "
                    + describe() + " (" + length + " bytes)");
    }

    private static void checkRange(String file, Options opts) throws ErrnoException {
        if (opts.offset < 0) throw rangeError(file, "offset " + opts.offset + " is negative");
        if (opts.length < -1) throw rangeError(file, "length " + opts.length + " is negative");
        if (opts.length >= 0 && opts.offset > Long.MAX_VALUE - opts.length)
            throw rangeError(file, "offset + length overflows");
    }

    private static ErrnoException rangeError(String file, String what) {
        int einval = Errno.value("EINVAL");
        return new ErrnoException("mmap", what, einval, file, "choose an offset and length inside the file");
    }

    /** The kernel's own refusal to map a non-regular file, or ENODEV if it would map it anyway. */
    private static ErrnoException unmappable(String file, int fd, Mman.Stat st, long fsType) {
        String what = fsType == Mman.PROC_SUPER_MAGIC ? "a /proc file" : fsType == Mman.SYSFS_MAGIC ? "a /sys file" : "a " + st.typeName();
        int errno;
        try {
            MemorySegment probe = Mman.mmap(MemorySegment.NULL, Mman.pageSize(), Mman.PROT_READ, Mman.MAP_SHARED, fd, 0);
            Mman.munmap(probe, Mman.pageSize());
            errno = Errno.value("ENODEV");
        } catch (ErrnoException e) {
            errno = e.errno();
        }
        return new ErrnoException("mmap", "fd=" + fd + ", " + what + " (size " + st.size() + " as fstat says)", errno, file,
                what + " has no fixed contents to map; read it with slurp or a stream instead");
    }

    private static void closeQuietly(int fd) {
        try {
            Mman.close(fd);
        } catch (ErrnoException ignored) {
            // Nothing useful can be done about a failed close of a descriptor we opened.
        }
    }

}
