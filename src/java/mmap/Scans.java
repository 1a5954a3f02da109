package mmap;

import java.lang.foreign.MemorySegment;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import mmap.internal.ParallelScan;
import mmap.internal.RegexScanner;

/** The regex façade behind {@link MappedFile#matches} and {@link MappedFile#countMatches}. */
final class Scans {
    private Scans() {}

    static RegexScanner.Spec spec(MemorySegment seg, Pattern pattern, ScanOptions o) {
        long size = seg.byteSize();
        long to = o.to < 0 ? size : o.to;
        if (o.from > size || to > size) {
            throw new IndexOutOfBoundsException("the range [" + o.from + ", " + to + ") is outside the mapping's " + size + " bytes");
        }
        return new RegexScanner.Spec(seg, o.from, to, pattern, o.encoding == ScanOptions.Encoding.UTF_8);
    }

    static Stream<Match> matches(MemorySegment seg, Pattern pattern, ScanOptions o) {
        RegexScanner.Spec spec = spec(seg, pattern, o);
        Map<String, Integer> names = pattern.namedGroups();
        Function<RegexScanner, Match> snapshot = s -> snapshot(s, names);
        Iterator<Match> it;
        Runnable close;
        if (ParallelScan.worthSplitting(spec, o.threads, ParallelScan.MIN_SPLIT)) {
            ParallelScan<Match> p = new ParallelScan<>(spec, o.threads, ParallelScan.MATCH_CHUNK, snapshot, o.executor);
            it = batches(p);
            close = p::close;
        } else {
            RegexScanner s = new RegexScanner(spec);
            it = one(s, snapshot);
            close = () -> { };
        }
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(close);
    }

    static long count(MemorySegment seg, Pattern pattern, ScanOptions o) {
        RegexScanner.Spec spec = spec(seg, pattern, o);
        if (!ParallelScan.worthSplitting(spec, o.threads, ParallelScan.COUNT_CHUNK)) return new RegexScanner(spec).count();
        try (ParallelScan<Void> p = new ParallelScan<>(spec, o.threads, ParallelScan.COUNT_CHUNK, null, o.executor)) {
            return p.countRemaining();
        }
    }

    static Match snapshot(RegexScanner s, Map<String, Integer> names) {
        int n = s.groupCount();
        String[] groups = new String[n + 1];
        long[] starts = new long[n + 1], ends = new long[n + 1];
        for (int g = 0; g <= n; g++) {
            groups[g] = s.group(g);
            starts[g] = s.start(g);
            ends[g] = s.end(g);
        }
        return new Match(groups, starts, ends, names);
    }

    private static Iterator<Match> one(RegexScanner s, Function<RegexScanner, Match> snapshot) {
        return new Iterator<>() {
            private Match next;
            private boolean done;

            @Override public boolean hasNext() {
                if (next == null && !done) {
                    if (s.find()) next = snapshot.apply(s);
                    else done = true;
                }
                return next != null;
            }

            @Override public Match next() {
                if (!hasNext()) throw new NoSuchElementException();
                Match m = next;
                next = null;
                return m;
            }
        };
    }

    private static Iterator<Match> batches(ParallelScan<Match> p) {
        return new Iterator<>() {
            private List<Match> batch = List.of();
            private int i;
            private boolean done;

            @Override public boolean hasNext() {
                while (i >= batch.size() && !done) {
                    batch = p.nextBatch();
                    i = 0;
                    if (batch.isEmpty()) {
                        done = true;
                        p.close();
                    }
                }
                return i < batch.size();
            }

            @Override public Match next() {
                if (!hasNext()) throw new NoSuchElementException();
                return batch.get(i++);
            }
        };
    }
}
