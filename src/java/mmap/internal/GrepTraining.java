package mmap.internal;

import java.io.OutputStream;
import java.util.List;

/**
 * The training run of {@code bin/mmgrep}'s class archive (build task {@code mmgrep}): the
 * grep command run over a tree several times in one process, with the kinds of option and
 * pattern people type, so that the archive holds the classes, lambda forms and linked call
 * sites that each of them needs. Trained on one command line ({@code -rn} with two patterns),
 * the archive lacked those of the others: {@code -r -c ConcurrentHashMap} over the JDK's
 * sources took 0.49 s of user time with it, 0.44 s with this training (the wall time, 0.46 s,
 * did not move beyond noise: the start's other work fills both cores).
 *
 * <p>Public for the build only; no compatibility promise.
 */
public final class GrepTraining {
    private GrepTraining() {}

    /**
     * Runs the training searches, printing nothing but errors.
     * @param args a directory to search recursively, then a large file to search on its own
     */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: GrepTraining DIR BIG-FILE");
            System.exit(2);
        }
        String dir = args[0], big = args[1];
        List<String[]> runs = List.of(
                new String[]{"-rn", "-e", "static", "-e", "[A-Z]\\w+Exception", dir, big},
                new String[]{"-r", "-c", "Exception", dir},
                new String[]{"-r", "-n", "Exception", dir},
                new String[]{"-r", "-c", "[a-z]+[0-9]{3,}", dir},
                new String[]{"-r", "-n", "[a-z]+[0-9]{3,}", dir},
                new String[]{"-rl", "-i", "public", dir},
                new String[]{"-rnw", "-C", "1", "final", dir},
                new String[]{"-ro", "\\w+\\(", dir},
                new String[]{"-rv", "-c", "^\\s*$", dir},
                new String[]{"-c", "the", big},
                new String[]{"-n", "(?i)the\\s+\\w+", big});
        int failed = 0;
        for (String[] run : runs) {
            if (mmap.Grep.run(run, OutputStream.nullOutputStream(), System.err) > 1) failed++;
        }
        System.exit(failed == 0 ? 0 : 2);
    }
}
