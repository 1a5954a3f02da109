package mmap.internal;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Matches a {@link ClassRun} pattern in one pass: the next character that is a member, then
 * the run of members after it; the run is a match when it holds enough characters, and when
 * it does not, no attempt inside it can be one. Reads the text in blocks copied to the heap
 * and decodes UTF-8 as the engine does (a malformed unit is U+FFFD).
 */
final class ClassRunFinder extends Finder {
    private static final int BLOCK = ByteSearch.BLOCK;
    /** The longest unit: a block is reloaded when fewer bytes than this remain of it before the text's end. */
    private static final int UNIT = 4;

    private final ClassRun run;
    private final long windowLimit;
    private final ByteClassSearch starts;    // bytes that may start a member
    private final byte[] buf = new byte[BLOCK];
    private long bufStart, bufEnd;

    ClassRunFinder(Source src, ClassRun run, long searchFrom, long startLimit, long windowLimit) {
        super(src, searchFrom, startLimit);
        this.run = run;
        this.windowLimit = Math.min(windowLimit, src.to);
        ByteSet s = new ByteSet();
        for (int b = 0; b < 0x80; b++) if (run.member(b)) s.add(b);
        if (run.aboveAscii) for (int b = 0x80; b < 0x100; b++) s.add(b);
        this.starts = new ByteClassSearch(s);
        bufStart = bufEnd = src.from;
    }

    @Override
    boolean find() {
        if (done) return false;
        long pos = resume;
        long limit = Math.min(src.to, startLimit);
        while (true) {
            long s = -1;
            while (pos < limit) {
                ensure(pos);
                int hit = starts.indexIn(buf, (int) (pos - bufStart), (int) (Math.min(limit, bufEnd) - bufStart));
                if (hit < 0) {
                    pos = Math.min(limit, bufEnd);
                    continue;
                }
                long at = bufStart + hit;
                ensure(at);
                int i = (int) (at - bufStart);
                int len = unitLength(i);
                if (run.member(codePoint(i, len))) {
                    s = at;
                    break;
                }
                pos = at + len;
            }
            if (s < 0) return finish();
            long e = s;
            int count = 0;
            while (e < src.to) {
                if (e >= windowLimit) return stop(s);
                ensure(e);
                int i = (int) (e - bufStart);
                int b = buf[i] & 0xFF;
                int len = b < 0x80 ? 1 : unitLength(i);
                if (!run.member(b < 0x80 ? b : codePoint(i, len))) break;
                e += len;
                if (count < run.min) count++;
            }
            if (count >= run.min) return accept(s, e, e);
            pos = e;    // an attempt later in a run too short is shorter still
        }
    }

    /** Loads the block at {@code p} unless the one held has {@code p} and the unit there whole. */
    private void ensure(long p) {
        if (p >= bufStart && (p + UNIT <= bufEnd || bufEnd == src.to)) return;
        long end = Math.min(src.to, p + buf.length);
        src.copy(p, buf, 0, (int) (end - p));
        bufStart = p;
        bufEnd = end;
    }

    private int unitLength(int i) {
        return src.utf8 ? Utf8.unitLength(buf, i, (int) (bufEnd - bufStart)) : 1;
    }

    /** The code point of the unit at {@code i}: U+FFFD for a malformed one, the byte itself in Latin-1. */
    private int codePoint(int i, int len) {
        int b = buf[i] & 0xFF;
        if (b < 0x80 || !src.utf8) return b;
        int cp = Utf8.codePoint(buf, i, len);
        return cp < 0 ? 0xFFFD : cp;
    }

    @Override int groupCount() { return run.capture ? 1 : 0; }

    @Override String group(int g) {
        byte[] b = new byte[(int) (lastEnd - lastStart)];
        src.copy(lastStart, b, 0, b.length);
        return new String(b, src.utf8 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    @Override long start(int g) { return lastStart; }

    @Override long end(int g) { return lastEnd; }

    @Override Map<String, Integer> namedGroups() { return Map.of(); }
}
