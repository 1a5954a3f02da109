package mmap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A failed POSIX call. The message names the call and its arguments, the file when
 * there is one, the errno name and libc's text for it, and a hint where one helps.
 */
public class ErrnoException extends IOException {
    private final String call;
    private final int errno;
    private final String path;
    private final String arguments;
    private final String hint;

    public ErrnoException(String call, String arguments, int errno, String path, String hint) {
        this(call, arguments, errno, path, hint, null);
    }

    public ErrnoException(String call, String arguments, int errno, String path, String hint, Throwable cause) {
        super(message(call, arguments, errno, path, hint), cause);
        this.call = call;
        this.errno = errno;
        this.path = path;
        this.arguments = arguments;
        this.hint = hint;
    }

    /** The same failure, naming the file it concerned. */
    public ErrnoException withPath(String file) {
        ErrnoException e = new ErrnoException(call, arguments, errno, file, hint, this);
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** The same failure with a more specific hint. */
    public ErrnoException withHint(String betterHint) {
        ErrnoException e = new ErrnoException(call, arguments, errno, path, betterHint, this);
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** The call's arguments as they appear in the message. */
    public String arguments() { return arguments; }

    /** The hint in the message, or null. */
    public String hint() { return hint; }

    /** A failure of {@code call} with the hint this library knows for that call and errno. */
    static ErrnoException of(String call, String arguments, int errno, String path) {
        return new ErrnoException(call, arguments, errno, path, hintFor(call, errno));
    }

    private static String message(String call, String arguments, int errno, String path, String hint) {
        StringBuilder sb = new StringBuilder(call).append('(').append(arguments).append(") failed");
        if (path != null) sb.append(" on ").append(path);
        sb.append(": ").append(Errno.name(errno)).append(" (").append(Errno.describe(errno)).append(')');
        if (hint != null && !hint.isEmpty()) sb.append(". Hint: ").append(hint);
        return sb.toString();
    }

    /** The errno value, such as 12. */
    public int errno() { return errno; }

    /** The errno's symbolic name, such as {@code "ENOMEM"}. */
    public String errnoName() { return Errno.name(errno); }

    /** The POSIX call that failed, such as {@code "mmap"}. */
    public String call() { return call; }

    /** The file involved, or null. */
    public String path() { return path; }

    /** What usually causes {@code errno} from {@code call}, and what to do about it. */
    public static String hintFor(String call, int errno) {
        String name = Errno.name(errno);
        boolean locking = call.startsWith("mlock") || call.equals("munlock");
        switch (name) {
            case "ENOENT": return "no such file: check the path and the working directory";
            case "EACCES": return "permission denied: check the file's mode and owner (ls -l), or map it :read-only";
            case "EPERM":
                return locking ? "locking memory needs a larger RLIMIT_MEMLOCK (ulimit -l, now " + memlockLimit()
                        + ") or CAP_IPC_LOCK" : "operation not permitted: check the file's mode, owner and mount options";
            case "EBADF": return "the file descriptor is not open, or not open for the access asked for";
            case "EISDIR": return "that path is a directory; map a regular file";
            case "ENODEV": return "this kind of file cannot be memory-mapped (a FIFO, socket, or /proc or /sys file); read it with slurp or a stream instead";
            case "EAGAIN":
                return locking || call.equals("mmap") ? "the memory could not be locked: raise RLIMIT_MEMLOCK (ulimit -l, now "
                        + memlockLimit() + ")" : "resource temporarily unavailable; try again";
            case "ENOMEM":
                if (locking) return "locking more memory than RLIMIT_MEMLOCK allows (ulimit -l, now " + memlockLimit()
                        + "), or more than there is";
                if (call.equals("mmap") || call.equals("mremap") || call.equals("mprotect"))
                    return "out of address space or memory, or too many mappings: this process has "
                            + mapCount() + " of vm.max_map_count " + maxMapCount()
                            + " (sysctl vm.max_map_count); with huge pages, reserve them in /proc/sys/vm/nr_hugepages";
                if (call.equals("mincore") || call.equals("madvise") || call.equals("msync") || call.equals("munlock"))
                    return "the range is not (wholly) mapped";
                return "out of memory";
            case "EINVAL":
                if (call.equals("madvise")) return "the kernel does not support this advice for this mapping (for MADV_HUGEPAGE see /sys/kernel/mm/transparent_hugepage/enabled)";
                return "an argument is out of range: offsets must be page-aligned (" + Mman.pageSize()
                        + " bytes) and lengths positive";
            case "EOVERFLOW": return "offset plus length does not fit in off_t";
            case "ETXTBSY": return "the file is being executed; map it without write access";
            case "EFBIG": return "the file would exceed the file-size limit (ulimit -f) or the filesystem's maximum";
            case "ENOSPC": return "the filesystem is full";
            case "EROFS": return "the filesystem is read-only; map the file :read-only or :private";
            case "EMFILE": return "too many open files in this process (ulimit -n)";
            default: return null;
        }
    }

    private static String memlockLimit() {
        try {
            long cur = Mman.memlockLimit();
            return cur < 0 ? "unlimited" : (cur / 1024) + " KiB";
        } catch (Throwable t) {
            return "unknown";
        }
    }

    private static String mapCount() {
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            return Long.toString(lines.count());
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static String maxMapCount() {
        try {
            return Files.readString(Path.of("/proc/sys/vm/max_map_count")).trim();
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
