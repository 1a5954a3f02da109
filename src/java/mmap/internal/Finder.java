package mmap.internal;

/**
 * One strategy for finding the successive matches of a pattern in a text, all with the results
 * of {@code Matcher.find()} over the whole decoded text. A finder may be limited, for a
 * parallel task: it reports only matches that start before {@code startLimit}, and when it
 * would need text beyond its window limit it stops, and {@link #stoppedAt()} says where an
 * unlimited finder must carry on.
 */
abstract class Finder {
    final Source src;
    final long startLimit;
    long lastStart = -1, lastEnd = -1;
    /** Where the search after the last match starts: its end, or one character on after an empty match. */
    long resume;
    boolean done;
    long stoppedAt = -1;

    Finder(Source src, long searchFrom, long startLimit) {
        this.src = src;
        this.resume = searchFrom;
        this.startLimit = startLimit;
    }

    /** Moves to the next match; false at the end (or where the finder stopped). */
    abstract boolean find();

    abstract int groupCount();

    /** Group {@code g} of the current match, or null when it did not take part. */
    abstract String group(int g);

    /** Byte offsets of group {@code g}, or -1 when it did not take part. */
    abstract long start(int g);

    abstract long end(int g);

    /** The current match's group names and numbers. */
    abstract java.util.Map<String, Integer> namedGroups();

    boolean finish() {
        done = true;
        return false;
    }

    boolean stop(long at) {
        stoppedAt = at;
        done = true;
        return false;
    }

    /**
     * Records a match of bytes [s, e), after which the next search starts at {@code next}; false
     * when it starts past the limit, which ends the scan.
     */
    boolean accept(long s, long e, long next) {
        if (s >= startLimit) return finish();
        lastStart = s;
        lastEnd = e;
        resume = next;
        return true;
    }
}
