package mmap;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A whole file's bytes for a search: small regular files are read, larger ones mapped, and
 * FIFOs, devices and /proc files read to their end. Reading a small file costs about 30 µs
 * where mapping and unmapping it costs 0.2–0.5 ms (the shared arena's close handshake), so
 * the two differ only in speed (bench/RESULTS.md, the :tree suite).
 *
 * <p>This is how the grep command and {@code mmap.core/grep} open files; use it for any
 * one-pass read of whole files where small ones are common.
 */
public final class FileBytes implements AutoCloseable {
    /** Files up to this size are read rather than mapped. */
    public static final long SMALL_FILE = 1024 * 1024;

    private final MemorySegment segment;
    private final MappedFile mapping;   // null when read

    private FileBytes(MemorySegment segment, MappedFile mapping) {
        this.segment = segment;
        this.mapping = mapping;
    }

    /** {@return the file's bytes, valid until {@link #close}} */
    public MemorySegment segment() {
        return segment;
    }

    /**
     * Opens {@code path} for reading, into an array of its own. A directory fails with an
     * IOException whose message is "Is a directory".
     * @param path the file
     * @throws IOException if the file cannot be read
     * @return the file's bytes
     */
    public static FileBytes open(Path path) throws IOException {
        return new Reader().open(path);
    }

    /**
     * Reads files into one array, reused from file to file: a search of many small files
     * then allocates nothing per file. Each {@link #open} ends the previous file's bytes.
     */
    public static final class Reader {
        private static final int FIRST_BUFFER = 256 * 1024;
        private byte[] buf = new byte[0];
        private final long readLimit;

        /** A reader that maps files larger than {@link #SMALL_FILE}; its buffer grows to the largest file read. */
        public Reader() {
            this(SMALL_FILE);
        }

        /**
         * A reader that reads regular files of up to {@code readLimit} bytes and maps larger
         * ones (or any whose array cannot be allocated); its buffer grows to the largest file
         * read. A short-lived process does better with a high limit: its first mapping builds
         * the native-call handles, about 0.2 s of work that a read never needs (bin/mmgrep,
         * one 3 MB file: 0.33 s mapped, 0.18 s read), where a long-lived one has them built.
         * @param readLimit the largest regular file to read rather than map, in bytes (0 or more)
         * @throws IllegalArgumentException if {@code readLimit} is negative
         */
        public Reader(long readLimit) {
            if (readLimit < 0) throw new IllegalArgumentException("FileBytes.Reader: readLimit must be 0 or more, not " + readLimit);
            this.readLimit = Math.min(readLimit, Integer.MAX_VALUE - 64);
        }

        /**
         * Reads {@code path} into this reader's buffer, ending the bytes of the previous file.
         * @param path the file
         * @return the file's bytes, valid until the next {@code open} on this reader
         * @throws IOException if the file cannot be read (a directory gives "Is a directory")
         */
        public FileBytes open(Path path) throws IOException {
            return open(path.toString(), false);
        }

        /**
         * As {@link #open(Path)}, for a file the caller knows to be a regular file (a directory
         * walk's entry type says so): a read shorter than asked for then ends the file, which
         * saves the read that returns nothing. Any other file is read until a read returns 0,
         * as FIFOs, devices and /proc files need.
         * @param path the file
         * @param regular whether the file is known to be a regular file
         * @return the file's bytes, valid until the next {@code open} on this reader
         * @throws IOException if the file cannot be read (a directory gives "Is a directory")
         */
        public FileBytes open(String path, boolean regular) throws IOException {
            // FileInputStream: open, fstat (which makes a directory fail with "Is a directory", as
            // grep reports it), read, close, and little else. A FileChannel builds far more per
            // file: reading the JDK's 15,000 sources took 0.7 s that way, 0.5 s this way
            // (whole process, one thread, the AOT cache on).
            try (FileInputStream in = new FileInputStream(path)) {
                if (buf.length == 0) buf = new byte[(int) Math.min(FIRST_BUFFER, readLimit + 1)];
                int n = 0;
                while (true) {
                    if (n == buf.length) {
                        long size = in.getChannel().size();
                        boolean mappable = size > 0 && Files.isRegularFile(Path.of(path));
                        if (size > readLimit && mappable) return map(path);
                        long want = Math.max(2L * buf.length, size + 1);
                        if (want > Integer.MAX_VALUE - 64) throw new IOException(path + ": too large to read into an array");
                        try {
                            buf = Arrays.copyOf(buf, (int) want);
                        } catch (OutOfMemoryError e) {
                            if (!mappable) throw e;
                            return map(path);
                        }
                    }
                    int r = in.read(buf, n, buf.length - n);
                    if (r < 0) break;
                    n += r;
                    if (regular && n < buf.length) break;
                }
                return new FileBytes(MemorySegment.ofArray(buf).asSlice(0, n), null);
            }
        }
    }

    private static FileBytes map(String path) throws IOException {
        MappedFile mf = MappedFile.open(Path.of(path), MappedFile.options().keepDescriptor(false));
        return new FileBytes(mf.segment(), mf);
    }

    /**
     * Standard input, read to its end.
     * @param in the stream, read to its end
     * @throws IOException if the file cannot be read
     * @return the bytes read
     */
    public static FileBytes of(InputStream in) throws IOException {
        return new FileBytes(MemorySegment.ofArray(in.readAllBytes()), null);
    }

    @Override
    public void close() {
        if (mapping != null) mapping.close();
    }
}
