/**
 * The engine behind {@code mmap.core}, {@link mmap.MappedFile#matches} and {@link mmap.Grep}:
 * fault-safe access, byte search, pattern analysis (required literals, line confinement, first
 * bytes), windowed and parallel regex scans, and GNU-compatible line grep.
 *
 * <p>Its classes are public only so that {@code mmap.core} (Clojure) and the {@code mmap}
 * package can reach them. They carry no compatibility promise: use {@code mmap} instead.
 */
package mmap.internal;
