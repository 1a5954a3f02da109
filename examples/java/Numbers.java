import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import mmap.ElementType;
import mmap.ElementView;
import mmap.MappedFile;
import mmap.Npy;

/**
 * Binary data with mmap.MappedFile alone: typed reads and writes, an atomic counter, a view
 * of numbers, and a .npy file if one is given: java Numbers WORKFILE [NPYFILE]
 */
public class Numbers {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Files.write(file, new byte[4096]);
        try (MappedFile m = MappedFile.open(file, MappedFile.options().mode(MappedFile.Mode.READ_WRITE))) {
            for (int i = 0; i < 100; i++) m.putLong(1024 + 8L * i, i * 3L, ByteOrder.LITTLE_ENDIAN);
            m.putInt(0, 0xCAFE, ByteOrder.BIG_ENDIAN);
            m.getAndAddLong(8, 41);
            m.getAndAddLong(8, 1);
            ElementView v = new ElementView(m, 1024, 100, ElementType.INT64, ByteOrder.LITTLE_ENDIAN);
            long[] first = (long[]) v.toArray(0, 3);
            System.out.println("int " + Integer.toHexString(m.getInt(0, ByteOrder.BIG_ENDIAN))
                    + " counter " + m.getLongVolatile(8)
                    + " sum " + v.sumLong()
                    + " first " + first[0] + "," + first[1] + "," + first[2]);
        }
        if (args.length > 1) {
            try (Npy npy = Npy.open(Path.of(args[1]))) {
                System.out.println("npy " + npy.type() + " " + java.util.Arrays.toString(npy.shape()) + " sum " + npy.data().sumDouble());
            }
        }
    }
}
