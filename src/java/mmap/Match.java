package mmap;

import java.util.Map;
import java.util.Objects;

/**
 * One regex match over a mapping: its text and groups, as {@link java.util.regex.MatchResult}
 * gives them, and where it lies as byte offsets from the start of the mapping.
 *
 * <p>A match holds copies of its strings: it stays valid after the mapping is closed.
 */
public final class Match {
    private final String[] groups;      // group 0, then each group; null where a group did not take part
    private final long[] starts, ends;  // byte offsets of each group, -1 where it did not take part
    private final Map<String, Integer> names;

    Match(String[] groups, long[] starts, long[] ends, Map<String, Integer> names) {
        this.groups = groups;
        this.starts = starts;
        this.ends = ends;
        this.names = names;
    }

    /** {@return the byte offset where the match starts} */
    public long start() {
        return starts[0];
    }

    /** {@return the byte offset just past the match} */
    public long end() {
        return ends[0];
    }

    /**
     * {@return the byte offset where group {@code g} starts, or -1 when it took no part in the match}
     * @param g the group number (0 is the whole match)
     */
    public long start(int g) {
        checkGroup(g);
        return starts[g];
    }

    /**
     * {@return the byte offset just past group {@code g}, or -1 when it took no part in the match}
     * @param g the group number (0 is the whole match)
     */
    public long end(int g) {
        checkGroup(g);
        return ends[g];
    }

    /** {@return the matched text} */
    public String group() {
        return groups[0];
    }

    /**
     * {@return the text of group {@code g} (0 is the whole match), or null when it took no part in the
     * match}
     *
     * @throws IndexOutOfBoundsException when the pattern has no group {@code g}
     * @param g the group number (0 is the whole match)
     */
    public String group(int g) {
        checkGroup(g);
        return groups[g];
    }

    /**
     * {@return the text of the named group, or null when it took no part in the match}
     *
     * @throws IllegalArgumentException when the pattern has no group of that name
     * @param name the name of a named group
     */
    public String group(String name) {
        Integer g = names.get(Objects.requireNonNull(name, "name"));
        if (g == null) throw new IllegalArgumentException("No group with name <" + name + ">");
        return groups[g];
    }

    /** {@return the number of capturing groups in the pattern (group 0 not counted)} */
    public int groupCount() {
        return groups.length - 1;
    }

    private void checkGroup(int g) {
        if (g < 0 || g >= groups.length) throw new IndexOutOfBoundsException("No group " + g);
    }

    @Override
    public String toString() {
        return "Match[" + start() + ".." + end() + " \"" + groups[0] + "\"]";
    }
}
