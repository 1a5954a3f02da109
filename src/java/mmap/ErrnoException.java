package mmap;

import mmap.posix.SyscallException;

/**
 * A call the kernel refused, as the safe layer reports it: the message names the call, its
 * arguments, the file, the errno's name and glibc's text for it, and a hint where one helps.
 *
 * <pre>
 * open(flags=O_RDONLY|O_NONBLOCK|O_CLOEXEC) failed on /nope: ENOENT (No such file or directory). Hint: no such file: ...
 * </pre>
 *
 * <p>It means only that the kernel returned an errno. A caller's mistake (a negative length,
 * a range outside the mapping) is an {@link IllegalArgumentException} or
 * {@link IndexOutOfBoundsException}, a closed mapping an {@link IllegalStateException}, and a
 * file truncated under its mapping a {@link TruncatedFileException}.
 */
public final class ErrnoException extends SyscallException {
    /**
     * A failure of {@code call} on {@code path} (null for anonymous memory), with a hint (null for none).
     * @param call the system call that failed
     * @param arguments its arguments, as text for the message
     * @param errno the errno value
     * @param path the file involved, or null
     * @param hint a suggestion for fixing the cause, or null
     */
    public ErrnoException(String call, String arguments, int errno, String path, String hint) {
        super(call, arguments, errno, path, hint, null);
    }

    private ErrnoException(SyscallException e, String path, String hint) {
        super(e.call(), e.arguments(), e.errno(), path, hint, e);
        setStackTrace(e.getStackTrace());
    }

    /** The raw layer's failure, naming {@code path} when it did not, and with {@code hint} when not null. */
    static ErrnoException from(SyscallException e, String path, String hint) {
        if (e instanceof ErrnoException ee && (path == null || path.equals(ee.path())) && hint == null) return ee;
        return new ErrnoException(e, e.path() != null ? e.path() : path, hint != null ? hint : e.hint());
    }
}
