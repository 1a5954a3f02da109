package mmap.internal;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Matches a {@link Delimited} pattern by scanning bytes: from each open byte to the first
 * close byte after it, or, for {@code .*?} without DOTALL, to a line terminator first (then no
 * match starts at that open byte, nor at any before the terminator). Reads the text in blocks
 * copied to the heap.
 */
final class DelimitedFinder extends Finder {
    private static final int BLOCK = ByteSearch.BLOCK;

    private final Delimited shape;
    private final long windowLimit;
    private final ByteClassSearch stops;     // the close byte, and what may start a line terminator
    private final byte[] buf = new byte[BLOCK];
    private long bufStart, bufEnd;

    DelimitedFinder(Source src, Delimited shape, long searchFrom, long startLimit, long windowLimit) {
        super(src, searchFrom, startLimit);
        this.shape = shape;
        this.windowLimit = Math.min(windowLimit, src.to);
        ByteSet s = ByteSet.of(shape.close() & 0xFF);
        if (shape.stopsAtLineEnd()) {
            s.add('\n');
            if (!shape.unixLines()) {
                s.add('\r');
                if (src.utf8) { s.add(0xC2); s.add(0xE2); } else s.add(0x85);
            }
        }
        this.stops = new ByteClassSearch(s);
        bufStart = bufEnd = src.from;
    }

    @Override
    boolean find() {
        if (done) return false;
        long pos = resume;
        long limit = Math.min(src.to, startLimit);
        while (true) {
            long s = indexOf(shape.open(), pos, limit);
            if (s < 0) return finish();
            long e = matchEnd(s);
            if (e == -1) return finish();                 // no close byte anywhere after: no later open matches either
            if (e == -3) return stop(s);                  // needs text past the window limit
            if (e < -3) { pos = -4 - e + 1; continue; }   // a line ended first: so it would for every open before it
            return accept(s, e, e);
        }
    }

    /** The first position in [pos, end) holding {@code b}, or -1. */
    private long indexOf(byte b, long pos, long end) {
        while (pos < end) {
            if (pos < bufStart || pos >= bufEnd) load(pos);
            int hit = ByteSearch.indexOf(buf, (int) (pos - bufStart), (int) (Math.min(end, bufEnd) - bufStart), b);
            if (hit >= 0) return bufStart + hit;
            pos = Math.min(end, bufEnd);
        }
        return -1;
    }

    /**
     * The end (exclusive) of the match that starts with the open byte at {@code s}: -1 when
     * there is none there (nor after), -3 when the window limit came first, and {@code -4 - t}
     * when a line terminator at t ended the attempt.
     */
    private long matchEnd(long s) {
        long pos = s + 1;
        while (true) {
            if (pos >= src.to) return -1;
            if (pos >= windowLimit) return -3;
            if (pos < bufStart || pos >= bufEnd) load(pos);
            int rel = (int) (pos - bufStart);
            int hit = stops.indexIn(buf, rel, (int) (Math.min(bufEnd, windowLimit) - bufStart));
            if (hit < 0) { pos = Math.min(bufEnd, windowLimit); continue; }
            long at = bufStart + hit;
            byte b = buf[hit];
            if (b == shape.close()) return at + 1;
            if (b == '\n' || b == '\r') return -4 - at;
            if (src.utf8) {
                if (b == (byte) 0xC2 && at + 1 < src.to && src.byteAt(at + 1) == (byte) 0x85) return -4 - at;
                if (b == (byte) 0xE2 && at + 2 < src.to && src.byteAt(at + 1) == (byte) 0x80) {
                    byte b2 = src.byteAt(at + 2);
                    if (b2 == (byte) 0xA8 || b2 == (byte) 0xA9) return -4 - at;
                }
            } else if (b == (byte) 0x85) {
                return -4 - at;
            }
            pos = at + 1;
        }
    }

    private void load(long pos) {
        long end = Math.min(src.to, pos + buf.length);
        src.copy(pos, buf, 0, (int) (end - pos));
        bufStart = pos;
        bufEnd = end;
    }

    @Override int groupCount() { return shape.capture() ? 1 : 0; }

    @Override String group(int g) {
        long s = start(g), e = end(g);
        byte[] b = new byte[(int) (e - s)];
        src.copy(s, b, 0, b.length);
        return new String(b, src.utf8 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    @Override long start(int g) { return g == 0 ? lastStart : lastStart + 1; }

    @Override long end(int g) { return g == 0 ? lastEnd : lastEnd - 1; }

    @Override Map<String, Integer> namedGroups() { return Map.of(); }
}
