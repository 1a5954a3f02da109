package mmap;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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
        private byte[] buf = new byte[0];

        /** A reader whose buffer grows to the largest file read. */
        public Reader() {}

        /**
         * Reads {@code path} into this reader's buffer, ending the bytes of the previous file.
         * @param path the file
         * @return the file's bytes, valid until the next {@code open} on this reader
         * @throws IOException if the file cannot be read (a directory gives "Is a directory")
         */
        public FileBytes open(Path path) throws IOException {
            // No stat first: the channel's fstat gives the size, and reading a directory
            // fails with EISDIR, which is what grep reports for it.
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                long n = ch.size();
                if (n > SMALL_FILE && Files.isRegularFile(path)) {
                    MappedFile mf = MappedFile.open(path, MappedFile.options().keepDescriptor(false));
                    return new FileBytes(mf.segment(), mf);
                }
                if (n == 0) {
                    // /proc files, FIFOs and devices say they are empty and are not.
                    return new FileBytes(MemorySegment.ofArray(Channels.newInputStream(ch).readAllBytes()), null);
                }
                if (buf.length < n) buf = new byte[(int) Math.max(n, Math.min(SMALL_FILE, 2L * buf.length))];
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, (int) n);
                while (bb.hasRemaining() && ch.read(bb) > 0) { /* a file that shrank ends early */ }
                return new FileBytes(MemorySegment.ofArray(buf).asSlice(0, bb.position()), null);
            }
        }
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
