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
    public static final int PROT_NONE = 0x0;
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int PROT_EXEC = 0x4;
    public static final int PROT_SEM = 0x8;
    public static final int PROT_GROWSDOWN = 0x01000000;
    public static final int PROT_GROWSUP = 0x02000000;

    // ---- mmap flags (Linux x86-64 / asm-generic) ----
    public static final int MAP_FILE = 0;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_SHARED_VALIDATE = 0x03;
    public static final int MAP_TYPE = 0x0f;
    public static final int MAP_FIXED = 0x10;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_GROWSDOWN = 0x0100;
    public static final int MAP_DENYWRITE = 0x0800;
    public static final int MAP_EXECUTABLE = 0x1000;
    public static final int MAP_LOCKED = 0x2000;
    public static final int MAP_NORESERVE = 0x4000;
    public static final int MAP_POPULATE = 0x8000;
    public static final int MAP_NONBLOCK = 0x10000;
    public static final int MAP_STACK = 0x20000;
    public static final int MAP_HUGETLB = 0x40000;
    public static final int MAP_SYNC = 0x80000;
    public static final int MAP_FIXED_NOREPLACE = 0x100000;
    public static final int MAP_UNINITIALIZED = 0x4000000;
    /** mmap's failure value, {@code (void *) -1}. */
    public static final MemorySegment MAP_FAILED = MemorySegment.ofAddress(-1L);

    // ---- mlock, msync ----
    public static final int MLOCK_ONFAULT = 0x01;
    public static final int MS_ASYNC = 1;
    public static final int MS_INVALIDATE = 2;
    public static final int MS_SYNC = 4;

    // ---- madvise ----
    public static final int MADV_NORMAL = 0;
    public static final int MADV_RANDOM = 1;
    public static final int MADV_SEQUENTIAL = 2;
    public static final int MADV_WILLNEED = 3;
    public static final int MADV_DONTNEED = 4;
    public static final int MADV_FREE = 8;
    public static final int MADV_REMOVE = 9;
    public static final int MADV_DONTFORK = 10;
    public static final int MADV_DOFORK = 11;
    public static final int MADV_MERGEABLE = 12;
    public static final int MADV_UNMERGEABLE = 13;
    public static final int MADV_HUGEPAGE = 14;
    public static final int MADV_NOHUGEPAGE = 15;
    public static final int MADV_DONTDUMP = 16;
    public static final int MADV_DODUMP = 17;
    public static final int MADV_WIPEONFORK = 18;
    public static final int MADV_KEEPONFORK = 19;
    public static final int MADV_COLD = 20;
    public static final int MADV_PAGEOUT = 21;
    public static final int MADV_POPULATE_READ = 22;
    public static final int MADV_POPULATE_WRITE = 23;
    public static final int MADV_DONTNEED_LOCKED = 24;
    public static final int MADV_COLLAPSE = 25;
    public static final int MADV_HWPOISON = 100;
    public static final int MADV_SOFT_OFFLINE = 101;

    // ---- mremap, mlockall ----
    public static final int MREMAP_MAYMOVE = 1;
    public static final int MREMAP_FIXED = 2;
    public static final int MREMAP_DONTUNMAP = 4;
    public static final int MCL_CURRENT = 1;
    public static final int MCL_FUTURE = 2;
    public static final int MCL_ONFAULT = 4;

    // ---- open(2), stat(2) ----
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 01;
    public static final int O_RDWR = 02;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_TRUNC = 01000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_CLOEXEC = 02000000;
    public static final int S_IFMT = 0170000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFIFO = 0010000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFSOCK = 0140000;
    public static final int _SC_PAGESIZE = 30;
    public static final int RLIMIT_MEMLOCK = 8;
    public static final long PROC_SUPER_MAGIC = 0x9fa0L;
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

    /** munmap(2): really unmaps {@code addr} (the seed's binding passed the variable's address instead). */
    public static void munmap(MemorySegment addr, long len) throws SyscallException {
        call("munmap", () -> "addr=" + hex(addr) + ", len=" + len, capture -> (int) Handles.MUNMAP.invokeExact(capture, addr, len));
    }

    /**
     * Copies {@code elems} bytes starting at {@code p} into a new array, as the seed's
     * blob-from-pointer. Unchecked as in C, except for a null or NULL pointer, which is refused.
     */
    public static byte[] blobFromPointer(MemorySegment p, int elems) {
        if (p == null || p.address() == 0)
            throw new IllegalArgumentException("blobFromPointer: the pointer is NULL; pass the segment mmap returned");
        if (elems < 0) throw new IllegalArgumentException("blobFromPointer: negative length " + elems);
        return p.reinterpret(elems).toArray(ValueLayout.JAVA_BYTE);
    }

    // ---- the rest of the mapping calls ----

    public static void msync(MemorySegment addr, long len, int flags) throws SyscallException {
        call("msync", () -> "addr=" + hex(addr) + ", len=" + len + ", flags=" + msyncFlagNames(flags), capture -> (int) Msync.HANDLE.invokeExact(capture, addr, len, flags));
    }

    public static void madvise(MemorySegment addr, long len, int advice) throws SyscallException {
        call("madvise", () -> "addr=" + hex(addr) + ", len=" + len + ", advice=" + adviceName(advice), capture -> (int) Handles.MADVISE.invokeExact(capture, addr, len, advice));
    }

    public static void mprotect(MemorySegment addr, long len, int prot) throws SyscallException {
        call("mprotect", () -> "addr=" + hex(addr) + ", len=" + len + ", prot=" + protNames(prot), capture -> (int) Mprotect.HANDLE.invokeExact(capture, addr, len, prot));
    }

    public static void mlock(MemorySegment addr, long len) throws SyscallException {
        call("mlock", () -> "addr=" + hex(addr) + ", len=" + len, capture -> (int) Mlock.HANDLE.invokeExact(capture, addr, len));
    }

    public static void mlock2(MemorySegment addr, long len, int flags) throws SyscallException {
        call("mlock2", () -> "addr=" + hex(addr) + ", len=" + len + ", flags=" + flags, capture -> (int) Mlock2.HANDLE.invokeExact(capture, addr, len, flags));
    }

    public static void munlock(MemorySegment addr, long len) throws SyscallException {
        call("munlock", () -> "addr=" + hex(addr) + ", len=" + len, capture -> (int) Munlock.HANDLE.invokeExact(capture, addr, len));
    }

    public static void mlockall(int flags) throws SyscallException {
        call("mlockall", () -> "flags=" + flags, capture -> (int) Mlockall.HANDLE.invokeExact(capture, flags));
    }

    public static void munlockall() throws SyscallException {
        call("munlockall", () -> "", capture -> (int) Munlockall.HANDLE.invokeExact(capture));
    }

    /** mincore(2) into {@code vec}, which must hold one byte per page of the range. */
    public static void mincore(MemorySegment addr, long len, MemorySegment vec) throws SyscallException {
        call("mincore", () -> "addr=" + hex(addr) + ", len=" + len, capture -> (int) Mincore.HANDLE.invokeExact(capture, addr, len, vec));
    }

    /** mincore(2): one byte per page of the range, bit 0 set where the page is resident. */
    public static byte[] mincore(MemorySegment addr, long len) throws SyscallException {
        long pages = (len + pageSize() - 1) / pageSize();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vec = arena.allocate(Math.max(1, pages));
            mincore(addr, len, vec);
            return vec.asSlice(0, pages).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** mremap(2) without MREMAP_FIXED. Returns a segment of {@code newSize} bytes at the (possibly new) address. */
    public static MemorySegment mremap(MemorySegment oldAddr, long oldSize, long newSize, int flags) throws SyscallException {
        return mremap(oldAddr, oldSize, newSize, flags, MemorySegment.NULL);
    }

    /** mremap(2); {@code newAddr} is used only with MREMAP_FIXED. */
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

    /** open(2); returns the descriptor. */
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

    public static int open(String path, int flags) throws SyscallException {
        return open(path, flags, 0644);
    }

    public static void close(int fd) throws SyscallException {
        call("close", () -> "fd=" + fd, capture -> (int) Handles.CLOSE.invokeExact(capture, fd));
    }

    /** What fstat(2) says of a descriptor: its type bits and size. */
    public record Stat(int mode, long size) {
        public boolean isRegular() { return (mode & S_IFMT) == S_IFREG; }
        public boolean isDirectory() { return (mode & S_IFMT) == S_IFDIR; }
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

    public static Stat fstat(int fd) throws SyscallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256, 8);
            call("fstat", () -> "fd=" + fd, capture -> (int) Handles.FSTAT.invokeExact(capture, fd, buf));
            return new Stat(buf.get(ValueLayout.JAVA_INT, ST_MODE_OFFSET), buf.get(ValueLayout.JAVA_LONG, ST_SIZE_OFFSET));
        }
    }

    /** The filesystem type (f_type of fstatfs(2)), such as {@link #PROC_SUPER_MAGIC}. */
    public static long fstatfsType(int fd) throws SyscallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256, 8);
            call("fstatfs", () -> "fd=" + fd, capture -> (int) Handles.FSTATFS.invokeExact(capture, fd, buf));
            return buf.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** unlink(2): removes a name from the filesystem. */
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

    /** /proc/sys/vm/max_map_count as it was when this class loaded, or -1 if it could not be read. */
    public static long maxMapCount() {
        return Hints.MAX_MAP_COUNT;
    }

    /** The hint for running out of mappings, given the process's mapping count (-1 when unknown). */
    public static String tooManyMappingsHint(long mappings) {
        return Hints.mapsHint(mappings);
    }

    public static void ftruncate(int fd, long length) throws SyscallException {
        call("ftruncate", () -> "fd=" + fd + ", length=" + length, capture -> (int) Handles.FTRUNCATE.invokeExact(capture, fd, length));
    }

    /** The system page size, from sysconf(_SC_PAGESIZE). */
    public static long pageSize() {
        return Page.SIZE;
    }

    /** RLIMIT_MEMLOCK's soft limit in bytes, or -1 for unlimited. */
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

    public static String protNames(int prot) {
        if (prot == PROT_NONE) return "PROT_NONE";
        return names(prot, new int[]{PROT_READ, PROT_WRITE, PROT_EXEC, PROT_SEM, PROT_GROWSDOWN, PROT_GROWSUP},
                new String[]{"PROT_READ", "PROT_WRITE", "PROT_EXEC", "PROT_SEM", "PROT_GROWSDOWN", "PROT_GROWSUP"});
    }

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

    public static String msyncFlagNames(int flags) {
        return names(flags, new int[]{MS_ASYNC, MS_INVALIDATE, MS_SYNC}, new String[]{"MS_ASYNC", "MS_INVALIDATE", "MS_SYNC"});
    }

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
