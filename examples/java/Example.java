import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import mmap.ErrnoException;
import mmap.MappedFile;

/** Opens, reads, writes and syncs a file with mmap.MappedFile alone (no Clojure). */
public class Example {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Files.writeString(file, "hello from java\n");
        try (MappedFile m = MappedFile.open(file, MappedFile.options().mode(MappedFile.Mode.READ_WRITE))) {
            MemorySegment s = m.segment();
            byte[] first = s.asSlice(0, 5).toArray(ValueLayout.JAVA_BYTE);
            System.out.println("read: " + new String(first, StandardCharsets.UTF_8));
            MemorySegment.copy("HELLO".getBytes(StandardCharsets.UTF_8), 0, s, ValueLayout.JAVA_BYTE, 0, 5);
            m.sync();
            System.out.println("mapping: " + m);
        }
        System.out.print("file now: " + Files.readString(file));
        try {
            MappedFile.open(Path.of(args[0] + ".missing"));
        } catch (ErrnoException e) {
            System.out.println("error: " + e.errnoName());
        }
    }
}
