package mmap.posix;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The one place that looks up libc symbols and builds downcall handles. Handles are built
 * once into {@code static final} fields, so that the JIT treats them as constants (the
 * pattern of Lucene's PosixNativeAccess).
 *
 * <p>Symbols are found in the libc that is already loaded ({@code dlopen} of a loaded library
 * opens no file), so that building a handle works even when the process is out of file
 * descriptors: the first failure a user sees may well be EMFILE, and it must be reported.
 */
final class Libc {
    private Libc() {}

    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LOOKUP = lookup();

    static final ValueLayout.OfLong SIZE_T = ValueLayout.JAVA_LONG;
    static final ValueLayout.OfLong OFF_T = ValueLayout.JAVA_LONG;
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    static final AddressLayout PTR = ValueLayout.ADDRESS;

    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** One capture buffer per thread: errno is per thread, and this avoids an allocation per call. */
    private static final ThreadLocal<MemorySegment> CAPTURE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private static SymbolLookup lookup() {
        try {
            SymbolLookup libc = SymbolLookup.libraryLookup("libc.so.6", Arena.global());
            return name -> libc.find(name).or(() -> LINKER.defaultLookup().find(name));
        } catch (IllegalArgumentException notGlibc) {
            return LINKER.defaultLookup();
        }
    }

    static MemorySegment captureSegment() {
        return CAPTURE.get();
    }

    static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    /** A handle whose first parameter is the errno capture segment. */
    static MethodHandle withErrno(String name, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = CAPTURE_ERRNO;
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(symbol(name), fd, options);
    }

    static MethodHandle plain(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(symbol(name), fd);
    }

    private static MemorySegment symbol(String name) {
        return LOOKUP.find(name).orElseThrow(() ->
                new UnsatisfiedLinkError("libc has no symbol '" + name + "' (this library needs glibc on Linux)"));
    }

    static final boolean AARCH64 = "aarch64".equals(System.getProperty("os.arch"));
}
