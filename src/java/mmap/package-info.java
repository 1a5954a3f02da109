/**
 * Memory-mapped files for Java, on the JDK's Foreign Function &amp; Memory API: the stable
 * public API.
 *
 * <ul>
 * <li>{@link mmap.MappedFile}: a safe mapping (reads and writes, typed values at long
 *     offsets, atomics, sync, advice, protection, locking, residency, resize). No use of it can
 *     crash the JVM: a closed mapping, or a file truncated by another process, is an
 *     exception.</li>
 * <li>{@link mmap.MappedFile#matches(java.util.regex.Pattern)}: regex matches over the file as
 *     an ordered, lazy {@code Stream<}{@link mmap.Match}{@code >}, scanned in parallel,
 *     exactly what {@code Matcher.results()} gives over the decoded text; options in
 *     {@link mmap.ScanOptions}.</li>
 * <li>{@link mmap.ElementView} and {@link mmap.Npy}: numbers in a mapping, and NumPy .npy
 *     files.</li>
 * <li>{@link mmap.FileBytes}: a whole file's bytes for one pass, read when small and mapped
 *     when large; {@link mmap.Grep}: the grep command.</li>
 * <li>{@link mmap.ErrnoException}: the kernel's refusals, with the call, the file, the errno
 *     name and a hint.</li>
 * </ul>
 *
 * <p>The raw system calls are in {@link mmap.posix}; the engine behind the regex and grep is in
 * {@code mmap.internal}, which carries no compatibility promise.
 */
package mmap;
