import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import mmap.Match;
import mmap.MappedFile;

/** The tag names in a file, through the Stream API, with no mmap.internal import: java Tags FILE */
public class Tags {
    public static void main(String[] args) throws Exception {
        Path p = Path.of(args[0]);
        List<String> tags;
        try (MappedFile f = MappedFile.open(p); Stream<Match> s = f.matches(Pattern.compile("<(\\w+)>"))) {
            tags = s.map(m -> m.group(1)).toList();
        }
        long count;
        try (MappedFile f = MappedFile.open(p)) {
            count = f.countMatches(Pattern.compile("<(\\w+)>"));
        }
        System.out.println(tags.size() + " " + count + " " + tags.subList(0, Math.min(3, tags.size())));
    }
}
