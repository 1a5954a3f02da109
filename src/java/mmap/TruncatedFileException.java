package mmap;

/**
 * A read or write of a mapping failed because the file no longer backs those bytes: another
 * writer truncated it. The mapping is still valid to close; map the file again to read what
 * it holds now.
 *
 * <p>The JVM learns of this through a SIGBUS, which it turns into an {@link InternalError};
 * the safe layer catches that at the access (see {@link mmap.posix.Faults}) and throws this
 * instead, naming the file, the range and the file's new size.
 */
public final class TruncatedFileException extends IllegalStateException {
    /** The exception's detail: the file. */
    private final String path;
    /** The exception's detail: the first byte of the access. */
    private final long offset;
    /** The exception's detail: the bytes the access wanted. */
    private final long length;
    /** The exception's detail: the file's size when the access failed. */
    private final long fileSize;

    TruncatedFileException(String path, long offset, long length, long fileSize, Throwable cause) {
        super("Accessing " + path + " at bytes [" + offset + ", " + (offset + length) + ") failed: the file was truncated"
                + " under the mapping by another writer" + (fileSize >= 0 ? " (it now has " + fileSize + " bytes)" : "")
                + ". Close the mapping and map the file again.", cause);
        this.path = path;
        this.offset = offset;
        this.length = length;
        this.fileSize = fileSize;
    }

    /** {@return the mapped file} */
    public String path() { return path; }

    /** {@return the offset, in the mapping, of the access that failed} */
    public long offset() { return offset; }

    /** {@return how many bytes the access covered} */
    public long length() { return length; }

    /** {@return the file's size when the failure was reported, or -1 when it could not be read} */
    public long fileSize() { return fileSize; }
}
