package mmap.posix;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What usually causes an errno from a call, and what to do about it. Everything a hint needs
 * is read when this class loads, so that a hint can be written when the process has no
 * descriptor or mapping to spare.
 */
final class Hints {
    private Hints() {}

    /** /proc/sys/vm/max_map_count, read once; -1 when it cannot be read. */
    static final long MAX_MAP_COUNT = readLong("/proc/sys/vm/max_map_count");

    static String forCall(String call, int errno) {
        String name = Errno.name(errno);
        boolean locking = call.startsWith("mlock") || call.equals("munlock");
        switch (name) {
            case "ENOENT": return "no such file: check the path and the working directory";
            case "EACCES": return "permission denied: check the file's mode and owner (ls -l), or map it read-only";
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
                    return mapsHint(-1);
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
            case "EROFS": return "the filesystem is read-only; map the file read-only or private";
            case "EMFILE": return "too many open files in this process (ulimit -n); close some, or raise the limit";
            case "ENFILE": return "too many open files in the system (/proc/sys/fs/file-max)";
            default: return null;
        }
    }

    /** The hint for running out of mappings; {@code mappings} is the process's count, or -1 if unknown. */
    static String mapsHint(long mappings) {
        return "out of address space or memory, or too many mappings: this process has "
                + (mappings >= 0 ? Long.toString(mappings) : "?") + " of vm.max_map_count "
                + (MAX_MAP_COUNT >= 0 ? Long.toString(MAX_MAP_COUNT) : "?")
                + " (raise it with sysctl vm.max_map_count, or close mappings); with huge pages, reserve them in /proc/sys/vm/nr_hugepages";
    }

    private static String memlockLimit() {
        try {
            long cur = Mman.memlockLimit();
            return cur < 0 ? "unlimited" : (cur / 1024) + " KiB";
        } catch (SyscallException | RuntimeException e) {
            return "unknown";
        }
    }

    private static long readLong(String procFile) {
        try (FileInputStream in = new FileInputStream(procFile)) {
            return Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
