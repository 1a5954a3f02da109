package mmap;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * How {@link MappedFile#matches(java.util.regex.Pattern, ScanOptions)} and
 * {@link MappedFile#countMatches(java.util.regex.Pattern, ScanOptions)} scan: the byte range,
 * the text's encoding, and the threads. Each setter returns this object.
 */
public final class ScanOptions {
    /** How bytes become characters. */
    public enum Encoding {
        /** UTF-8, malformed bytes decoded as U+FFFD exactly as {@code new String(bytes, UTF_8)} does. */
        UTF_8,
        /** One character per byte (ISO-8859-1): for binary files and byte-oriented patterns. */
        LATIN_1
    }

    long from = 0;
    long to = -1;                      // -1: the end of the mapping
    Encoding encoding = Encoding.UTF_8;
    int threads = Runtime.getRuntime().availableProcessors();
    Executor executor;                 // null: a shared pool of daemon threads

    /** The defaults, as {@link #defaults()} gives them. */
    public ScanOptions() {}

    /**
     * The defaults: the whole mapping, UTF-8, as many threads as processors, a shared pool.
     * @return these options
     */
    public static ScanOptions defaults() {
        return new ScanOptions();
    }

    /**
     * Scans bytes [from, to) only, taken as the whole text (so {@code \A} matches at {@code from}).
     * @param from first byte offset of the range (inclusive)
     * @param to end byte offset of the range (exclusive)
     * @return these options
     */
    public ScanOptions range(long from, long to) {
        if (from < 0 || to < from) throw new IllegalArgumentException("invalid range [" + from + ", " + to + ")");
        this.from = from;
        this.to = to;
        return this;
    }

    /**
     * How the bytes are decoded.
     * @param encoding the text encoding
     * @return these options
     */
    public ScanOptions encoding(Encoding encoding) {
        this.encoding = Objects.requireNonNull(encoding, "encoding");
        return this;
    }

    /**
     * At most this many threads scan at once (1: this thread only). Results stay in order.
     * @param threads the number of threads
     * @return these options
     */
    public ScanOptions threads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        this.threads = threads;
        return this;
    }

    /**
     * Runs the scan's tasks on {@code executor} instead of the shared pool.
     * @param executor runs the scan tasks
     * @return these options
     */
    public ScanOptions executor(Executor executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
        return this;
    }
}
