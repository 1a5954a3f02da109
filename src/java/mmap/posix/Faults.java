package mmap.posix;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

/**
 * Where the JVM reports a fault in a memory access.
 *
 * <p>When a read or write of a mapped page faults (SIGBUS: the file was truncated under the
 * mapping), the JVM does not stop the access at once: it skips the faulting instruction and
 * queues an {@link InternalError} for the thread, to be thrown at its next safepoint poll,
 * which in compiled code may be several frames and many instructions later. Until then the
 * skipped load's register holds garbage. The JVM does deliver the queued error, at the
 * latest, when the thread returns from a native call.
 *
 * <p>{@link #deliverPending()} is such a call, and costs about as much as a few memory loads.
 * The safe layer calls it after every read or write of a mapping and before it trusts what
 * it read, so that a fault is reported at the access that caused it, as an exception the
 * caller can catch, and no value read from a faulted page is ever used.
 */
public final class Faults {
    private Faults() {}

    private static final MethodHandle ABS = Libc.plain("abs", FunctionDescriptor.of(Libc.INT, Libc.INT));

    /** Throws the {@link InternalError} of any memory fault this thread took since the last call. */
    public static void deliverPending() {
        try {
            int ignored = (int) ABS.invokeExact(0);
        } catch (Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("the native call abs failed", t);
        }
    }
}
