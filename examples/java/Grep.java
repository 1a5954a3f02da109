import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import mmap.Match;
import mmap.MappedFile;

/**
 * Prints start:end:match for every match of a pattern in a file (byte offsets), with
 * mmap.MappedFile alone: java Grep PATTERN FILE
 */
public class Grep {
    public static void main(String[] args) throws Exception {
        Pattern pattern = Pattern.compile(args[0]);
        try (MappedFile file = MappedFile.open(Path.of(args[1]));
             Stream<Match> matches = file.matches(pattern)) {
            matches.forEach(m -> System.out.println(m.start() + ":" + m.end() + ":" + m.group()));
        }
    }
}
