package mmap.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * grep over one file's bytes, writing what GNU grep 3.8 with {@code -P} writes for the same
 * options. Lines end at \n and are matched one at a time, decoded as UTF-8, with a pattern the
 * caller compiled (with UNIX_LINES, so that {@code $} and {@code .} treat a \r as PCRE does).
 *
 * <p>GNU's handling of binary data is followed to the byte: grep reads 96 KiB at a time, and
 * from the first read that holds a NUL on, the file is binary: nothing more is printed, NULs
 * also end lines, and grep stops at the next selected line; a selected line that would be
 * printed but holds malformed UTF-8 is not printed either. Either way grep says so on stderr
 * at the end ("binary file matches"), unless it only counts or lists.
 *
 * <p>When lines are selected by matching (not {@code -v}) and every match contains one of a
 * set of literals, lines without one are skipped by a byte search, unread. Otherwise a
 * {@link LineAutomaton} skips the lines it rules out. Either way, the automaton's verdict on a
 * line stands in for the engine's wherever it has one.
 *
 * <p>Public for {@code mmap.grep} only; no compatibility promise.
 */
public final class LineGrep {
    /** How GNU grep reads: a NUL anywhere in one of these makes the rest of the file binary. */
    static final int GNU_READ = 96 * 1024;
    private static final int BUFFER = 256 * 1024;

    /** What to do with the lines; set by the command line. */
    public static final class Options {
        /** -v: select the lines that do not match. */
        public boolean invert;
        /** -c: print the number of selected lines instead of the lines. */
        public boolean count;
        /** -o: print each match on a line of its own. */
        public boolean onlyMatching;
        /** -l: print the names of files with a selected line. */
        public boolean listMatching;
        /** -L: print the names of files without a selected line. */
        public boolean listNonMatching;
        /** -q: print nothing; the exit status tells. */
        public boolean quiet;
        /** -n: prefix lines with their line number. */
        public boolean lineNumber;
        /** -b: prefix lines with their byte offset. */
        public boolean byteOffset;
        /** --color: highlight matches with SGR escapes. */
        public boolean color;
        /** -m: stop after this many selected lines; -1 for no limit. */
        public long maxCount = -1;
        /** -B: lines of context before each selected line. */
        public int before;
        /** -A: lines of context after each selected line. */
        public int after;

        /** grep's defaults: print selected lines, no context, no limit. */
        public Options() {}
    }

    /** Output state kept across files: whether anything was printed (for the "--" between context groups). */
    public static final class Shared {
        /** Whether any line was printed yet. */
        public boolean printed;

        /** Nothing printed yet. */
        public Shared() {}
    }

    /**
     * What a file gave: its selected lines, and whether grep must say it is binary.
     * @param selected the number of selected lines
     * @param binaryMessage whether a binary-file message was printed
     */
    public record Result(long selected, boolean binaryMessage) {}

    private static final byte[] SEP_COLOR = "\033[36m\033[K".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] NAME_COLOR = "\033[35m\033[K".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] NUMBER_COLOR = "\033[32m\033[K".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] MATCH_COLOR = "\033[01;31m\033[K".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] END_COLOR = "\033[m\033[K".getBytes(StandardCharsets.ISO_8859_1);

    /** The work that depends only on the pattern and options: done once for a search of many files. */
    public static final class Plan {
        final Pattern pattern;
        final Options o;
        final List<ByteSet[]> literals;   // the prefilter's literals, or null
        final LineAutomaton automaton;    // rules lines out and decides them where it can, or null

        /**
         * Analyses {@code pattern} once for every file of a run.
         * @param pattern the regular expression
         * @param o the grep options
         */
        public Plan(Pattern pattern, Options o) {
            this.pattern = pattern;
            this.o = o;
            PatternFacts facts = PatternFacts.of(pattern, true);
            this.literals = !o.invert && facts.plan != null ? facts.plan.literals() : null;
            this.automaton = LineAutomaton.of(pattern);
        }
    }

    private final Options o;
    private final Matcher matcher;
    private final Prefilter pre;
    private final LineAutomaton automaton;
    private final LineAutomaton.Cursor cursor = new LineAutomaton.Cursor();
    private final TextWindow chars = new TextWindow(null);
    private byte[] ownBuf;                // the buffer for data that is not a whole heap array

    // The file being searched.
    private Source src;
    private long size;
    private byte[] label;                 // the file name to print, or null
    private OutputStream out;
    private Shared shared;
    private byte[] buf;                   // ownBuf, or the data's own array
    private long bufStart, bufEnd;
    private long numberedUpTo, linesBefore;       // lines before numberedUpTo
    private long lastOutEnd;                      // just past the last line printed, or -1

    /**
     * A searcher for one thread, reusable from file to file.
     * @param plan the compiled pattern and options
     */
    public LineGrep(Plan plan) {
        this.o = plan.o;
        this.matcher = plan.pattern.matcher("");
        this.pre = plan.literals != null ? new Prefilter(null, ProbePlan.ofLiterals(plan.literals)) : null;
        this.automaton = plan.automaton;
    }

    /**
     * Greps {@code data}, printing its selected lines (or count, or name) to {@code out},
     * prefixed with {@code label} when it is not null.
     * @param data the bytes of the file
     * @param pattern the regular expression
     * @param o the grep options
     * @param label the file name printed before matching lines
     * @param out where output goes
     * @param shared state shared by the files of one grep run
     * @throws IOException if the file cannot be read
     * @return how many lines were selected, and whether a binary-file message was printed
     */
    public static Result grep(MemorySegment data, Pattern pattern, Options o, String label, OutputStream out, Shared shared)
            throws IOException {
        return new LineGrep(new Plan(pattern, o)).grep(data, label, out, shared);
    }

    /**
     * As {@link #grep(MemorySegment, Pattern, Options, String, OutputStream, Shared)}, with this searcher's plan.
     * @param data the bytes of the file
     * @param label the file name printed before matching lines
     * @param out where output goes
     * @param shared state shared by the files of one grep run
     * @throws IOException if the file cannot be read
     * @return how many lines were selected, and whether a binary-file message was printed
     */
    public Result grep(MemorySegment data, String label, OutputStream out, Shared shared) throws IOException {
        this.src = new Source(data, 0, data.byteSize(), true);
        this.size = data.byteSize();
        this.label = label == null ? null : label.getBytes(StandardCharsets.UTF_8);
        this.out = out;
        this.shared = shared;
        this.numberedUpTo = 0;
        this.linesBefore = 0;
        this.lastOutEnd = -1;
        byte[] whole = data.heapBase().orElse(null) instanceof byte[] a && data.address() == 0 ? a : null;
        if (pre != null) pre.rebind(src, whole);
        if (whole != null) {
            // A file that was read: its lines are read in place (bytes past size are not its).
            buf = whole;
            bufStart = 0;
            bufEnd = size;
        } else {
            if (ownBuf == null) ownBuf = new byte[BUFFER];
            buf = ownBuf;
            bufStart = bufEnd = 0;
        }
        try {
            return run(whole);
        } finally {
            this.src = null;
            this.buf = null;
            this.out = null;
        }
    }

    private Result run(byte[] whole) throws IOException {
        // Where the file turns binary, found when first needed: most files of a recursive
        // search hold no candidate at all, and then it does not matter.
        long binaryFrom = -1;
        boolean listing = o.listMatching || o.listNonMatching;
        boolean outQuiet = o.quiet || o.count || listing;
        boolean doneOnMatch = o.quiet || listing;
        boolean binary = false;
        long selectedAtBinary = -1;
        boolean encodingErrors = false;
        long selected = 0;
        int pendingAfter = 0;
        boolean stopAfterContext = false;
        int before = o.onlyMatching ? 0 : o.before, after = o.onlyMatching ? 0 : o.after;
        long pos = 0;
        while (pos < size) {
            if (pre != null && pendingAfter == 0 && !stopAfterContext) {
                long c = pre.next(pos, size);
                if (c < 0) break;
                long nl = src.lastIndexOf((byte) '\n', pos, c);
                pos = nl < 0 ? pos : nl + 1;
            } else if (automaton != null && !o.invert && pendingAfter == 0 && !stopAfterContext) {
                pos = nextCandidateLine(pos);
                if (pos < 0) break;
            }
            if (binaryFrom < 0) binaryFrom = binaryFrom(whole);
            long end = lineEnd(pos, binary);
            if (!binary && end >= binaryFrom) {
                // The read that holds the first NUL: the file is binary from here on.
                binary = true;
                selectedAtBinary = selected;
                if (!o.count) { outQuiet = true; doneOnMatch = true; }
                end = lineEnd(pos, true);
            }
            boolean matched;
            if (stopAfterContext) {
                matched = matches(pos, end);
                if (matched != o.invert) break;     // the next selected line ends the trailing context
                if (pendingAfter > 0 && !outQuiet) encodingErrors |= !printLine(pos, end, false, before, after);
                pendingAfter--;
                pos = end + 1;
                if (pendingAfter <= 0) break;
                continue;
            }
            matched = matches(pos, end);
            if (matched != o.invert) {
                selected++;
                if (!outQuiet) {
                    if (before > 0) printBefore(pos, before, after);
                    encodingErrors |= !printLine(pos, end, true, before, after);
                }
                pendingAfter = after;
                if (doneOnMatch) break;
                if (o.maxCount >= 0 && selected >= o.maxCount) {
                    if (pendingAfter == 0 || outQuiet) break;
                    stopAfterContext = true;
                }
            } else if (pendingAfter > 0) {
                if (!outQuiet) encodingErrors |= !printLine(pos, end, false, before, after);
                pendingAfter--;
            }
            pos = end + 1;
        }
        if (o.count) {
            writeLabel(true);
            out.write(Long.toString(selected).getBytes(StandardCharsets.ISO_8859_1));
            out.write('\n');
        } else if ((o.listMatching && selected > 0) || (o.listNonMatching && selected == 0)) {
            if (label != null) {
                if (o.color) out.write(NAME_COLOR);
                out.write(label);
                if (o.color) out.write(END_COLOR);
            }
            out.write('\n');
        }
        boolean quietMode = o.quiet || o.count || listing;
        boolean message = !quietMode && (encodingErrors || (selectedAtBinary >= 0 && selectedAtBinary < selected));
        return new Result(selected, message);
    }

    /** The start of the first GNU read that holds a NUL, or Long.MAX_VALUE when none does. */
    private long binaryFrom(byte[] whole) {
        long firstNul = whole != null ? ByteSearch.indexOf(whole, 0, (int) size, (byte) 0) : ByteSearch.indexOf(src.seg, 0, size, (byte) 0);
        return firstNul < 0 ? Long.MAX_VALUE : firstNul / GNU_READ * GNU_READ;
    }

    /** The end of the line that starts at {@code pos}: its \n (or a NUL, when binary), or the end of the data. */
    private long lineEnd(long pos, boolean binary) {
        while (true) {
            ensure(pos);
            int from = (int) (pos - bufStart), to = (int) (bufEnd - bufStart);
            int e = binary ? ByteSearch.indexOfEither(buf, from, to, (byte) '\n', (byte) 0) : ByteSearch.indexOf(buf, from, to, (byte) '\n');
            if (e >= 0) return bufStart + e;
            if (bufEnd >= size) return size;
            // The line goes on past the buffer: start the buffer at the line, larger if need be.
            if (bufStart == pos) buf = ownBuf = new byte[buf.length * 2];
            load(pos);
        }
    }

    private void ensure(long pos) {
        if (pos < bufStart || pos >= bufEnd) load(pos);
    }

    private void load(long pos) {
        long end = Math.min(size, pos + buf.length);
        src.copy(pos, buf, 0, (int) (end - pos));
        bufStart = pos;
        bufEnd = end;
    }

    /** Decodes line [start, end) into {@link #chars}; the bytes are in the buffer. */
    private void decode(long start, long end) {
        if (end - start > Integer.MAX_VALUE - 64) throw new IllegalStateException("a line of more than 2 GiB");
        ensureLine(start, end);
        chars.load(buf, (int) (start - bufStart), (int) (end - bufStart), start);
    }

    /** Makes the buffer hold all of [start, end). */
    private void ensureLine(long start, long end) {
        if (start >= bufStart && end <= bufEnd) return;
        if (end - start > buf.length) buf = ownBuf = new byte[(int) Math.min(Integer.MAX_VALUE - 64, Math.max(end - start, 2L * buf.length))];
        load(start);
    }

    /** The start of the first line from {@code pos} on that the automaton does not rule out, or -1. */
    private long nextCandidateLine(long pos) {
        cursor.reset(pos);
        ensure(pos);
        while (true) {
            long c = automaton.scan(buf, (int) (pos - bufStart), (int) (bufEnd - bufStart), bufStart, cursor);
            if (c >= 0) return c;
            if (bufEnd >= size) return automaton.lastLine(size, cursor);
            pos = bufEnd;
            load(pos);
        }
    }

    private boolean matches(long start, long end) {
        if (automaton != null) {
            ensureLine(start, end);
            int verdict = automaton.verdict(buf, (int) (start - bufStart), (int) (end - bufStart));
            if (verdict != LineAutomaton.UNKNOWN) return verdict == LineAutomaton.MATCH;
        }
        decode(start, end);
        matcher.reset(chars);
        return matcher.find();
    }

    /** The number of the line that starts at {@code pos}, from 1. */
    private long lineNumber(long pos) {
        if (pos < numberedUpTo) { numberedUpTo = 0; linesBefore = 0; }
        linesBefore += src.count((byte) '\n', numberedUpTo, pos);
        numberedUpTo = pos;
        return linesBefore + 1;
    }

    /** Prints up to {@code n} lines before the selected line at {@code pos}, none printed already. */
    private void printBefore(long pos, int n, int after) throws IOException {
        long floor = Math.max(0, lastOutEnd);
        long start = pos;
        int k = 0;
        while (k < n && start > floor) {
            long nl = src.lastIndexOf((byte) '\n', floor, start - 1);
            start = nl < 0 ? floor : nl + 1;
            k++;
        }
        long p = start;
        while (p < pos) {
            long e = src.indexOf((byte) '\n', p, pos);
            if (e < 0) e = pos - 1;
            printLine(p, e, false, n, after);
            p = e + 1;
        }
    }

    /** Prints a line (or its matches, with -o); false when it holds malformed UTF-8 and was not printed. */
    private boolean printLine(long start, long end, boolean selected, int before, int after) throws IOException {
        boolean context = before > 0 || after > 0;
        if (context && shared.printed && lastOutEnd != start) {
            if (o.color) out.write(SEP_COLOR);
            out.write('-');
            out.write('-');
            if (o.color) out.write(END_COLOR);
            out.write('\n');
        }
        ensureLine(start, end);
        int from = (int) (start - bufStart), to = (int) (end - bufStart);
        if (o.onlyMatching) {
            if (!selected || o.invert) { lastOutEnd = end + 1; return true; }
            decode(start, end);
            matcher.reset(chars);
            boolean ok = true;
            long number = o.lineNumber ? lineNumber(start) : 0;
            while (matcher.find()) {
                if (matcher.start() == matcher.end()) continue;
                long ms = chars.byteOffset(matcher.start()), me = chars.byteOffset(matcher.end());
                int a = (int) (ms - bufStart), b = (int) (me - bufStart);
                if (!Utf8.valid(buf, a, b)) { ok = false; continue; }     // not printed, so not "last output" either
                writePrefix(':', number, ms);
                if (o.color) out.write(MATCH_COLOR);
                out.write(buf, a, b - a);
                if (o.color) out.write(END_COLOR);
                out.write('\n');
                shared.printed = true;
            }
            lastOutEnd = end + 1;
            return ok;
        }
        if (!Utf8.valid(buf, from, to)) return false;   // not printed: the next printed line may need a "--" before it
        writePrefix(selected ? ':' : '-', o.lineNumber ? lineNumber(start) : 0, start);
        if (o.color && (selected != o.invert)) writeColored(start, end, from, to);
        else out.write(buf, from, to - from);
        out.write('\n');
        shared.printed = true;
        lastOutEnd = end + 1;
        return true;
    }

    /** The line with its non-empty matches colored. */
    private void writeColored(long start, long end, int from, int to) throws IOException {
        decode(start, end);
        matcher.reset(chars);
        int at = from;
        while (matcher.find()) {
            if (matcher.start() == matcher.end()) continue;
            int a = (int) (chars.byteOffset(matcher.start()) - bufStart), b = (int) (chars.byteOffset(matcher.end()) - bufStart);
            out.write(buf, at, a - at);
            out.write(MATCH_COLOR);
            out.write(buf, a, b - a);
            out.write(END_COLOR);
            at = b;
        }
        out.write(buf, at, to - at);
    }

    private void writeLabel(boolean withSep) throws IOException {
        if (label == null) return;
        if (o.color) out.write(NAME_COLOR);
        out.write(label);
        if (o.color) out.write(END_COLOR);
        if (withSep) writeSep(':');
    }

    private void writeSep(char sep) throws IOException {
        if (o.color) out.write(SEP_COLOR);
        out.write(sep);
        if (o.color) out.write(END_COLOR);
    }

    private void writePrefix(char sep, long number, long offset) throws IOException {
        if (label != null) {
            if (o.color) out.write(NAME_COLOR);
            out.write(label);
            if (o.color) out.write(END_COLOR);
            writeSep(sep);
        }
        if (o.lineNumber) {
            if (o.color) out.write(NUMBER_COLOR);
            out.write(Long.toString(number).getBytes(StandardCharsets.ISO_8859_1));
            if (o.color) out.write(END_COLOR);
            writeSep(sep);
        }
        if (o.byteOffset) {
            if (o.color) out.write(NUMBER_COLOR);
            out.write(Long.toString(offset).getBytes(StandardCharsets.ISO_8859_1));
            if (o.color) out.write(END_COLOR);
            writeSep(sep);
        }
    }
}
