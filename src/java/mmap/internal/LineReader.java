package mmap.internal;

import java.lang.foreign.MemorySegment;
import java.nio.charset.Charset;
import java.util.Arrays;

/**
 * The lines of bytes [from, to) of a segment, split as {@code BufferedReader.readLine} splits
 * them (at \n, \r\n or \r; a last line without a terminator counts, an empty text has none)
 * and decoded with a charset. Reads the segment in blocks copied to the heap.
 *
 * <p>Public for {@code mmap.core} only; no compatibility promise.
 */
public final class LineReader {
    private final MemorySegment seg;
    private final long to;
    private final Charset charset;
    private final byte[] buf = new byte[ByteSearch.BLOCK];
    private long bufStart, bufEnd;
    private long pos;
    private byte[] carry = new byte[256];

    /**
     * Reads the lines of {@code seg} between {@code from} and {@code to}.
     * @param seg the bytes
     * @param from first byte offset (inclusive)
     * @param to end byte offset (exclusive)
     * @param charset how the lines are decoded
     */
    public LineReader(MemorySegment seg, long from, long to, Charset charset) {
        this.seg = seg;
        this.to = to;
        this.charset = charset;
        this.pos = from;
        this.bufStart = this.bufEnd = from;
    }

    /** {@return the next line, or null after the last} */
    public String next() {
        if (pos >= to) return null;
        int carried = 0;
        while (true) {
            if (pos >= bufEnd) {
                if (pos >= to) return new String(carry, 0, carried, charset);
                long end = Math.min(to, pos + buf.length);
                Access.copy(seg, pos, buf, 0, (int) (end - pos));
                bufStart = pos;
                bufEnd = end;
            }
            int from = (int) (pos - bufStart), n = (int) (bufEnd - bufStart);
            int t = ByteSearch.indexOfEither(buf, from, n, (byte) '\n', (byte) '\r');
            int lineEnd = t < 0 ? n : t;
            String line = null;
            if (carried == 0 && t >= 0) {
                line = new String(buf, from, lineEnd - from, charset);
            } else {
                int add = lineEnd - from;
                if (carried + add > carry.length) carry = Arrays.copyOf(carry, Math.max(carried + add, carry.length * 2));
                System.arraycopy(buf, from, carry, carried, add);
                carried += add;
                if (t >= 0) line = new String(carry, 0, carried, charset);
            }
            if (t < 0) { pos = bufEnd; continue; }
            pos = bufStart + t + 1;
            if (buf[t] == '\r' && pos < to && byteAt(pos) == '\n') pos++;
            return line;
        }
    }

    private byte byteAt(long p) {
        if (p >= bufStart && p < bufEnd) return buf[(int) (p - bufStart)];
        return Access.getByte(seg, p);
    }
}
