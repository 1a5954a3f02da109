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
    private final boolean[] startTable = new boolean[256];
    /** Bytes looked at one by one before a block search for the next member. */
    private static final int NEAR = 16;
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
        for (int b = 0; b < 256; b++) startTable[b] = s.contains(b);
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
                int from = (int) (pos - bufStart), to = (int) (Math.min(limit, bufEnd) - bufStart);
                // Words are close together: a few bytes by table before the block search, whose call costs more.
                int hit = from, near = Math.min(to, from + NEAR);
                while (hit < near && !startTable[buf[hit] & 0xFF]) hit++;
                if (hit == near) hit = near < to ? starts.indexIn(buf, near, to) : -1;
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
            long count = 0;
            boolean[] ascii = run.ascii;
            while (e < src.to) {
                if (e >= windowLimit) return stop(s);
                ensure(e);
                int i = (int) (e - bufStart);
                // ASCII members without a call each; the window limit and the block's end bound the step.
                int end = (int) (Math.min(bufEnd, windowLimit) - bufStart), j = i;
                while (j < end && buf[j] >= 0 && ascii[buf[j]]) j++;
                if (j > i) {
                    count += j - i;
                    e += j - i;
                    continue;
                }
                int b = buf[i] & 0xFF;
                if (b < 0x80) break;
                int len = unitLength(i);
                if (!run.member(codePoint(i, len))) break;
                e += len;
                count++;
            }
            // An attempt later in a run too short is shorter still; and inside a run of word
            // characters there is no \b, so a run whose ends are not boundaries holds no match.
            pos = e;
            if (count < run.min) continue;
            if (run.boundBefore && wordBefore(s)) continue;
            if (run.boundAfter && e < src.to) {
                if (e >= windowLimit) return stop(s);
                if (wordAt(e)) continue;
            }
            return accept(s, e, e);
        }
    }

    /** Whether the JDK's {@code \b} takes the character before {@code p} (a run's start) as a word character. */
    private boolean wordBefore(long p) {
        if (p <= src.from) return false;
        if (p - 1 >= bufStart && p - 1 < bufEnd && buf[(int) (p - 1 - bufStart)] >= 0) return ClassRun.asciiWord(buf[(int) (p - 1 - bufStart)]);
        long q = src.unitStart(p - 1);
        int cp = codePointAt(q);
        if (ClassRun.asciiWord(cp)) return true;
        if (Character.getType(cp) != Character.NON_SPACING_MARK) return false;
        // A mark counts when a letter or digit stands before it, past any other marks.
        while (true) {
            if (q <= src.from) return false;
            q = src.unitStart(q - 1);
            cp = codePointAt(q);
            if (Character.isLetterOrDigit(cp)) return true;
            if (Character.getType(cp) != Character.NON_SPACING_MARK) return false;
        }
    }

    /** Whether the JDK's {@code \b} takes the character at {@code e} (just after a run) as a word character. */
    private boolean wordAt(long e) {
        if (e >= bufStart && e < bufEnd && buf[(int) (e - bufStart)] >= 0) return ClassRun.asciiWord(buf[(int) (e - bufStart)]);
        int cp = codePointAt(e);
        if (ClassRun.asciiWord(cp)) return true;
        // A mark right after the run: its base is the run's last character, a letter or digit unless '_'.
        return Character.getType(cp) == Character.NON_SPACING_MARK && codePointAt(src.unitStart(e - 1)) != '_';
    }

    /** The code point of the unit at {@code q}, read afresh (U+FFFD for a malformed one). */
    private int codePointAt(long q) {
        ensure(q);
        int i = (int) (q - bufStart);
        return codePoint(i, unitLength(i));
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
