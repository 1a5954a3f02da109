/**
 * The raw layer: mmap(2), munmap(2), msync(2), madvise(2), mprotect(2), mlock(2),
 * mincore(2), mremap(2) and the Linux constants, called through {@code java.lang.foreign}
 * with errno captured, a port of Raku's Mmap::Native. It mirrors the Clojure namespace
 * {@code mmap.raw}.
 *
 * <p>This layer is as sharp as C: a segment returned by {@link mmap.posix.Mman#mmap} has no
 * lifetime, and reading it after munmap, or past the end of a truncated file, crashes the
 * JVM. Use {@link mmap.MappedFile} for a mapping that cannot.
 *
 * <p>It depends on nothing else in this library; {@code mmap} and {@code mmap.internal} build on
 * it.
 */
package mmap.posix;
