package mmap.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The POSIX memory-mapping calls and Linux constants, called through
 * {@code java.lang.foreign}. This is the raw layer, a port of Raku's Mmap::Native:
 * it is exactly as sharp as C. A segment returned by {@link #mmap} is not bounded
 * by any lifetime; reading it after {@link #munmap}, or past the end of the file,
 * can crash the JVM. Use {@code mmap.MappedFile} for a safe mapping.
 *
 * <p>Every call that fails throws {@link SyscallException} with errno captured through
 * {@code Linker.Option.captureCallState("errno")}. The constants are those of Linux on
 * x86-64, which aarch64 shares (asm-generic); nothing here has been run on aarch64.
 */
public final class Mman {
    private Mman() {}

    private static final Class<?>[] LAZY_HOLDERS;

    static {
        // Build every handle now: a handle first needed when the process is out of descriptors
        // or mappings might not be buildable then, and a failed class initialisation is permanent.
        Handles.init();
        // The other holders are loaded (not built) now, while their class files can be read.
        LAZY_HOLDERS = new Class<?>[]{Msync.class, Mprotect.class, Mlock.class, Mlock2.class, Munlock.class,
                Mlockall.class, Munlockall.class, Mincore.class, Mremap.class, Getrlimit.class};
        Hints.forCall("mmap", 0);
    }

    // ---- protection (sys/mman.h) ----
    /** Pages may not be accessed. */
    public static final int PROT_NONE = 0x0;
    /** Pages may be read. */
    public static final int PROT_READ = 0x1;
    /** Pages may be written. */
    public static final int PROT_WRITE = 0x2;
    /** Pages may be executed. */
    public static final int PROT_EXEC = 0x4;
    /** Pages may be used for atomic operations (ignored on x86-64). */
    public static final int PROT_SEM = 0x8;
    /** mprotect: extend the change down to the start of a grows-down mapping. */
    public static final int PROT_GROWSDOWN = 0x01000000;
    /** mprotect: extend the change up to the end of a grows-up mapping. */
    public static final int PROT_GROWSUP = 0x02000000;

    // ---- mmap flags (Linux x86-64 / asm-generic) ----
    /** Compatibility flag; ignored. */
    public static final int MAP_FILE = 0;
    /** Writes reach the file and other mappings of it. */
    public static final int MAP_SHARED = 0x01;
    /** Copy-on-write: writes stay in this process. */
    public static final int MAP_PRIVATE = 0x02;
    /** MAP_SHARED, failing with EOPNOTSUPP on unknown flags. */
    public static final int MAP_SHARED_VALIDATE = 0x03;
    /** Mask of the sharing type bits. */
    public static final int MAP_TYPE = 0x0f;
    /** Place the mapping exactly at addr, replacing what is there. */
    public static final int MAP_FIXED = 0x10;
    /** Not backed by a file; zero-filled. */
    public static final int MAP_ANONYMOUS = 0x20;
    /** A stack that grows down on faults below it. */
    public static final int MAP_GROWSDOWN = 0x0100;
    /** Ignored by Linux. */
    public static final int MAP_DENYWRITE = 0x0800;
    /** Ignored by Linux. */
    public static final int MAP_EXECUTABLE = 0x1000;
    /** Lock the pages as mlock does (failures are not reported). */
    public static final int MAP_LOCKED = 0x2000;
    /** Reserve no swap space for the mapping. */
    public static final int MAP_NORESERVE = 0x4000;
    /** Fault every page in during the mmap call. */
    public static final int MAP_POPULATE = 0x8000;
    /** With MAP_POPULATE: do not read ahead (ignored since Linux 2.6.23). */
    public static final int MAP_NONBLOCK = 0x10000;
    /** An address suitable for a thread stack. */
    public static final int MAP_STACK = 0x20000;
    /** Back the mapping with huge pages (needs reserved hugetlbfs pages). */
    public static final int MAP_HUGETLB = 0x40000;
    /** With MAP_SHARED_VALIDATE on DAX files: writes are durable once the page tables say so. */
    public static final int MAP_SYNC = 0x80000;
    /** Place the mapping at addr, failing with EEXIST instead of replacing. */
    public static final int MAP_FIXED_NOREPLACE = 0x100000;
    /** Do not clear anonymous pages (only on kernels built for it). */
    public static final int MAP_UNINITIALIZED = 0x4000000;
    /** mmap's failure value, {@code (void *) -1}. */
    public static final MemorySegment MAP_FAILED = MemorySegment.ofAddress(-1L);

    // ---- mlock, msync ----
    /** mlock2: lock pages as they are faulted in, not all at once. */
    public static final int MLOCK_ONFAULT = 0x01;
    /** msync: schedule the write-back and return. */
    public static final int MS_ASYNC = 1;
    /** msync: invalidate other mappings of the file. */
    public static final int MS_INVALIDATE = 2;
    /** msync: write back and wait. */
    public static final int MS_SYNC = 4;

    // ---- madvise ----
    /** No special treatment. */
    public static final int MADV_NORMAL = 0;
    /** Expect random access: read ahead less. */
    public static final int MADV_RANDOM = 1;
    /** Expect sequential access: read ahead more, free behind. */
    public static final int MADV_SEQUENTIAL = 2;
    /** Expect access soon: start reading in. */
    public static final int MADV_WILLNEED = 3;
    /** Drop the pages; private pages read back as zeros or from the file. */
    public static final int MADV_DONTNEED = 4;
    /** The pages may be freed lazily (private anonymous only). */
    public static final int MADV_FREE = 8;
    /** Free the range and its backing store (punches a hole in the file). */
    public static final int MADV_REMOVE = 9;
    /** Do not copy the range into a forked child. */
    public static final int MADV_DONTFORK = 10;
    /** Undo MADV_DONTFORK. */
    public static final int MADV_DOFORK = 11;
    /** Let KSM merge identical pages. */
    public static final int MADV_MERGEABLE = 12;
    /** Undo MADV_MERGEABLE. */
    public static final int MADV_UNMERGEABLE = 13;
    /** Use transparent huge pages. */
    public static final int MADV_HUGEPAGE = 14;
    /** Do not use transparent huge pages. */
    public static final int MADV_NOHUGEPAGE = 15;
    /** Leave the range out of core dumps. */
    public static final int MADV_DONTDUMP = 16;
    /** Undo MADV_DONTDUMP. */
    public static final int MADV_DODUMP = 17;
    /** A forked child sees the range zero-filled. */
    public static final int MADV_WIPEONFORK = 18;
    /** Undo MADV_WIPEONFORK. */
    public static final int MADV_KEEPONFORK = 19;
    /** Deactivate the pages: reclaim them first. */
    public static final int MADV_COLD = 20;
    /** Reclaim the pages now. */
    public static final int MADV_PAGEOUT = 21;
    /** Fault the pages in readable, failing instead of SIGBUS. */
    public static final int MADV_POPULATE_READ = 22;
    /** Fault the pages in writable, failing instead of SIGBUS. */
    public static final int MADV_POPULATE_WRITE = 23;
    /** MADV_DONTNEED that also drops locked pages. */
    public static final int MADV_DONTNEED_LOCKED = 24;
    /** Collapse the range into huge pages now. */
    public static final int MADV_COLLAPSE = 25;
    /** Poison the pages as if memory failed (needs CAP_SYS_ADMIN; destroys contents). */
    public static final int MADV_HWPOISON = 100;
    /** Migrate the contents and take the pages offline (needs CAP_SYS_ADMIN). */
    public static final int MADV_SOFT_OFFLINE = 101;

    // ---- mremap, mlockall ----
    /** mremap may move the mapping to a new address. */
    public static final int MREMAP_MAYMOVE = 1;
    /** mremap moves the mapping to newAddr. */
    public static final int MREMAP_FIXED = 2;
    /** mremap leaves the old range mapped (empty). */
    public static final int MREMAP_DONTUNMAP = 4;
    /** mlockall: lock every page mapped now. */
    public static final int MCL_CURRENT = 1;
    /** mlockall: lock every page mapped later. */
    public static final int MCL_FUTURE = 2;
    /** mlockall: lock pages as they are faulted in. */
    public static final int MCL_ONFAULT = 4;

    // ---- open(2), stat(2) ----
    /** open for reading. */
    public static final int O_RDONLY = 0;
    /** open for writing. */
    public static final int O_WRONLY = 01;
    /** open for reading and writing. */
    public static final int O_RDWR = 02;
    /** open: create the file if it is missing. */
    public static final int O_CREAT = 0100;
    /** open with O_CREAT: fail with EEXIST if the file exists. */
    public static final int O_EXCL = 0200;
    /** open: truncate the file to length 0. */
    public static final int O_TRUNC = 01000;
    /** open without blocking (FIFOs and devices). */
    public static final int O_NONBLOCK = 04000;
    /** Close the descriptor on exec. */
    public static final int O_CLOEXEC = 02000000;
    /** Mask of the file type bits of st_mode. */
    public static final int S_IFMT = 0170000;
    /** st_mode type: regular file. */
    public static final int S_IFREG = 0100000;
    /** st_mode type: directory. */
    public static final int S_IFDIR = 0040000;
    /** st_mode type: FIFO. */
    public static final int S_IFIFO = 0010000;
    /** st_mode type: character device. */
    public static final int S_IFCHR = 0020000;
    /** st_mode type: block device. */
    public static final int S_IFBLK = 0060000;
    /** st_mode type: socket. */
    public static final int S_IFSOCK = 0140000;
    /** sysconf name of the page size. */
    public static final int _SC_PAGESIZE = 30;
    /** getrlimit resource: the most bytes mlock may lock. */
    public static final int RLIMIT_MEMLOCK = 8;
    /** fstatfs f_type of /proc. */
    public static final long PROC_SUPER_MAGIC = 0x9fa0L;
    /** fstatfs f_type of /sys. */
    public static final long SYSFS_MAGIC = 0x62656572L;

    /**
     * The handles every mapping needs, on its way in and on every failure path out: built when
     * Mman is first used, so that none has to be built when the process is out of descriptors
     * or mappings (a failed class initialisation is permanent).
     */
    private static final class Handles {
        static final MethodHandle MMAP = Libc.withErrno("mmap", FunctionDescriptor.of(Libc.PTR,
                Libc.PTR, Libc.SIZE_T, Libc.INT, Libc.INT, Libc.INT, Libc.OFF_T));
        static final MethodHandle MUNMAP = Libc.withErrno("munmap", FunctionDescriptor.of(Libc.INT, Libc.PTR, Libc.SIZE_T));
        static final MethodHandle MADVISE = Libc.withErrno("madvise", FunctionDescriptor.of(Libc.INT, Libc.PTR, Libc.SIZE_T, Libc.INT));
        // open is variadic: mode is read only with O_CREAT.
        static final MethodHandle OPEN = Libc.withErrno("open", FunctionDescriptor.of(Libc.INT, Libc.PTR, Libc.INT, Libc.INT),
                Linker.Option.firstVariadicArg(2));
        static final MethodHandle CLOSE = Libc.withErrno("close", FunctionDescriptor.of(Libc.INT, Libc.INT));
        static final MethodHandle FSTAT = Libc.withErrno("fstat", FunctionDescriptor.of(Libc.INT, Libc.INT, Libc.PTR));
        static final MethodHandle FSTATFS = Libc.withErrno("fstatfs", FunctionDescriptor.of(Libc.INT, Libc.INT, Libc.PTR));
        static final MethodHandle FTRUNCATE = Libc.withErrno("ftruncate", FunctionDescriptor.of(Libc.INT, Libc.INT, Libc.OFF_T));
        static final MethodHandle SYSCONF = Libc.plain("sysconf", FunctionDescriptor.of(Libc.LONG, Libc.INT));
        static final MethodHandle UNLINK = Libc.withErrno("unlink", FunctionDescriptor.of(Libc.INT, Libc.PTR));

        static void init() {}
    }

    // The calls a mapping may never make each get a holder, built on first use: building all
    // twenty handles up front cost about 0.2 s of every process's first mapping.
    private static final class Msync {
        static final MethodHandle HANDLE = Libc.withErrno("msync", FunctionDescriptor.of(Libc.INT, Libc.PTR, Libc.SIZE_T, Libc.INT));
    }

    private static final class Mprotect {
        static final MethodHandle HANDLE = Libc.withErrno("mprotect", FunctionDescriptor.of(Libc.INT, Libc.PTR, Libc.SIZE_T, Libc.INT));
    }

    private static final class Mlock {
        static final MethodHandle HANDLE = Libc.withErrno("mlock", FunctionDescriptor.of(Libc.INT, Libc.PTR, Libc.SIZE_T));
    }

    private static final class Mlock2 {
        static final MethodHandle HANDLE = Libc.withErrno("mlock2", FunctionDescriptor.of(Libc.INT, Libc.PTR, Libc.SIZE_T, Libc.INT));
    }

    private static final class Munlock {
        static final MethodHandle HANDLE = Libc.withErrno("munlock", FunctionDescriptor.of(Libc.INT, Libc.PTR, Libc.SIZE_T));
    }

    private static final class Mlockall {
        static final MethodHandle HANDLE = Libc.withErrno("mlockall", FunctionDescriptor.of(Libc.INT, Libc.INT));
    }

    private static final class Munlockall {
        static final MethodHandle HANDLE = Libc.withErrno("munlockall", FunctionDescriptor.of(Libc.INT));
    }

    private static final class Mincore {
        static final MethodHandle HANDLE = Libc.withErrno("mincore", FunctionDescriptor.of(Libc.INT, Libc.PTR, Libc.SIZE_T, Libc.PTR));
    }

    private static final class Mremap {
        // mremap is variadic: the fifth argument (new_address) is read only with MREMAP_FIXED.
        static final MethodHandle HANDLE = Libc.withErrno("mremap", FunctionDescriptor.of(Libc.PTR,
                Libc.PTR, Libc.SIZE_T, Libc.SIZE_T, Libc.INT, Libc.PTR), Linker.Option.firstVariadicArg(4));
    }

    private static final class Getrlimit {
        static final MethodHandle HANDLE = Libc.withErrno("getrlimit", FunctionDescriptor.of(Libc.INT, Libc.INT, Libc.PTR));
    }

    private static final class Page {
        static final long SIZE = querySysconf(_SC_PAGESIZE);
    }

    // ---- the seed's calls ----

    /**
     * mmap(2). Returns a segment of exactly {@code len} bytes at the mapped address, with
     * no lifetime: it stays readable after {@link #munmap}, and reading it then crashes.
     * @param addr address of the mapping (page-aligned)
     * @param len length in bytes
     * @param prot the protection bits (PROT_*)
     * @param flags the flags, ORed together
     * @param fd the file descriptor
     * @param offset byte offset from the start of the mapping
     * @throws SyscallException if the system call fails; the message names the call, the file and the errno name
     * @return the address of the new mapping, as a segment of length {@code len}
     */
    public static MemorySegment mmap(MemorySegment addr, long len, int prot, int flags, int fd, long offset)
            throws SyscallException {
        MemorySegment capture = Libc.captureSegment();
        MemorySegment p;
        try {
            p = (MemorySegment) Handles.MMAP.invokeExact(capture, addr, len, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (p.address() == -1L) {
            throw new SyscallException("mmap", "addr=" + hex(addr) + ", len=" + len + ", prot=" + protNames(prot)
                    + ", flags=" + mapFlagNames(flags) + ", fd=" + fd + ", offset=" + offset, Libc.errno(capture), null);
        }
        return p.reinterpret(len);
    }

    /**
     * munmap(2): really unmaps {@code addr} (the seed's binding passed the variable's address instead).
     * @param addr address of the mapping (page-aligned)
     * @param len length in bytes
     * @throws SyscallException if the system call fails; the message names the call, the file and the errno name
     */
    public static void munmap(MemorySegment addr, long len) throws SyscallException {
        call("munmap", () -> "addr=" + hex(addr) + ", len=" + len, capture -> (int) Handles.MUNMAP.invokeExact(capture, addr, len));
    }

    /**
     * Copies {@code elems} bytes starting at {@code p} into a new array, as the seed's
     * blob-from-pointer. Unchecked as in C, except for a null or NULL pointer, which is refused.
     * @param p the pointer
     * @param elems the number of bytes to copy
     * @return a new array of the bytes
     */
    public static byte[] blobFromPointer(MemorySegment p, int elems) {
        if (p == null || p.address() == 0)
            throw new IllegalArgumentException("blobFromPointer: the pointer is NULL; pass the segment mmap returned");
        if (elems < 0) throw new IllegalArgumentException("blobFromPointer: negative length " + elems);
        return p.reinterpret(elems).toArray(ValueLayout.JAVA_BYTE);
    }

    // ---- the rest of the mapping calls ----

    /**
     * msync(2): writes dirty pages of a shared file mapping back to the file.
     * @param addr address of the range (page-aligned)
     * @param len length of the range in bytes
     * @param flags MS_SYNC or MS_ASYNC, optionally with MS_INVALIDATE
     * @throws SyscallException if the call fails; the message names the call, its arguments and the errno name
     */
    public static void msync(MemorySegment addr, long len, int flags) throws SyscallException {
        call("msync", () -> "addr=" + hex(addr) + ", len=" + len + ", flags=" + msyncFlagNames(flags), capture -> (int) Msync.HANDLE.invokeExact(capture, addr, len, flags));
    }

    /**
     * madvise(2): tells the kernel how the range will be used. Some advice (MADV_DONTNEED,
     * MADV_REMOVE, MADV_FREE) discards contents, as in C.
     * @param addr address of the range (page-aligned)
     * @param len length of the range in bytes
     * @param advice one of the MADV_* values
     * @throws SyscallException if the call fails; the message names the call, its arguments and the errno name
     */
    public static void madvise(MemorySegment addr, long len, int advice) throws SyscallException {
        call("madvise", () -> "addr=" + hex(addr) + ", len=" + len + ", advice=" + adviceName(advice), capture -> (int) Handles.MADVISE.invokeExact(capture, addr, len, advice));
    }

    /**
     * mprotect(2): changes the protection of the range. Touching a page afterwards in a way the
     * new protection forbids kills the JVM with SIGSEGV: this layer is as sharp as C.
     * @param addr address of the range (page-aligned)
     * @param len length of the range in bytes
     * @param prot PROT_* bits, ORed together
     * @throws SyscallException if the call fails; the message names the call, its arguments and the errno name
     */
    public static void mprotect(MemorySegment addr, long len, int prot) throws SyscallException {
        call("mprotect", () -> "addr=" + hex(addr) + ", len=" + len + ", prot=" + protNames(prot), capture -> (int) Mprotect.HANDLE.invokeExact(capture, addr, len, prot));
    }

    /**
     * mlock(2): locks the range in memory (limited by RLIMIT_MEMLOCK, see {@code ulimit -l}).
     * @param addr address of the range (page-aligned)
     * @param len length of the range in bytes
     * @throws SyscallException if the call fails; the message names the call, its arguments and the errno name
     */
    public static void mlock(MemorySegment addr, long len) throws SyscallException {
        call("mlock", () -> "addr=" + hex(addr) + ", len=" + len, capture -> (int) Mlock.HANDLE.invokeExact(capture, addr, len));
    }

    /**
     * mlock2(2): mlock with flags.
     * @param addr address of the range (page-aligned)
     * @param len length of the range in bytes
     * @param flags 0 or MLOCK_ONFAULT
     * @throws SyscallException if the call fails; the message names the call, its arguments and the errno name
     */
    public static void mlock2(MemorySegment addr, long len, int flags) throws SyscallException {
        call("mlock2", () -> "addr=" + hex(addr) + ", len=" + len + ", flags=" + flags, capture -> (int) Mlock2.HANDLE.invokeExact(capture, addr, len, flags));
    }

    /**
     * munlock(2): unlocks the range.
     * @param addr address of the range (page-aligned)
     * @param len length of the range in bytes
     * @throws SyscallException if the call fails; the message names the call, its arguments and the errno name
     */
    public static void munlock(MemorySegment addr, long len) throws SyscallException {
        call("munlock", () -> "addr=" + hex(addr) + ", len=" + len, capture -> (int) Munlock.HANDLE.invokeExact(capture, addr, len));
    }

    /**
     * mlockall(2): locks every page of the process.
     * @param flags MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT, ORed together
     * @throws SyscallException if the call fails; the message names the call, its arguments and the errno name
     */
    public static void mlockall(int flags) throws SyscallException {
        call("mlockall", () -> "flags=" + flags, capture -> (int) Mlockall.HANDLE.invokeExact(capture, flags));
    }

    /**
     * munlockall(2): unlocks every page of the process.
     * @throws SyscallException if the call fails; the message names the call, its arguments and the errno name
     */
    public static void munlockall() throws SyscallException {
        call("munlockall", () -> "", capture -> (int) Munlockall.HANDLE.invokeExact(capture));
    }

    /**
     * mincore(2) into {@code vec}, which must hold one byte per page of the range.
     * @param addr address of the mapping (page-aligned)
     * @param len length in bytes
     * @param vec receives one byte per page; bit 0 is set when the page is resident
     * @throws SyscallException if the system call fails; the message names the call, the file and the errno name
     */
    public static void mincore(MemorySegment addr, long len, MemorySegment vec) throws SyscallException {
        call("mincore", () -> "addr=" + hex(addr) + ", len=" + len, capture -> (int) Mincore.HANDLE.invokeExact(capture, addr, len, vec));
    }

    /**
     * mincore(2): one byte per page of the range, bit 0 set where the page is resident.
     * @param addr address of the mapping (page-aligned)
     * @param len length in bytes
     * @throws SyscallException if the system call fails; the message names the call, the file and the errno name
     * @return one byte per page
     */
    public static byte[] mincore(MemorySegment addr, long len) throws SyscallException {
        long pages = (len + pageSize() - 1) / pageSize();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vec = arena.allocate(Math.max(1, pages));
            mincore(addr, len, vec);
            return vec.asSlice(0, pages).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /**
     * mremap(2) without MREMAP_FIXED. Returns a segment of {@code newSize} bytes at the (possibly new) address.
     * @param oldAddr the current address of the mapping
     * @param oldSize the current length of the mapping
     * @param newSize the new length
     * @param flags the flags, ORed together
     * @throws SyscallException if the system call fails; the message names the call, the file and the errno name
     * @return the mapping's new address
     */
    public static MemorySegment mremap(MemorySegment oldAddr, long oldSize, long newSize, int flags) throws SyscallException {
        return mremap(oldAddr, oldSize, newSize, flags, MemorySegment.NULL);
    }

    /**
     * mremap(2); {@code newAddr} is used only with MREMAP_FIXED.
     * @param oldAddr the current address of the mapping
     * @param oldSize the current length of the mapping
     * @param newSize the new length
     * @param flags the flags, ORed together
     * @param newAddr the address to move the mapping to (with MREMAP_FIXED)
     * @throws SyscallException if the system call fails; the message names the call, the file and the errno name
     * @return the mapping's new address
     */
    public static MemorySegment mremap(MemorySegment oldAddr, long oldSize, long newSize, int flags, MemorySegment newAddr)
            throws SyscallException {
        MemorySegment capture = Libc.captureSegment();
        MemorySegment p;
        try {
            p = (MemorySegment) Mremap.HANDLE.invokeExact(capture, oldAddr, oldSize, newSize, flags, newAddr);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (p.address() == -1L) {
            throw new SyscallException("mremap", "old=" + hex(oldAddr) + ", old_size=" + oldSize + ", new_size=" + newSize
                    + ", flags=" + flags, Libc.errno(capture), null);
        }
        return p.reinterpret(newSize);
    }

    // ---- file descriptors ----

    /**
     * open(2); returns the descriptor.
     * @param path the file
     * @param flags the flags, ORed together
     * @param mode the file mode bits (st_mode)
     * @throws SyscallException if the system call fails; the message names the call, the file and the errno name
     * @return the file descriptor
     */
    public static int open(String path, int flags, int mode) throws SyscallException {
        MemorySegment capture = Libc.captureSegment();
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = (int) Handles.OPEN.invokeExact(capture, arena.allocateFrom(path), flags, mode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (fd < 0) throw new SyscallException("open", "flags=" + openFlagNames(flags), Libc.errno(capture), path);
        return fd;
    }

    /**
     * open(2) with mode 0644 for a created file.
     * @param path the file
     * @param flags O_* flags, ORed together
     * @return the file descriptor
     * @throws SyscallException if the call fails; the message names the call, its arguments and the errno name
     */
    public static int open(String path, int flags) throws SyscallException {
        return open(path, flags, 0644);
    }

    /**
     * close(2).
     * @param fd the file descriptor
     * @throws SyscallException if the call fails; the message names the call, its arguments and the errno name
     */
    public static void close(int fd) throws SyscallException {
        call("close", () -> "fd=" + fd, capture -> (int) Handles.CLOSE.invokeExact(capture, fd));
    }

    /**
     * What fstat(2) says of a descriptor: its type bits and size.
     * @param mode the file mode bits (st_mode)
     * @param size the file size in bytes (st_size)
     */
    public record Stat(int mode, long size) {
        /** {@return whether this is a regular file} */
        public boolean isRegular() { return (mode & S_IFMT) == S_IFREG; }
        /** {@return whether this is a directory} */
        public boolean isDirectory() { return (mode & S_IFMT) == S_IFDIR; }
        /** {@return the file type in words, such as "regular file" or "FIFO"} */
        public String typeName() {
            switch (mode & S_IFMT) {
                case S_IFREG: return "regular file";
                case S_IFDIR: return "directory";
                case S_IFIFO: return "FIFO";
                case S_IFCHR: return "character device";
                case S_IFBLK: return "block device";
                case S_IFSOCK: return "socket";
                default: return "symbolic link or other";
            }
        }
    }

    // struct stat offsets differ by architecture; st_size is at 48 on both.
    private static final long ST_MODE_OFFSET = Libc.AARCH64 ? 16 : 24;
    private static final long ST_SIZE_OFFSET = 48;

    /**
     * fstat(2).
     * @param fd the file descriptor
     * @return the file's type bits and size
     * @throws SyscallException if the call fails; the message names the call, its arguments and the errno name
     */
    public static Stat fstat(int fd) throws SyscallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256, 8);
            call("fstat", () -> "fd=" + fd, capture -> (int) Handles.FSTAT.invokeExact(capture, fd, buf));
            return new Stat(buf.get(ValueLayout.JAVA_INT, ST_MODE_OFFSET), buf.get(ValueLayout.JAVA_LONG, ST_SIZE_OFFSET));
        }
    }

    /**
     * {@return the filesystem type (f_type of fstatfs(2)), such as {@link #PROC_SUPER_MAGIC}}
     * @param fd the file descriptor
     * @throws SyscallException if the system call fails; the message names the call, the file and the errno name
     */
    public static long fstatfsType(int fd) throws SyscallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256, 8);
            call("fstatfs", () -> "fd=" + fd, capture -> (int) Handles.FSTATFS.invokeExact(capture, fd, buf));
            return buf.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /**
     * unlink(2): removes a name from the filesystem.
     * @param path the file
     * @throws SyscallException if the system call fails; the message names the call, the file and the errno name
     */
    public static void unlink(String path) throws SyscallException {
        MemorySegment capture = Libc.captureSegment();
        int rc;
        try (Arena arena = Arena.ofConfined()) {
            rc = (int) Handles.UNLINK.invokeExact(capture, arena.allocateFrom(path));
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (rc == -1) throw new SyscallException("unlink", "", Libc.errno(capture), path);
    }

    /**
     * /proc/sys/vm/max_map_count as it was when this class loaded, or -1 if it could not be read.
     * @return the limit, or -1 if unknown
     */
    public static long maxMapCount() {
        return Hints.MAX_MAP_COUNT;
    }

    /**
     * {@return the hint for running out of mappings, given the process's mapping count (-1 when unknown)}
     * @param mappings the number of mappings the process holds
     */
    public static String tooManyMappingsHint(long mappings) {
        return Hints.mapsHint(mappings);
    }

    /**
     * ftruncate(2): sets the file's length, cutting it or extending it with zeros.
     * @param fd the file descriptor, open for writing
     * @param length the new length in bytes
     * @throws SyscallException if the call fails; the message names the call, its arguments and the errno name
     */
    public static void ftruncate(int fd, long length) throws SyscallException {
        call("ftruncate", () -> "fd=" + fd + ", length=" + length, capture -> (int) Handles.FTRUNCATE.invokeExact(capture, fd, length));
    }

    /** {@return the system page size, from sysconf(_SC_PAGESIZE)} */
    public static long pageSize() {
        return Page.SIZE;
    }

    /**
     * RLIMIT_MEMLOCK's soft limit in bytes, or -1 for unlimited.
     * @throws SyscallException if the system call fails; the message names the call, the file and the errno name
     * @return the limit in bytes, or -1 for unlimited
     */
    public static long memlockLimit() throws SyscallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(16, 8);
            call("getrlimit", () -> "RLIMIT_MEMLOCK", capture -> (int) Getrlimit.HANDLE.invokeExact(capture, RLIMIT_MEMLOCK, buf));
            return buf.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    private static long querySysconf(int name) {
        try {
            return (long) Handles.SYSCONF.invokeExact(name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- names for messages ----

    /**
     * {@return PROT_* bits as names joined by "|", such as "PROT_READ|PROT_WRITE"}
     * @param prot the bits
     */
    public static String protNames(int prot) {
        if (prot == PROT_NONE) return "PROT_NONE";
        return names(prot, new int[]{PROT_READ, PROT_WRITE, PROT_EXEC, PROT_SEM, PROT_GROWSDOWN, PROT_GROWSUP},
                new String[]{"PROT_READ", "PROT_WRITE", "PROT_EXEC", "PROT_SEM", "PROT_GROWSDOWN", "PROT_GROWSUP"});
    }

    /**
     * {@return MAP_* flags as names joined by "|"}
     * @param flags the flags
     */
    public static String mapFlagNames(int flags) {
        String type = switch (flags & MAP_TYPE) {
            case MAP_SHARED -> "MAP_SHARED";
            case MAP_PRIVATE -> "MAP_PRIVATE";
            case MAP_SHARED_VALIDATE -> "MAP_SHARED_VALIDATE";
            default -> "0x" + Integer.toHexString(flags & MAP_TYPE);
        };
        int rest = flags & ~MAP_TYPE;
        if (rest == 0) return type;
        return type + "|" + names(rest,
                new int[]{MAP_FIXED, MAP_ANONYMOUS, MAP_GROWSDOWN, MAP_DENYWRITE, MAP_EXECUTABLE, MAP_LOCKED,
                        MAP_NORESERVE, MAP_POPULATE, MAP_NONBLOCK, MAP_STACK, MAP_HUGETLB, MAP_SYNC,
                        MAP_FIXED_NOREPLACE, MAP_UNINITIALIZED},
                new String[]{"MAP_FIXED", "MAP_ANONYMOUS", "MAP_GROWSDOWN", "MAP_DENYWRITE", "MAP_EXECUTABLE",
                        "MAP_LOCKED", "MAP_NORESERVE", "MAP_POPULATE", "MAP_NONBLOCK", "MAP_STACK", "MAP_HUGETLB",
                        "MAP_SYNC", "MAP_FIXED_NOREPLACE", "MAP_UNINITIALIZED"});
    }

    /**
     * {@return MS_* flags as names joined by "|"}
     * @param flags the flags
     */
    public static String msyncFlagNames(int flags) {
        return names(flags, new int[]{MS_ASYNC, MS_INVALIDATE, MS_SYNC}, new String[]{"MS_ASYNC", "MS_INVALIDATE", "MS_SYNC"});
    }

    /**
     * {@return O_* flags as names joined by "|"}
     * @param flags the flags
     */
    public static String openFlagNames(int flags) {
        String access = switch (flags & 3) {
            case O_WRONLY -> "O_WRONLY";
            case O_RDWR -> "O_RDWR";
            default -> "O_RDONLY";
        };
        int rest = flags & ~3;
        return rest == 0 ? access : access + "|" + names(rest,
                new int[]{O_CREAT, O_EXCL, O_TRUNC, O_NONBLOCK, O_CLOEXEC},
                new String[]{"O_CREAT", "O_EXCL", "O_TRUNC", "O_NONBLOCK", "O_CLOEXEC"});
    }

    /**
     * {@return the MADV_* name of an advice value, or the number when it has none}
     * @param advice the value
     */
    public static String adviceName(int advice) {
        String[] names = {"MADV_NORMAL", "MADV_RANDOM", "MADV_SEQUENTIAL", "MADV_WILLNEED", "MADV_DONTNEED", null, null,
                null, "MADV_FREE", "MADV_REMOVE", "MADV_DONTFORK", "MADV_DOFORK", "MADV_MERGEABLE", "MADV_UNMERGEABLE",
                "MADV_HUGEPAGE", "MADV_NOHUGEPAGE", "MADV_DONTDUMP", "MADV_DODUMP", "MADV_WIPEONFORK",
                "MADV_KEEPONFORK", "MADV_COLD", "MADV_PAGEOUT", "MADV_POPULATE_READ", "MADV_POPULATE_WRITE",
                "MADV_DONTNEED_LOCKED", "MADV_COLLAPSE"};
        if (advice >= 0 && advice < names.length && names[advice] != null) return names[advice];
        if (advice == MADV_HWPOISON) return "MADV_HWPOISON";
        if (advice == MADV_SOFT_OFFLINE) return "MADV_SOFT_OFFLINE";
        return Integer.toString(advice);
    }

    private static String names(int bits, int[] values, String[] names) {
        StringBuilder sb = new StringBuilder();
        int left = bits;
        for (int i = 0; i < values.length; i++) {
            if ((bits & values[i]) == values[i] && values[i] != 0) {
                if (sb.length() > 0) sb.append('|');
                sb.append(names[i]);
                left &= ~values[i];
            }
        }
        if (left != 0) {
            if (sb.length() > 0) sb.append('|');
            sb.append("0x").append(Integer.toHexString(left));
        }
        return sb.length() == 0 ? "0" : sb.toString();
    }

    /**
     * {@return an address in hexadecimal, such as "0x7f0000000000"}
     * @param addr the address
     */
    public static String hex(MemorySegment addr) {
        return "0x" + Long.toHexString(addr.address());
    }

    @FunctionalInterface
    private interface IntCall {
        int invoke(MemorySegment capture) throws Throwable;
    }

    /** Runs a call that returns -1 and sets errno on failure. */
    private static void call(String name, java.util.function.Supplier<String> args, IntCall c) throws SyscallException {
        MemorySegment capture = Libc.captureSegment();
        int rc;
        try {
            rc = c.invoke(capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (rc == -1) throw new SyscallException(name, args.get(), Libc.errno(capture), null);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        throw new IllegalStateException("native call failed", t);
    }
}
