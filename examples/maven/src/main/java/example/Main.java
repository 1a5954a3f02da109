package example;

import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import mmap.Match;
import mmap.MappedFile;

/** Prints start:end:text for each match of PATTERN in FILE (byte offsets): Main PATTERN FILE */
public class Main {
    public static void main(String[] args) throws Exception {
        Pattern pattern = Pattern.compile(args[0]);
        try (MappedFile file = MappedFile.open(Path.of(args[1]));
             Stream<Match> matches = file.matches(pattern)) {
            matches.forEach(m -> System.out.println(m.start() + ":" + m.end() + ":" + m.group()));
        }
    }
}
