package mmap;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import mmap.internal.FileWalk;
import mmap.internal.LineGrep;
import mmap.posix.Errno;
import mmap.posix.SyscallException;

/**
 * The grep command: {@code bin/mmgrep [OPTION]... PATTERNS [FILE]...}.
 *
 * <p>Output and exit status follow GNU grep 3.8 with {@code -P} for the options below (0 when
 * a line was selected, 1 when none was, 2 on an error); the pattern is a
 * {@link java.util.regex.Pattern}, matched against each line decoded as UTF-8. Files are
 * searched in parallel and printed in sorted path order; small files are read, larger ones
 * mapped. It is written in Java, without Clojure, so that it starts in about a tenth of a
 * second (see the README, "bin/mmgrep").
 *
 * <pre>
 *   -e PATTERN   a pattern (repeatable: a line is selected when any matches)
 *   -F           patterns are fixed strings      -i  ignore case
 *   -w -x        match whole words / lines       -v  select non-matching lines
 *   -c           count selected lines            -o  print only the matches
 *   -l -L        list files with / without a selected line
 *   -n -b        line numbers / byte offsets     -H -h  with / without file names
 *   -m NUM       stop after NUM selected lines   -q  print nothing
 *   -A -B -C NUM context after / before / around each selected line (-NUM is -C NUM)
 *   -r -R        search directories (-R also follows symbolic links)
 *   -s           no messages about unreadable files
 *   --include=GLOB --exclude=GLOB                --color[=never|always|auto]
 * </pre>
 */
public final class Grep {
    static final String USAGE = "Usage: grep [OPTION]... PATTERNS [FILE]...";
    private static final String FLAG_LETTERS = "cobniFlLvwxHhqsrRP";
    private static final String VALUE_LETTERS = "mABCe";

    private Grep() {}

    /**
     * Runs the command and exits with its status.
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        BufferedOutputStream out = new BufferedOutputStream(System.out, 64 * 1024);
        int status = run(args, out, System.err);
        try {
            out.flush();
        } catch (IOException e) {
            status = 2;
        }
        System.exit(status);
    }

    /**
     * Runs grep with {@code args}, writing results to {@code out} and messages to
     * {@code err}; returns the exit status. Standard input is {@code System.in}.
     * @param args the command-line arguments
     * @param out where output goes
     * @param err where error messages go
     * @return the exit status: 0 when a line was selected, 1 when none was, 2 on an error
     */
    public static int run(String[] args, OutputStream out, PrintStream err) {
        Options opts;
        Pattern re;
        try {
            opts = parse(args);
            re = compile(opts);
        } catch (UsageException | PatternSyntaxException e) {
            err.println("grep: " + e.getMessage());
            return 2;
        }
        try {
            return new Run(opts, re, out, err).all();
        } catch (IOException e) {
            err.println("grep: write error: " + e.getMessage());
            return 2;
        }
    }

    // ---- arguments -----------------------------------------------------------------

    /** A command line, parsed. */
    static final class Options {
        final StringBuilder flags = new StringBuilder();
        final List<String> patterns = new ArrayList<>();
        final List<String> files = new ArrayList<>();
        final List<FileWalk.Glob> globs = new ArrayList<>();
        String color = "never";
        long maxCount = -1;
        int before, after;
        boolean patternGiven;

        boolean has(char flag) {
            return flags.indexOf(String.valueOf(flag)) >= 0;
        }

        boolean recursive() {
            return has('r') || has('R');
        }
    }

    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message, null, false, false);
        }
    }

    /** Options may follow the files, as with GNU getopt; {@code --} ends them. */
    static Options parse(String[] args) throws UsageException {
        Options o = new Options();
        List<String> operands = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                for (i++; i < args.length; i++) operands.add(args[i]);
            } else if (a.equals("-") || !a.startsWith("-")) {
                operands.add(a);
            } else if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
                String value = eq < 0 ? null : a.substring(eq + 1);
                switch (name) {
                    case "color", "colour" -> {
                        String v = value == null ? "auto" : value;
                        if (!List.of("never", "always", "auto").contains(v))
                            throw new UsageException("invalid argument \"" + v + "\" for '--color'");
                        o.color = v;
                    }
                    case "include", "exclude", "max-count", "after-context", "before-context", "context", "regexp" -> {
                        if (value == null) {
                            if (i + 1 >= args.length)
                                throw new UsageException("option '--" + name + "' requires an argument\n" + USAGE);
                            value = args[++i];
                        }
                        switch (name) {
                            case "include", "exclude" -> o.globs.add(FileWalk.Glob.of(name.equals("include"), value));
                            case "max-count" -> addValue(o, 'm', value);
                            case "after-context" -> addValue(o, 'A', value);
                            case "before-context" -> addValue(o, 'B', value);
                            case "context" -> addValue(o, 'C', value);
                            default -> addValue(o, 'e', value);
                        }
                    }
                    case "recursive" -> o.flags.append('r');
                    case "dereference-recursive" -> o.flags.append('R');
                    case "count" -> o.flags.append('c');
                    case "invert-match" -> o.flags.append('v');
                    case "ignore-case" -> o.flags.append('i');
                    default -> throw new UsageException("unrecognized option '" + a + "'\n" + USAGE);
                }
            } else if (a.substring(1).chars().allMatch(c -> c >= '0' && c <= '9')) {
                addValue(o, 'C', a.substring(1));      // -NUM is -C NUM
            } else {
                for (int j = 1; j < a.length(); j++) {
                    char c = a.charAt(j);
                    if (FLAG_LETTERS.indexOf(c) >= 0) {
                        o.flags.append(c);
                    } else if (VALUE_LETTERS.indexOf(c) >= 0) {
                        String v;
                        if (j + 1 < a.length()) v = a.substring(j + 1);
                        else if (i + 1 < args.length) v = args[++i];
                        else throw new UsageException("option requires an argument -- '" + c + "'\n" + USAGE);
                        addValue(o, c, v);
                        break;
                    } else {
                        throw new UsageException("invalid option -- '" + c + "'\n" + USAGE);
                    }
                }
            }
        }
        if (!o.patternGiven) {
            if (operands.isEmpty()) throw new UsageException(USAGE);
            o.patterns.add(operands.remove(0));
        }
        o.files.addAll(operands);
        return o;
    }

    private static void addValue(Options o, char letter, String v) throws UsageException {
        if (letter == 'e') {
            o.patterns.add(v);
            o.patternGiven = true;
            return;
        }
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException("invalid " + (letter == 'm' ? "max count" : "context length") + " argument \"" + v + "\"");
        }
        switch (letter) {
            case 'm' -> o.maxCount = n < 0 ? -1 : n;
            case 'A' -> o.after = (int) Math.min(n, Integer.MAX_VALUE);
            case 'B' -> o.before = (int) Math.min(n, Integer.MAX_VALUE);
            default -> {
                o.after = (int) Math.min(n, Integer.MAX_VALUE);
                o.before = o.after;
            }
        }
    }

    /**
     * The one Pattern for the command's patterns and flags: each fixed ({@code -F}) or a
     * regex, joined as alternatives, wrapped for {@code -w} or {@code -x}, with UNIX_LINES so
     * that a \r is an ordinary character to {@code $} and {@code .}, as in PCRE; {@code -i}
     * folds case as Unicode does.
     */
    static Pattern compile(Options o) {
        List<String> parts = new ArrayList<>();
        for (String p : o.patterns) parts.add(o.has('F') ? Pattern.quote(p) : p);
        String joined;
        if (parts.size() == 1) {
            joined = parts.get(0);
        } else {
            StringBuilder sb = new StringBuilder();
            for (String p : parts) sb.append(sb.isEmpty() ? "" : "|").append("(?:").append(p).append(')');
            joined = sb.toString();
        }
        String wrapped = o.has('x') ? "^(?:" + joined + ")$"
                : o.has('w') ? "(?<!\\w)(?:" + joined + ")(?!\\w)"
                : joined;
        int flags = Pattern.UNIX_LINES | (o.has('i') ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
        return Pattern.compile(wrapped, flags);
    }

    // ---- one run -------------------------------------------------------------------

    /** A file to search: the name to print, its path (null for standard input), and whether a walk found it (then it is a regular file). */
    private record Target(String label, String path, boolean walked) {}

    /** What one file gave: its output, selected lines, error message and binary notice. */
    private record Outcome(byte[] out, long selected, String error, boolean binary) {}

    private static final class Run {
        final Options o;
        final Pattern re;
        final OutputStream out;
        final PrintStream err;
        final LineGrep.Options lineOptions;
        final boolean showNames;
        final ThreadLocal<LineGrep> searchers;
        /**
         * Each searching thread reads files up to its share of a quarter of the heap, and maps
         * only larger ones: mapping a first file costs a one-shot command about 0.2 s of set-up
         * (the native-call handles), and a 213 MB file took 1.8 s mapped, 1.0 s read.
         */
        final ThreadLocal<ByteArrayOutputStream> outputs = ThreadLocal.withInitial(() -> new ByteArrayOutputStream(8192));
        final ThreadLocal<FileBytes.Reader> readers = ThreadLocal.withInitial(() -> new FileBytes.Reader(
                Runtime.getRuntime().maxMemory() / (4L * (Runtime.getRuntime().availableProcessors() + 1))));

        Run(Options o, Pattern re, OutputStream out, PrintStream err) {
            this.o = o;
            this.re = re;
            this.out = out;
            this.err = err;
            this.lineOptions = lineOptions(o);
            // The first searcher analyses the pattern (about 30 ms, interpreted, in a one-shot
            // command) while the walk goes on; the others wait for it.
            FutureTask<LineGrep.Plan> plan = new FutureTask<>(() -> new LineGrep.Plan(re, lineOptions));
            this.searchers = ThreadLocal.withInitial(() -> {
                plan.run();
                return new LineGrep(take(plan));
            });
            this.showNames = o.has('h') ? false
                    : o.has('H') || o.files.size() > 1
                    || (o.recursive() && (o.files.isEmpty() ? List.of(".") : o.files).stream().anyMatch(f -> new File(f).isDirectory()));
        }

        /**
         * Gives each file to search to {@code each}, with whether recursion found it: the
         * operands, and what recursion finds under them, as it finds it ({@code walked} runs
         * after each directory). {@code grep -r PAT} with no operand searches "." and
         * names files without "./", as GNU grep does.
         */
        void targets(BiConsumer<Target, Boolean> each, Runnable walked) {
            boolean follow = o.has('R');
            // A followed link that leads nowhere is handed on as a file: opening it then fails
            // with the message GNU grep -R prints for it ("No such file or directory").
            if (o.files.isEmpty() && o.recursive()) {
                FileWalk.walk(".", follow, o.globs, p -> each.accept(new Target(p.substring(2), p, true), true),
                        p -> each.accept(new Target(p.substring(2), p, false), true));
                walked.run();
            } else if (o.files.isEmpty()) {
                each.accept(new Target("(standard input)", null, false), false);
            }
            for (String f : o.files) {
                if (f.equals("-")) {
                    each.accept(new Target("(standard input)", null, false), false);
                } else if (o.recursive() && new File(f).isDirectory()) {
                    FileWalk.walk(f, follow, o.globs, p -> each.accept(new Target(p, p, true), true),
                            p -> each.accept(new Target(p, p, false), true));
                    walked.run();
                } else if (FileWalk.included(o.globs, f, true)) {
                    each.accept(new Target(f, f, false), false);
                }
            }
        }

        /** Thrown through the walk when -q has its answer. */
        private static final class Done extends RuntimeException {
            Done() {
                super(null, null, false, false);
            }
        }

        private boolean printed, anySelected, anyError;
        private final boolean terminal = isTerminal();

        /** Files found by recursion are searched this many to a task: fewer hand-offs between threads. */
        private static final int BATCH = 16;

        int all() throws IOException {
            boolean quiet = o.has('q');
            boolean groups = (lineOptions.before > 0 || lineOptions.after > 0)
                    && !(o.has('c') || o.has('l') || o.has('L') || o.has('q') || o.has('o'));
            // One file is searched in this thread: no pool to start for the commonest case.
            boolean one = o.files.size() <= 1 && !(o.recursive() && (o.files.isEmpty() || new File(o.files.get(0)).isDirectory()));
            int threads = Runtime.getRuntime().availableProcessors();
            ExecutorService pool = one ? null : Executors.newFixedThreadPool(threads);
            ArrayDeque<Future<List<Outcome>>> pending = new ArrayDeque<>();
            ArrayDeque<List<Target>> pendingTargets = new ArrayDeque<>();
            List<Target> batch = new ArrayList<>();
            Runnable submit = () -> {
                List<Target> ts = List.copyOf(batch);
                batch.clear();
                pending.add(pool.submit(() -> searchAll(ts)));
                pendingTargets.add(ts);
                // Files are written in order, as soon as they and every file before them are done.
                while (pending.size() >= 4 * threads || (!pending.isEmpty() && pending.peek().isDone())) {
                    writeAll(pendingTargets.poll(), take(pending.poll()), groups, quiet);
                }
            };
            try {
                targets((t, found) -> {
                    if (pool == null) {
                        write(t, search(t), groups, quiet);
                        return;
                    }
                    batch.add(t);
                    if (!found || batch.size() >= BATCH) submit.run();
                }, () -> {
                    if (!batch.isEmpty()) submit.run();
                });
                while (!pending.isEmpty()) writeAll(pendingTargets.poll(), take(pending.poll()), groups, quiet);
            } catch (Done d) {
                return 0;
            } catch (UncheckedIOException e) {
                throw e.getCause();
            } finally {
                if (pool != null) pool.shutdownNow();
            }
            return anyError ? 2 : anySelected ? 0 : 1;
        }

        /** A plain loop: a stream would be some forty more methods for a one-shot command to compile. */
        private List<Outcome> searchAll(List<Target> ts) {
            List<Outcome> rs = new ArrayList<>(ts.size());
            for (Target t : ts) rs.add(search(t));
            return rs;
        }

        private void writeAll(List<Target> ts, List<Outcome> rs, boolean groups, boolean quiet) {
            for (int i = 0; i < ts.size(); i++) write(ts.get(i), rs.get(i), groups, quiet);
        }

        private void write(Target t, Outcome r, boolean groups, boolean quiet) {
            try {
                if (r.out.length > 0 && printed && groups) {
                    // Context groups of different files are separated by "--", as in GNU grep.
                    out.write((lineOptions.color ? "\033[36m\033[K--\033[m\033[K\n" : "--\n").getBytes(StandardCharsets.ISO_8859_1));
                }
                out.write(r.out);
                if (r.out.length > 0) printed = true;
                if (r.error != null) {
                    anyError = true;
                    if (!o.has('s')) err.println("grep: " + r.error);
                }
                if (r.binary) err.println("grep: " + t.label + ": binary file matches");
                if (terminal) out.flush();      // results show as they come; to a pipe, in big writes
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (r.selected > 0) {
                anySelected = true;
                if (quiet) throw new Done();
            }
        }

        private static <T> T take(Future<T> f) {
            try {
                return f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }

        /** Greps one file into this thread's buffer and takes its output out; the "--" between files is added when it is written. */
        Outcome search(Target t) {
            // One buffer per thread, grown to the largest output yet: a file's output is copied
            // out of it once, not grown from nothing for each file.
            ByteArrayOutputStream buf = outputs.get();
            buf.reset();
            try (FileBytes bytes = t.path == null ? FileBytes.of(System.in) : readers.get().open(t.path, t.walked)) {
                LineGrep.Result r = searchers.get().grep(bytes.segment(), showNames ? t.label : null, buf, new LineGrep.Shared());
                return new Outcome(buf.toByteArray(), r.selected(), null, r.binaryMessage());
            } catch (StackOverflowError e) {
                return new Outcome(buf.toByteArray(), 0, t.label + ": the pattern overflowed the regex engine's stack on a line; try a simpler pattern", false);
            } catch (IOException | RuntimeException e) {
                return new Outcome(buf.toByteArray(), 0, t.label + ": " + describe(e), false);
            }
        }
    }

    /** What GNU grep says of a failed file: strerror's text. */
    private static String describe(Exception e) {
        if (e instanceof SyscallException se) return Errno.describe(se.errno());
        // FileInputStream (how FileBytes opens files) says "PATH (REASON)", REASON being strerror's text.
        if (e instanceof java.io.FileNotFoundException && e.getMessage() != null && e.getMessage().endsWith(")")) {
            String m = e.getMessage();
            int open = m.lastIndexOf(" (");
            if (open >= 0) return m.substring(open + 2, m.length() - 1);
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private static boolean isTerminal() {
        Console c = System.console();
        return c != null && c.isTerminal();
    }

    private static LineGrep.Options lineOptions(Options o) {
        LineGrep.Options l = new LineGrep.Options();
        l.invert = o.has('v');
        l.count = o.has('c');
        l.onlyMatching = o.has('o');
        l.listMatching = o.has('l');
        l.listNonMatching = o.has('L');
        l.quiet = o.has('q');
        l.lineNumber = o.has('n');
        l.byteOffset = o.has('b');
        l.maxCount = o.maxCount;
        l.before = o.before;
        l.after = o.after;
        l.color = switch (o.color) {
            case "always" -> true;
            case "auto" -> isTerminal();
            default -> false;
        };
        return l;
    }
}
