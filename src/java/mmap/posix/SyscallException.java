package mmap.posix;

import java.io.IOException;

/**
 * A POSIX call that returned an errno. The message names the call and its arguments, the
 * file when there is one, the errno's name and glibc's text for it, and a hint where one helps:
 *
 * <pre>
 * mlock(addr=0x7f.., len=67108864) failed: EPERM (Operation not permitted). Hint: locking memory needs ...
 * </pre>
 *
 * <p>This is what the raw layer ({@link Mman}) throws. The safe layer throws its subclass
 * {@code mmap.ErrnoException}, which always names the file.
 */
public class SyscallException extends IOException {
    /** The exception's detail: the system call. */
    private final String call;
    /** The exception's detail: its arguments, as text. */
    private final String arguments;
    /** The exception's detail: the errno value. */
    private final int errno;
    /** The exception's detail: the file, or null. */
    private final String path;
    /** The exception's detail: a suggestion, or null. */
    private final String hint;

    /**
     * A failure of {@code call} with the hint this library knows for that call and errno.
     * @param call the system call that failed
     * @param arguments its arguments, as text for the message
     * @param errno the errno value
     * @param path the file involved, or null
     */
    public SyscallException(String call, String arguments, int errno, String path) {
        this(call, arguments, errno, path, Hints.forCall(call, errno), null);
    }

    /**
     * A failure with its own hint (null for none) and cause (null for none).
     * @param call the system call that failed
     * @param arguments its arguments, as text for the message
     * @param errno the errno value
     * @param path the file involved, or null
     * @param hint a suggestion for fixing the cause, or null
     * @param cause the underlying exception, or null
     */
    public SyscallException(String call, String arguments, int errno, String path, String hint, Throwable cause) {
        super(message(call, arguments, errno, path, hint), cause);
        this.call = call;
        this.arguments = arguments;
        this.errno = errno;
        this.path = path;
        this.hint = hint;
    }

    private static String message(String call, String arguments, int errno, String path, String hint) {
        StringBuilder sb = new StringBuilder(call).append('(').append(arguments).append(") failed");
        if (path != null) sb.append(" on ").append(path);
        sb.append(": ").append(Errno.name(errno)).append(" (").append(Errno.describe(errno)).append(')');
        if (hint != null && !hint.isEmpty()) sb.append(". Hint: ").append(hint);
        return sb.toString();
    }

    /** {@return the errno value, such as 12} */
    public int errno() { return errno; }

    /** {@return the errno's symbolic name, such as {@code "ENOMEM"}} */
    public String errnoName() { return Errno.name(errno); }

    /** {@return the POSIX call that failed, such as {@code "mmap"}} */
    public String call() { return call; }

    /** {@return the call's arguments as they appear in the message} */
    public String arguments() { return arguments; }

    /** {@return the file involved, or null} */
    public String path() { return path; }

    /** {@return the hint in the message, or null} */
    public String hint() { return hint; }
}
