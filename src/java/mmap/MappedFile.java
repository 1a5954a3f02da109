package mmap;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mmap.internal.Access;
import mmap.internal.ByteSearch;
import mmap.posix.Errno;
import mmap.posix.Mman;
import mmap.posix.SyscallException;

/**
 * A memory-mapped file, or anonymous memory, that can never crash the JVM.
 *
 * <pre>{@code
 * try (MappedFile m = MappedFile.open(Path.of("data.bin"),
 *         MappedFile.options().mode(MappedFile.Mode.READ_WRITE))) {
 *     m.write(0, "hello".getBytes(StandardCharsets.UTF_8));
 *     long n = m.getLong(8, ByteOrder.LITTLE_ENDIAN);
 *     m.sync();
 * }
 * }</pre>
 *
 * <p><b>Lifetime.</b> The mapping is owned by a shared {@link Arena}: {@link #close()} unmaps
 * it at once, and any access through a segment obtained earlier then throws
 * {@link IllegalStateException} instead of touching unmapped memory, even from other threads.
 * {@link #resize} and {@link #protect} replace the view the same way, and retire the old one
 * before they change the memory, so that no reader is inside it when they do.
 *
 * <p><b>Truncation.</b> If another process truncates the file, the pages past its new end are
 * gone, and touching them raises SIGBUS. Every accessor of this class ({@link #getByte},
 * {@link #read}, {@link #write}, {@link #indexOf}, the typed getters, and the regex and line
 * readers built on them) copies bytes with the JDK's bulk copy or masks single loads, and
 * calls {@link mmap.posix.Faults#deliverPending()} before it uses what it read: the fault
 * becomes a {@link TruncatedFileException} at that access. {@link #segment()} hands out the raw
 * {@link MemorySegment} for FFM code; reads through it are as safe as FFM makes them, which for
 * a truncated file is not always: prefer the accessors.
 *
 * <p><b>Errors.</b> The kernel's refusals are {@link ErrnoException}s naming the call, the file,
 * the errno and a hint. A caller's mistake is an {@link IllegalArgumentException} (or
 * {@link IndexOutOfBoundsException} for a range), and use after {@link #close()} an
 * {@link IllegalStateException}.
 */
public final class MappedFile implements AutoCloseable {

    /** How the file is mapped. */
    public enum Mode {
        /** PROT_READ, MAP_SHARED; the segment is read-only. The default for files. */
        READ_ONLY,
        /** PROT_READ|PROT_WRITE, MAP_SHARED: writes reach the file (and other processes). */
        READ_WRITE,
        /** PROT_READ|PROT_WRITE, MAP_PRIVATE: copy-on-write; writes never reach the file. */
        PRIVATE;

        /** {@return the keyword Clojure uses for it: {@code "read-only"}, {@code "read-write"} or {@code "private"}} */
        public String keyword() { return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'); }
    }

    /** Options for {@link #open(Path, Options)} and {@link #anonymous(long, Options)}; setters chain. */
    public static final class Options {
        private Mode mode;  // null: READ_ONLY for files, PRIVATE for anonymous memory
        private long offset = 0;
        private long length = -1;
        private boolean populate;
        private Advice advice;
        private boolean lock;
        private boolean hugePages;
        private boolean create;
        private boolean keepDescriptor = true;

        private Options() {}

        /**
         * {@link Mode#READ_ONLY} by default for files, {@link Mode#PRIVATE} for anonymous memory.
         * @param m the access mode
         * @return these options
         */
        public Options mode(Mode m) { this.mode = Objects.requireNonNull(m, "mode"); return this; }

        /**
         * Where the mapping starts in the file: any byte offset (aligned down internally). 0 by default.
         * @param o the byte offset in the file
         * @return these options
         */
        public Options offset(long o) {
            if (o < 0) throw new IllegalArgumentException("offset " + o + " is negative");
            this.offset = o;
            return this;
        }

        /**
         * How many bytes to map; by default up to the end of the file.
         * @param l the number of bytes to map
         * @return these options
         */
        public Options length(long l) {
            if (l < 0) throw new IllegalArgumentException("length " + l + " is negative");
            this.length = l;
            return this;
        }

        /**
         * MAP_POPULATE: fault every page in by the mmap call itself.
         * @param p true to prefault the pages
         * @return these options
         */
        public Options populate(boolean p) { this.populate = p; return this; }

        /**
         * Advice to give the whole mapping at once; null for none.
         * @param a the advice to give at open
         * @return these options
         */
        public Options advice(Advice a) { this.advice = a; return this; }

        /**
         * mlock the mapping (limited by RLIMIT_MEMLOCK, see {@code ulimit -l}).
         * @param l true to lock the pages in memory
         * @return these options
         */
        public Options lock(boolean l) { this.lock = l; return this; }

        /**
         * MAP_HUGETLB for anonymous memory, MADV_HUGEPAGE for files.
         * @param h true to ask for transparent huge pages
         * @return these options
         */
        public Options hugePages(boolean h) { this.hugePages = h; return this; }

        /**
         * READ_WRITE only: create the file (mode 0644) if it is missing.
         * @param c true to create the file when it is missing
         * @return these options
         */
        public Options create(boolean c) { this.create = c; return this; }

        /**
         * Whether to keep the file descriptor open while mapped (the default). Without it the
         * mapping holds no descriptor, which suits many short-lived read-only mappings, but
         * {@link #resize} can then only shrink.
         * @param k true to keep the file descriptor open while mapped
         * @return these options
         */
        public Options keepDescriptor(boolean k) { this.keepDescriptor = k; return this; }

        @Override public String toString() {
            return "{mode=" + mode + ", offset=" + offset + ", length=" + (length < 0 ? "to end" : length)
                    + ", populate=" + populate + ", advice=" + (advice == null ? "none" : advice)
                    + ", lock=" + lock + ", hugePages=" + hugePages + ", create=" + create + "}";
        }
    }

    /**
     * New options, all defaults.
     * @return these options
     */
    public static Options options() { return new Options(); }

    static {
        // Everything a failure needs is loaded now: a class first needed when the process is out
        // of descriptors could not be read from the class path then, and errors must still be told.
        preload(ErrnoException.class, TruncatedFileException.class, SyscallException.class, MapBudget.class, Access.class,
                mmap.posix.Faults.class, ByteSearch.class, Errno.class, Mman.class, Mman.Stat.class, View.class, Region.class,
                Advice.class, Protection.class, Mode.class);
    }

    private static void preload(Class<?>... classes) {
        for (Class<?> c : classes) {
            try {
                Class.forName(c.getName(), true, c.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** One mmap'd address range; its arena's cleanup unmaps it unless ownership moved on. */
    private static final class Region {
        final long address;
        final long length;
        volatile boolean owned = true;

        Region(long address, long length) { this.address = address; this.length = length; }

        synchronized void unmapIfOwned() {
            if (owned && length > 0) {
                owned = false;
                try {
                    Mman.munmap(MemorySegment.ofAddress(address), length);
                    MapBudget.release();
                } catch (SyscallException e) {
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
    private volatile int fd;            // -1 for anonymous memory, or once released
    private final int mapFlags;
    private final boolean anonymousMemory;
    private volatile int prot;
    private volatile long length;
    private Region region;
    private Arena arena;
    /** The current view with the protection and length it was made for, read by accessors in one step. */
    private record View(MemorySegment segment, int prot, long length) {}

    private volatile View view;
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

    /**
     * Maps the whole file read-only.
     * @param path the file
     * @throws ErrnoException if the system call fails; the message names the call, the file, the errno name and a hint
     * @return the new mapping
     */
    public static MappedFile open(Path path) throws ErrnoException {
        return open(path, options());
    }

    /**
     * Maps {@code path} as {@code opts} say. If anything fails, the file is left as it was:
     * a file this call created is removed again, and one it grew is cut back to its size.
     * @param path the file
     * @param opts the options
     * @throws ErrnoException if the system call fails; the message names the call, the file, the errno name and a hint
     * @return the new mapping
     */
    public static MappedFile open(Path path, Options opts) throws ErrnoException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(opts, "options");
        String file = path.toString();
        Mode mode = opts.mode == null ? Mode.READ_ONLY : opts.mode;
        if (opts.create && mode != Mode.READ_WRITE)
            throw new IllegalArgumentException("create applies only to READ_WRITE mappings, not " + mode + ": " + file);
        if (opts.length >= 0 && opts.offset > Long.MAX_VALUE - opts.length)
            throw new IllegalArgumentException("offset " + opts.offset + " + length " + opts.length + " overflows: " + file);
        if (!opts.keepDescriptor && mode == Mode.READ_WRITE)
            throw new IllegalArgumentException("a READ_WRITE mapping keeps its descriptor (to grow the file): " + file);
        int access = mode == Mode.READ_WRITE ? Mman.O_RDWR : Mman.O_RDONLY;
        // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
        int flags = access | Mman.O_CLOEXEC | Mman.O_NONBLOCK;
        boolean created = false;
        int opened;
        try {
            opened = Mman.open(file, flags, 0644);
        } catch (SyscallException e) {
            if (!(opts.create && e.errno() == Errno.value("ENOENT"))) throw ErrnoException.from(e, file, null);
            try {
                opened = Mman.open(file, flags | Mman.O_CREAT | Mman.O_EXCL, 0644);
                created = true;
            } catch (SyscallException again) {
                throw ErrnoException.from(again, file, null);
            }
        }
        final int fd = opened;
        long grownFrom = -1;
        try {
            Mman.Stat st = wrap(file, () -> Mman.fstat(fd));
            if (st.isDirectory())
                throw new ErrnoException("open", "", Errno.value("EISDIR"), file, "that path is a directory; map a regular file");
            long fsType = wrap(file, () -> Mman.fstatfsType(fd));
            if (!st.isRegular() || fsType == Mman.PROC_SUPER_MAGIC || fsType == Mman.SYSFS_MAGIC)
                throw unmappable(file, fd, st, fsType);
            long size = st.size();
            if (opts.offset > size)
                throw new IllegalArgumentException("offset " + opts.offset + " is past the end of " + file + " (" + size + " bytes)");
            long length = opts.length < 0 ? size - opts.offset : opts.length;
            if (opts.offset + length > size) {
                if (mode != Mode.READ_WRITE)
                    throw new IllegalArgumentException("offset " + opts.offset + " + length " + length + " is past the end of "
                            + file + " (" + size + " bytes); a " + mode + " mapping cannot extend a file: map it READ_WRITE to grow it");
                wrap(file, () -> { Mman.ftruncate(fd, opts.offset + length); return null; });
                grownFrom = size;
            }
            int prot = mode == Mode.READ_ONLY ? Mman.PROT_READ : Mman.PROT_READ | Mman.PROT_WRITE;
            int mapFlags = (mode == Mode.PRIVATE ? Mman.MAP_PRIVATE : Mman.MAP_SHARED)
                    | (opts.populate ? Mman.MAP_POPULATE : 0);
            long delta = opts.offset % Mman.pageSize();
            MappedFile m = new MappedFile(file, mode, opts.offset, delta, fd, mapFlags, prot, false);
            m.mapInitial(length, opts);
            if (!opts.keepDescriptor) m.releaseDescriptor();
            return m;
        } catch (ErrnoException | RuntimeException e) {
            undoOpen(file, fd, created, grownFrom, e);
            throw e;
        }
    }

    /** Puts the file back as it was before a failed open, and closes its descriptor. */
    private static void undoOpen(String file, int fd, boolean created, long grownFrom, Exception failure) {
        try {
            if (created) Mman.unlink(file);
            else if (grownFrom >= 0) Mman.ftruncate(fd, grownFrom);
        } catch (SyscallException e) {
            failure.addSuppressed(ErrnoException.from(e, file, "the file could not be put back as it was"));
        }
        closeQuietly(fd);
    }

    /**
     * Anonymous memory of {@code length} bytes, zero-filled, private to this process.
     * @param length length in bytes
     * @throws ErrnoException if the system call fails; the message names the call, the file, the errno name and a hint
     * @return the new mapping
     */
    public static MappedFile anonymous(long length) throws ErrnoException {
        return anonymous(length, options());
    }

    /**
     * Anonymous memory of {@code length} bytes, zero-filled: mode PRIVATE (the default) or
     * READ_WRITE (MAP_SHARED: shared with child processes).
     * @param length length in bytes
     * @param opts the options
     * @throws ErrnoException if the system call fails; the message names the call, the file, the errno name and a hint
     * @return the new mapping
     */
    public static MappedFile anonymous(long length, Options opts) throws ErrnoException {
        Objects.requireNonNull(opts, "options");
        if (length < 0) throw new IllegalArgumentException("length " + length + " is negative");
        if (opts.offset != 0 || opts.length >= 0 || opts.create)
            throw new IllegalArgumentException("anonymous memory takes no offset, length or create option: " + opts);
        Mode mode = opts.mode == null ? Mode.PRIVATE : opts.mode;
        if (mode == Mode.READ_ONLY) throw new IllegalArgumentException("anonymous memory is PRIVATE or READ_WRITE, not READ_ONLY");
        int kind = mode == Mode.READ_WRITE ? Mman.MAP_SHARED : Mman.MAP_PRIVATE;
        int prot = Mman.PROT_READ | Mman.PROT_WRITE;
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
        install(mapRegion(delta + length));
        try {
            if (opts.hugePages && !anonymousMemory) madviseAll(Mman.MADV_HUGEPAGE);
            if (opts.advice != null) madviseAll(opts.advice.value());
            if (opts.lock) lock();
        } catch (ErrnoException | RuntimeException e) {
            // Unmap, but leave the descriptor to the caller: it may have to shrink or remove the file.
            closed = true;
            arena.close();
            throw e;
        }
    }

    private Region mapRegion(long bytes) throws ErrnoException {
        String args = "len=" + bytes + ", prot=" + Mman.protNames(prot) + ", flags=" + Mman.mapFlagNames(mapFlags);
        MapBudget.reserve("mmap", args, path);
        try {
            MemorySegment base = Mman.mmap(MemorySegment.NULL, bytes, prot, mapFlags, fd, offset - delta);
            return new Region(base.address(), bytes);
        } catch (SyscallException e) {
            MapBudget.release();
            throw ErrnoException.from(e, path, null);
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
        this.view = new View((prot & Mman.PROT_WRITE) == 0 ? v.asReadOnly() : v, prot, length);
    }

    /**
     * Closes the current view's arena without unmapping, so that the memory can be changed.
     * Closing a shared arena waits until no thread is inside an access of it; it fails (and
     * nothing changes) while a native call holds the segment, which is reported as such.
     */
    private void retireView(String why) {
        region.owned = false;
        try {
            arena.close();
        } catch (IllegalStateException e) {
            region.owned = true;
            throw new IllegalStateException("cannot " + why + " the mapping of " + describe()
                    + " while a native call is using its segment (" + e.getMessage() + "); try again when that call has returned", e);
        }
    }

    /** Closes the file descriptor; the mapping stays valid. */
    private void releaseDescriptor() {
        int f = fd;
        fd = -1;
        if (f >= 0) closeQuietly(f);
    }

    // ---- access ----

    /**
     * {@return the mapped bytes, exactly {@link #size()} of them, for FFM code: read-only unless the
     * mapping is writable; dead (every access throws IllegalStateException) after
     * {@link #close}, {@link #resize} or {@link #protect}} See the class comment on truncation.
     */
    public MemorySegment segment() {
        return readable().segment();
    }

    /**
     * {@return a part of {@link #segment()}; it shares the mapping's lifetime}
     * @param from first byte offset of the range (inclusive)
     * @param len number of bytes
     */
    public MemorySegment slice(long from, long len) {
        View v = readable();
        checkSubRange(v, from, len);
        return v.segment().asSlice(from, len);
    }

    private View readable() {
        View v = view;
        if (closed) throw closedError();
        if ((v.prot() & Mman.PROT_READ) == 0 && v.length() > 0)
            throw new IllegalStateException("the mapping of " + describe() + " is protected " + Mman.protNames(v.prot())
                    + "; protect it with READ before reading");
        return v;
    }

    private View writable() {
        View v = view;
        if (closed) throw closedError();
        if (mode == Mode.READ_ONLY)
            throw new UnsupportedOperationException("the mapping of " + describe() + " is READ_ONLY; map the file READ_WRITE or PRIVATE to write to it");
        if ((v.prot() & Mman.PROT_WRITE) == 0)
            throw new IllegalStateException("the mapping of " + describe() + " is protected " + Mman.protNames(v.prot())
                    + "; protect it with WRITE before writing");
        return v;
    }

    private IllegalStateException closedError() {
        return new IllegalStateException("the mapping of " + describe() + " is closed");
    }

    /**
     * {@return the byte at {@code offset}}
     * @param offset byte offset from the start of the mapping
     */
    public byte getByte(long offset) {
        View v = readable();
        checkSubRange(v, offset, 1);
        try {
            return Access.getByte(v.segment(), offset);
        } catch (InternalError | IllegalStateException e) {
            throw accessFailure(e, offset, 1);
        }
    }

    /**
     * {@return the 16 bits at {@code offset} in {@code order}; any offset, aligned or not}
     * @param offset byte offset from the start of the mapping
     * @param order byte order of the value
     */
    public short getShort(long offset, ByteOrder order) {
        View v = readable();
        checkSubRange(v, offset, 2);
        try {
            return Access.getShort(v.segment(), offset, order == ByteOrder.BIG_ENDIAN);
        } catch (InternalError | IllegalStateException e) {
            throw accessFailure(e, offset, 2);
        }
    }

    /**
     * {@return the 32 bits at {@code offset} in {@code order}; any offset, aligned or not}
     * @param offset byte offset from the start of the mapping
     * @param order byte order of the value
     */
    public int getInt(long offset, ByteOrder order) {
        View v = readable();
        checkSubRange(v, offset, 4);
        try {
            return Access.getInt(v.segment(), offset, order == ByteOrder.BIG_ENDIAN);
        } catch (InternalError | IllegalStateException e) {
            throw accessFailure(e, offset, 4);
        }
    }

    /**
     * {@return the 64 bits at {@code offset} in {@code order}; any offset, aligned or not}
     * @param offset byte offset from the start of the mapping
     * @param order byte order of the value
     */
    public long getLong(long offset, ByteOrder order) {
        View v = readable();
        checkSubRange(v, offset, 8);
        try {
            return Access.getLong(v.segment(), offset, order == ByteOrder.BIG_ENDIAN);
        } catch (InternalError | IllegalStateException e) {
            throw accessFailure(e, offset, 8);
        }
    }

    /**
     * {@return the IEEE 754 single at {@code offset} in {@code order}}
     * @param offset byte offset from the start of the mapping
     * @param order byte order of the value
     */
    public float getFloat(long offset, ByteOrder order) {
        return Float.intBitsToFloat(getInt(offset, order));
    }

    /**
     * {@return the IEEE 754 double at {@code offset} in {@code order}}
     * @param offset byte offset from the start of the mapping
     * @param order byte order of the value
     */
    public double getDouble(long offset, ByteOrder order) {
        return Double.longBitsToDouble(getLong(offset, order));
    }

    /**
     * Writes one byte at {@code offset}.
     * @param offset byte offset from the start of the mapping
     * @param value the value to write
     */
    public void putByte(long offset, byte value) {
        View v = writable();
        checkSubRange(v, offset, 1);
        try {
            Access.putByte(v.segment(), offset, value);
        } catch (InternalError | IllegalStateException e) {
            throw accessFailure(e, offset, 1);
        }
    }

    /**
     * Writes 16 bits at {@code offset} in {@code order}.
     * @param offset byte offset from the start of the mapping
     * @param value the value to write
     * @param order byte order of the value
     */
    public void putShort(long offset, short value, ByteOrder order) {
        View v = writable();
        checkSubRange(v, offset, 2);
        try {
            Access.putShort(v.segment(), offset, value, order == ByteOrder.BIG_ENDIAN);
        } catch (InternalError | IllegalStateException e) {
            throw accessFailure(e, offset, 2);
        }
    }

    /**
     * Writes 32 bits at {@code offset} in {@code order}.
     * @param offset byte offset from the start of the mapping
     * @param value the value to write
     * @param order byte order of the value
     */
    public void putInt(long offset, int value, ByteOrder order) {
        View v = writable();
        checkSubRange(v, offset, 4);
        try {
            Access.putInt(v.segment(), offset, value, order == ByteOrder.BIG_ENDIAN);
        } catch (InternalError | IllegalStateException e) {
            throw accessFailure(e, offset, 4);
        }
    }

    /**
     * Writes 64 bits at {@code offset} in {@code order}.
     * @param offset byte offset from the start of the mapping
     * @param value the value to write
     * @param order byte order of the value
     */
    public void putLong(long offset, long value, ByteOrder order) {
        View v = writable();
        checkSubRange(v, offset, 8);
        try {
            Access.putLong(v.segment(), offset, value, order == ByteOrder.BIG_ENDIAN);
        } catch (InternalError | IllegalStateException e) {
            throw accessFailure(e, offset, 8);
        }
    }

    /**
     * Writes an IEEE 754 single at {@code offset} in {@code order}.
     * @param offset byte offset from the start of the mapping
     * @param value the value to write
     * @param order byte order of the value
     */
    public void putFloat(long offset, float value, ByteOrder order) {
        putInt(offset, Float.floatToRawIntBits(value), order);
    }

    /**
     * Writes an IEEE 754 double at {@code offset} in {@code order}.
     * @param offset byte offset from the start of the mapping
     * @param value the value to write
     * @param order byte order of the value
     */
    public void putDouble(long offset, double value, ByteOrder order) {
        putLong(offset, Double.doubleToRawLongBits(value), order);
    }

    // ---- atomics: for counters and flags shared between threads and processes ----

    /**
     * The segment for an atomic access of {@code size} bytes at {@code offset}: in range,
     * naturally aligned, and (for a file) still backed by the file. The interpreter's atomic
     * instructions are not covered by the JVM's SIGBUS handling, so a file is checked with
     * fstat first; only a truncation in the instant between that check and the instruction
     * could still fault.
     */
    private MemorySegment atomicSegment(long offset, int size, boolean write) {
        View v = write ? writable() : readable();
        checkSubRange(v, offset, size);
        long address = v.segment().address() + offset;
        if (address % size != 0) {
            throw new IllegalArgumentException("an atomic " + (size * 8) + "-bit access needs an offset aligned to " + size
                    + " bytes; offset " + offset + " of " + describe() + " is not (the nearest aligned offsets are "
                    + (offset - address % size) + " and " + (offset - address % size + size) + ")");
        }
        if (path != null) {
            long fileSize = currentFileSize();
            long page = Mman.pageSize();
            if (fileSize >= 0 && (this.offset + offset) / page * page >= fileSize) {
                throw new TruncatedFileException(describe(), offset, size, fileSize, null);
            }
        }
        return v.segment();
    }

    /**
     * Atomically sets the 64-bit value at {@code offset} (native byte order, aligned to 8) to
     * {@code update} if it is {@code expect}.
     *
     * @param offset the byte offset in the mapping, a multiple of 8 from an aligned address
     * @param expect the value expected there
     * @param update the value to store
     * @return whether the value was {@code expect} and is now {@code update}
     */
    public boolean compareAndSetLong(long offset, long expect, long update) {
        MemorySegment s = atomicSegment(offset, 8, true);
        try {
            return Access.compareAndSetLong(s, offset, expect, update);
        } catch (InternalError | IllegalStateException e) {
            throw accessFailure(e, offset, 8);
        }
    }

    /**
     * Atomically adds {@code delta} to the 64-bit value at {@code offset} (native byte order,
     * aligned to 8).
     *
     * @param offset the byte offset in the mapping, aligned to 8
     * @param delta what to add
     * @return the value before the addition
     */
    public long getAndAddLong(long offset, long delta) {
        MemorySegment s = atomicSegment(offset, 8, true);
        try {
            return Access.getAndAddLong(s, offset, delta);
        } catch (InternalError | IllegalStateException e) {
            throw accessFailure(e, offset, 8);
        }
    }

    /**
     * The 64-bit value at {@code offset} (native byte order, aligned to 8), read with volatile
     * semantics: it sees every write made before another thread's or process's volatile write.
     *
     * @param offset the byte offset in the mapping, aligned to 8
     * @return the value
     */
    public long getLongVolatile(long offset) {
        MemorySegment s = atomicSegment(offset, 8, false);
        try {
            return Access.getLongVolatile(s, offset);
        } catch (InternalError | IllegalStateException e) {
            throw accessFailure(e, offset, 8);
        }
    }

    /**
     * Writes the 64-bit value at {@code offset} (native byte order, aligned to 8) with
     * volatile semantics.
     *
     * @param offset the byte offset in the mapping, aligned to 8
     * @param value the value to store
     */
    public void putLongVolatile(long offset, long value) {
        MemorySegment s = atomicSegment(offset, 8, true);
        try {
            Access.putLongVolatile(s, offset, value);
        } catch (InternalError | IllegalStateException e) {
            throw accessFailure(e, offset, 8);
        }
    }

    /**
     * {@link #compareAndSetLong} for the 32-bit value at {@code offset} (aligned to 4).
     *
     * @param offset the byte offset in the mapping, aligned to 4
     * @param expect the value expected there
     * @param update the value to store
     * @return whether the value was {@code expect} and is now {@code update}
     */
    public boolean compareAndSetInt(long offset, int expect, int update) {
        MemorySegment s = atomicSegment(offset, 4, true);
        try {
            return Access.compareAndSetInt(s, offset, expect, update);
        } catch (InternalError | IllegalStateException e) {
            throw accessFailure(e, offset, 4);
        }
    }

    /**
     * {@link #getAndAddLong} for the 32-bit value at {@code offset} (aligned to 4).
     *
     * @param offset the byte offset in the mapping, aligned to 4
     * @param delta what to add
     * @return the value before the addition
     */
    public int getAndAddInt(long offset, int delta) {
        MemorySegment s = atomicSegment(offset, 4, true);
        try {
            return Access.getAndAddInt(s, offset, delta);
        } catch (InternalError | IllegalStateException e) {
            throw accessFailure(e, offset, 4);
        }
    }

    /**
     * {@link #getLongVolatile} for the 32-bit value at {@code offset} (aligned to 4).
     *
     * @param offset the byte offset in the mapping, aligned to 4
     * @return the value
     */
    public int getIntVolatile(long offset) {
        MemorySegment s = atomicSegment(offset, 4, false);
        try {
            return Access.getIntVolatile(s, offset);
        } catch (InternalError | IllegalStateException e) {
            throw accessFailure(e, offset, 4);
        }
    }

    /**
     * {@link #putLongVolatile} for the 32-bit value at {@code offset} (aligned to 4).
     *
     * @param offset the byte offset in the mapping, aligned to 4
     * @param value the value to store
     */
    public void putIntVolatile(long offset, int value) {
        MemorySegment s = atomicSegment(offset, 4, true);
        try {
            Access.putIntVolatile(s, offset, value);
        } catch (InternalError | IllegalStateException e) {
            throw accessFailure(e, offset, 4);
        }
    }

    /**
     * Copies {@code len} bytes from {@code offset} into {@code dst} at {@code dstOffset}.
     * @param offset byte offset from the start of the mapping
     * @param dst the destination array
     * @param dstOffset index of the first byte in dst
     * @param len number of bytes
     */
    public void read(long offset, byte[] dst, int dstOffset, int len) {
        Objects.checkFromIndexSize(dstOffset, len, dst.length);
        View v = readable();
        checkSubRange(v, offset, len);
        try {
            Access.copy(v.segment(), offset, dst, dstOffset, len);
        } catch (InternalError | IllegalStateException e) {
            throw accessFailure(e, offset, len);
        }
    }

    /**
     * Copies {@code count} elements of {@code layout} from {@code offset} into the primitive
     * array {@code dst} (of the layout's carrier type) at {@code dstIndex}; the layout's byte
     * order is the data's.
     *
     * @param offset the byte offset of the first element
     * @param layout the element layout: JAVA_BYTE, or an unaligned JAVA_SHORT, JAVA_INT,
     *     JAVA_LONG, JAVA_FLOAT or JAVA_DOUBLE in some byte order
     * @param dst a byte[], short[], int[], long[], float[] or double[] to match
     * @param dstIndex where in {@code dst} the first element goes
     * @param count how many elements to copy
     */
    public void readElements(long offset, ValueLayout layout, Object dst, int dstIndex, int count) {
        View v = readable();
        if (count < 0) throw new IllegalArgumentException("count must not be negative: " + count);
        checkSubRange(v, offset, count * layout.byteSize());
        try {
            Access.copyElements(v.segment(), layout, offset, dst, dstIndex, count);
        } catch (InternalError | IllegalStateException e) {
            throw accessFailure(e, offset, count * layout.byteSize());
        }
    }

    /**
     * Copies {@code len} bytes from {@code offset} into a new array (at most 2 GiB at a time).
     * @param offset byte offset from the start of the mapping
     * @param len number of bytes
     * @return a new array of the bytes
     */
    public byte[] bytes(long offset, long len) {
        checkSubRange(view, offset, len);
        if (len > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException(len + " bytes do not fit in one Java array (2 GiB at most): copy them in parts");
        byte[] b = new byte[(int) len];
        read(offset, b, 0, (int) len);
        return b;
    }

    /**
     * Copies {@code len} bytes of {@code src} from {@code srcOffset} into the mapping at {@code offset}.
     * @param offset byte offset from the start of the mapping
     * @param src the source array
     * @param srcOffset index of the first byte in src
     * @param len number of bytes
     */
    public void write(long offset, byte[] src, int srcOffset, int len) {
        Objects.checkFromIndexSize(srcOffset, len, src.length);
        View v = writable();
        checkSubRange(v, offset, len);
        try {
            Access.copy(src, srcOffset, v.segment(), offset, len);
        } catch (InternalError | IllegalStateException e) {
            throw accessFailure(e, offset, len);
        }
    }

    /**
     * Writes all of {@code src} at {@code offset}.
     * @param offset byte offset from the start of the mapping
     * @param src the source array
     */
    public void write(long offset, byte[] src) {
        write(offset, src, 0, src.length);
    }

    /**
     * {@return the offset of the first occurrence of {@code needle} in [{@code from}, {@code to}), or -1}
     * @param needle the bytes to find
     * @param from first byte offset of the range (inclusive)
     * @param to end byte offset of the range (exclusive)
     */
    public long indexOf(byte[] needle, long from, long to) {
        Objects.requireNonNull(needle, "needle");
        View v = readable();
        if (from < 0 || to > v.length() || from > to)
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") is outside the mapping of " + describe()
                    + " (" + v.length() + " bytes)");
        try {
            return ByteSearch.indexOf(v.segment(), from, to, needle);
        } catch (InternalError | IllegalStateException e) {
            throw accessFailure(e, from, to - from);
        }
    }

    /**
     * {@return the offset of the first occurrence of {@code needle} at or after {@code from}, or -1}
     * @param needle the bytes to find
     * @param from first byte offset of the range (inclusive)
     */
    public long indexOf(byte[] needle, long from) {
        return indexOf(needle, Math.max(0, Math.min(from, length)), length);
    }

    /**
     * {@return the matches of {@code pattern} in the mapping's text, in order, as a lazy stream: equal
     * to {@code pattern.matcher(text).results()} over the whole file decoded as UTF-8, with
     * byte offsets} Large mappings are scanned by several threads ahead of the stream's
     * reader; close the stream (try-with-resources) to stop them early. The mapping must stay
     * open while the stream is read.
     * @param pattern the regular expression
     */
    public Stream<Match> matches(Pattern pattern) {
        return matches(pattern, ScanOptions.defaults());
    }

    /**
     * {@link #matches(Pattern)} with a range, an encoding, threads or an executor.
     * @param pattern the regular expression
     * @param options the options
     * @return an ordered, lazy stream of the matches; close it to stop the scan
     */
    public Stream<Match> matches(Pattern pattern, ScanOptions options) {
        return Scans.matches(segment(), pattern, options);
    }

    /**
     * {@return how many matches {@link #matches(Pattern)} would give, building no strings}
     * @param pattern the regular expression
     */
    public long countMatches(Pattern pattern) {
        return countMatches(pattern, ScanOptions.defaults());
    }

    /**
     * {@link #countMatches(Pattern)} with a range, an encoding, threads or an executor.
     * @param pattern the regular expression
     * @param options the options
     * @return the number of matches
     */
    public long countMatches(Pattern pattern, ScanOptions options) {
        return Scans.count(segment(), pattern, options);
    }

    /**
     * {@return what an exception thrown while this mapping was read (through its segment, or by code
     * that reads it, such as a regex scan) means: the JVM's {@link InternalError} for a fault
     * becomes a {@link TruncatedFileException}, a dead segment's {@link IllegalStateException}
     * one that names the file and says why; anything else is returned as it is}
     * @param t the exception to explain
     */
    public RuntimeException explain(Throwable t) {
        if (t instanceof TruncatedFileException tf) return tf;
        if (t instanceof InternalError || t instanceof IllegalStateException) return accessFailure(t, 0, length);
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    /**
     * What a failed access means for the caller: the JVM's signal that the file was truncated,
     * or a mapping closed (or replaced by resize or protect) while the access ran.
     */
    RuntimeException accessFailure(Throwable t, long at, long len) {
        if (t instanceof InternalError) return new TruncatedFileException(describe(), at, len, currentFileSize(), t);
        if (t.getMessage() != null && t.getMessage().startsWith("the mapping of ")) return (RuntimeException) t;
        if (closed) return new IllegalStateException("the mapping of " + describe() + " is closed", t);
        if (t instanceof IllegalStateException ise)
            return new IllegalStateException("the mapping of " + describe() + " was resized or protected while it was being read ("
                    + ise.getMessage() + "); read it again", t);
        return t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }

    /** The file's size now, or -1 when it cannot be read. */
    private long currentFileSize() {
        if (path == null) return -1;
        int f = fd;
        try {
            if (f >= 0) return Mman.fstat(f).size();
            return Files.size(Path.of(path));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** {@return the length in bytes} */
    public long size() { return length; }

    /** {@return the file, or null for anonymous memory} */
    public Path path() { return path == null ? null : Path.of(path); }

    /** {@return how the memory is mapped} */
    public Mode mode() { return mode; }

    /** {@return the file offset of byte 0} */
    public long offset() { return offset; }

    /**
     * False once {@link #close()} has run.
     * @return whether the mapping is still open
     */
    public boolean isOpen() { return !closed; }

    /** {@return the access the memory allows now} */
    public Set<Protection> protection() {
        EnumSet<Protection> s = EnumSet.noneOf(Protection.class);
        for (Protection p : Protection.values()) if ((prot & p.bits()) != 0) s.add(p);
        return s;
    }

    /** {@return the address of byte 0, for /proc/self/maps and native code; 0 for an empty mapping} */
    public long address() { return region.length == 0 ? 0 : region.address + delta; }

    // ---- kernel calls on the mapping ----

    /**
     * msync(MS_SYNC) of the whole mapping: written bytes are in the file when this returns.
     * @throws ErrnoException if the system call fails; the message names the call, the file, the errno name and a hint
     */
    public void sync() throws ErrnoException { sync(0, length); }

    /**
     * msync(MS_ASYNC) of the whole mapping: the write-back is scheduled, not waited for.
     * @throws ErrnoException if the system call fails; the message names the call, the file, the errno name and a hint
     */
    public void syncAsync() throws ErrnoException { syncAsync(0, length); }

    /**
     * msync(MS_SYNC) of {@code len} bytes from {@code from} (widened to whole pages).
     * @param from first byte offset of the range (inclusive)
     * @param len number of bytes
     * @throws ErrnoException if the system call fails; the message names the call, the file, the errno name and a hint
     */
    public void sync(long from, long len) throws ErrnoException { msync(from, len, Mman.MS_SYNC); }

    /**
     * msync(MS_ASYNC) of {@code len} bytes from {@code from} (widened to whole pages).
     * @param from first byte offset of the range (inclusive)
     * @param len number of bytes
     * @throws ErrnoException if the system call fails; the message names the call, the file, the errno name and a hint
     */
    public void syncAsync(long from, long len) throws ErrnoException { msync(from, len, Mman.MS_ASYNC); }

    private synchronized void msync(long from, long len, int flags) throws ErrnoException {
        checkOpen();
        checkSubRange(from, len);
        if (len == 0) return;
        long[] r = pageRange(from, len);
        wrap(path, () -> { Mman.msync(MemorySegment.ofAddress(r[0]), r[1], flags); return null; });
    }

    /**
     * madvise of the whole mapping.
     * @param advice the advice
     * @throws ErrnoException if the system call fails; the message names the call, the file, the errno name and a hint
     */
    public void advise(Advice advice) throws ErrnoException { advise(advice, 0, length); }

    /**
     * madvise of {@code len} bytes from {@code from} (widened to whole pages).
     * @param advice the advice
     * @param from first byte offset of the range (inclusive)
     * @param len number of bytes
     * @throws ErrnoException if the system call fails; the message names the call, the file, the errno name and a hint
     */
    public synchronized void advise(Advice advice, long from, long len) throws ErrnoException {
        Objects.requireNonNull(advice, "advice");
        checkOpen();
        checkSubRange(from, len);
        if (len == 0) return;
        long[] r = pageRange(from, len);
        wrap(path, () -> { Mman.madvise(MemorySegment.ofAddress(r[0]), r[1], advice.value()); return null; });
    }

    private void madviseAll(int advice) throws ErrnoException {
        if (length > 0) wrap(path, () -> { Mman.madvise(MemorySegment.ofAddress(region.address), region.length, advice); return null; });
    }

    /**
     * mprotect of the whole mapping to {@code access} (the empty set is PROT_NONE). The current
     * view is retired first, so no thread is reading or writing the memory when its protection
     * changes; segments taken earlier die. Without {@link Protection#READ} every read is refused
     * rather than allowed to fault, and without {@link Protection#WRITE} every write.
     * @param access the protections
     * @throws ErrnoException if the system call fails; the message names the call, the file, the errno name and a hint
     * @return this mapping
     */
    public synchronized MappedFile protect(Set<Protection> access) throws ErrnoException {
        Objects.requireNonNull(access, "access");
        checkOpen();
        int newProt = Protection.bitsOf(access);
        if (length == 0) { prot = newProt; return this; }
        Region r = region;
        retireView("protect");
        try {
            wrap(path, () -> { Mman.mprotect(MemorySegment.ofAddress(r.address), r.length, newProt); return null; });
            prot = newProt;
        } finally {
            install(new Region(r.address, r.length));
        }
        return this;
    }

    /**
     * mlock of the whole mapping; beyond RLIMIT_MEMLOCK it fails with a hint about {@code ulimit -l}.
     * @throws ErrnoException if the system call fails; the message names the call, the file, the errno name and a hint
     */
    public void lock() throws ErrnoException { lock(0, length); }

    /**
     * mlock of {@code len} bytes from {@code from} (widened to whole pages).
     * @param from first byte offset of the range (inclusive)
     * @param len number of bytes
     * @throws ErrnoException if the system call fails; the message names the call, the file, the errno name and a hint
     */
    public synchronized void lock(long from, long len) throws ErrnoException {
        checkOpen();
        checkSubRange(from, len);
        if (len == 0) return;
        long[] r = pageRange(from, len);
        wrap(path, () -> { Mman.mlock(MemorySegment.ofAddress(r[0]), r[1]); return null; });
    }

    /**
     * munlock of the whole mapping.
     * @throws ErrnoException if the system call fails; the message names the call, the file, the errno name and a hint
     */
    public void unlock() throws ErrnoException { unlock(0, length); }

    /**
     * munlock of {@code len} bytes from {@code from} (widened to whole pages).
     * @param from first byte offset of the range (inclusive)
     * @param len number of bytes
     * @throws ErrnoException if the system call fails; the message names the call, the file, the errno name and a hint
     */
    public synchronized void unlock(long from, long len) throws ErrnoException {
        checkOpen();
        checkSubRange(from, len);
        if (len == 0) return;
        long[] r = pageRange(from, len);
        wrap(path, () -> { Mman.munlock(MemorySegment.ofAddress(r[0]), r[1]); return null; });
    }

    /**
     * mincore of the whole mapping: one byte per page, 1 where the page is resident.
     * @throws ErrnoException if the system call fails; the message names the call, the file, the errno name and a hint
     * @return one byte per page, 1 where the page is resident
     */
    public byte[] residency() throws ErrnoException { return residency(0, length); }

    /**
     * mincore of the pages that hold {@code len} bytes from {@code from}: 1 where a page is resident.
     * @param from first byte offset of the range (inclusive)
     * @param len number of bytes
     * @throws ErrnoException if the system call fails; the message names the call, the file, the errno name and a hint
     * @return one byte per page, 1 where the page is resident
     */
    public synchronized byte[] residency(long from, long len) throws ErrnoException {
        checkOpen();
        checkSubRange(from, len);
        if (len == 0) return new byte[0];
        long[] r = pageRange(from, len);
        byte[] v = wrap(path, () -> Mman.mincore(MemorySegment.ofAddress(r[0]), r[1]));
        for (int i = 0; i < v.length; i++) v[i] &= 1;
        return v;
    }

    /**
     * {@return how many of the mapping's pages are resident}
     * @throws ErrnoException if the system call fails; the message names the call, the file, the errno name and a hint
     */
    public long residentPages() throws ErrnoException {
        long n = 0;
        for (byte b : residency()) n += b;
        return n;
    }

    /** {@return how many pages the mapping spans} */
    public long pageCount() {
        return length == 0 ? 0 : (delta + length + Mman.pageSize() - 1) / Mman.pageSize();
    }

    /**
     * Changes the mapping's length with mremap (MREMAP_MAYMOVE) and returns this mapping, whose
     * {@link #segment()} is the new view. A READ_WRITE file grows to hold it (it is never
     * shrunk); other file mappings cannot extend past the end of the file. Earlier segments die.
     * @param newLength the new length in bytes
     * @throws ErrnoException if the system call fails; the message names the call, the file, the errno name and a hint
     * @return this mapping
     */
    public synchronized MappedFile resize(long newLength) throws ErrnoException {
        checkOpen();
        if (newLength < 0) throw new IllegalArgumentException("new length " + newLength + " is negative");
        if (newLength == length) return this;
        if (!anonymousMemory) {
            int f = fd;
            if (f < 0 && newLength > length)
                throw new IllegalStateException("the mapping of " + describe() + " was opened without keeping its descriptor,"
                        + " so it can only shrink");
            if (f >= 0) {
                long size = wrap(path, () -> Mman.fstat(f)).size();
                if (offset + newLength > size) {
                    if (mode != Mode.READ_WRITE)
                        throw new IllegalArgumentException("cannot resize the " + mode + " mapping of " + describe() + " to "
                                + newLength + " bytes: the file has " + size + " bytes from offset " + offset
                                + "; map it READ_WRITE to grow the file");
                    wrap(path, () -> { Mman.ftruncate(f, offset + newLength); return null; });
                }
            }
        }
        Region old = region;
        if (newLength == 0) {
            retireView("resize");
            old.owned = true;
            old.unmapIfOwned();
            length = 0;
            install(new Region(0, 0));
            return this;
        }
        if (old.length == 0) {
            Region fresh = mapRegion(delta + newLength);
            retireView("resize");
            length = newLength;
            install(fresh);
            return this;
        }
        // Retire the old view first: no reader may touch the old address once mremap may have moved it.
        retireView("resize");
        MemorySegment moved;
        try {
            moved = wrap(path, () -> Mman.mremap(MemorySegment.ofAddress(old.address), old.length, delta + newLength, Mman.MREMAP_MAYMOVE));
        } catch (ErrnoException e) {
            install(new Region(old.address, old.length));
            throw e;
        }
        length = newLength;
        install(new Region(moved.address(), delta + newLength));
        return this;
    }

    /**
     * Unmaps and closes the file. Idempotent; segments taken earlier throw on access from then
     * on. While a native call holds the segment the mapping cannot be unmapped: this then
     * throws {@link IllegalStateException} and the mapping stays open, to be closed again later.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        try {
            arena.close();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("cannot close the mapping of " + describe()
                    + " while a native call is using its segment (" + e.getMessage() + "); close it again when that call has returned", e);
        }
        closed = true;
        releaseDescriptor();
    }

    @Override
    public String toString() {
        return "#mmap/MappedFile{" + describe() + ", size=" + length + ", mode=" + mode + (closed ? ", closed" : ", open") + "}";
    }

    /** The file's path, or "anonymous memory". */
    String describe() {
        return path == null ? "anonymous memory" : path;
    }

    // ---- helpers ----

    @FunctionalInterface
    private interface NativeAction<T> {
        T run() throws SyscallException;
    }

    private static <T> T wrap(String file, NativeAction<T> action) throws ErrnoException {
        try {
            return action.run();
        } catch (SyscallException e) {
            throw ErrnoException.from(e, file, null);
        }
    }

    /** [page-aligned address, length] covering {@code len} bytes from view offset {@code from}. */
    private long[] pageRange(long from, long len) {
        long page = Mman.pageSize();
        long start = region.address + delta + from;
        long aligned = start - Math.floorMod(start, page);
        return new long[]{aligned, start + len - aligned};
    }

    private void checkOpen() {
        if (closed) throw closedError();
    }

    void checkSubRange(long from, long len) {
        checkSubRange(view, from, len);
    }

    private void checkSubRange(View v, long from, long len) {
        if (from < 0 || len < 0 || from > v.length() - len)
            throw new IndexOutOfBoundsException("range of " + len + " bytes from offset " + from + " is outside the mapping of "
                    + describe() + " (" + v.length() + " bytes)");
    }

    /** The kernel's own refusal to map a non-regular file, or ENODEV if it would map it anyway. */
    private static ErrnoException unmappable(String file, int fd, Mman.Stat st, long fsType) {
        String what = fsType == Mman.PROC_SUPER_MAGIC ? "a /proc file" : fsType == Mman.SYSFS_MAGIC ? "a /sys file" : "a " + st.typeName();
        int errno;
        try {
            MemorySegment probe = Mman.mmap(MemorySegment.NULL, Mman.pageSize(), Mman.PROT_READ, Mman.MAP_SHARED, fd, 0);
            Mman.munmap(probe, Mman.pageSize());
            errno = Errno.value("ENODEV");
        } catch (SyscallException e) {
            errno = e.errno();
        }
        return new ErrnoException("mmap", "fd=" + fd + ", " + what + " (size " + st.size() + " as fstat says)", errno, file,
                what + " has no fixed contents to map; read it with slurp or a stream instead");
    }

    private static void closeQuietly(int fd) {
        try {
            Mman.close(fd);
        } catch (SyscallException ignored) {
            // Nothing useful can be done about a failed close of a descriptor we opened.
        }
    }
}
