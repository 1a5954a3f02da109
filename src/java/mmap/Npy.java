package mmap;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NumPy {@code .npy} file, mapped: its header read, its data a zero-copy
 * {@link ElementView}. Format versions 1.0, 2.0 and 3.0; the integer and floating-point dtypes
 * of {@link ElementType} in either byte order. Elements are in the file's order: row-major
 * (C order), or column-major when {@link #fortranOrder()} is true.
 *
 * <p>Closing it unmaps the file; the view then fails as a closed mapping does.
 */
public final class Npy implements AutoCloseable {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*('([^']*)'|\\[)");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private final MappedFile file;
    private final int major, minor;
    private final ElementType type;
    private final ByteOrder order;
    private final long[] shape;
    private final boolean fortranOrder;
    private final ElementView data;

    private Npy(MappedFile file, int major, int minor, ElementType type, ByteOrder order, long[] shape,
                boolean fortranOrder, ElementView data) {
        this.file = file;
        this.major = major;
        this.minor = minor;
        this.type = type;
        this.order = order;
        this.shape = shape;
        this.fortranOrder = fortranOrder;
        this.data = data;
    }

    /**
     * Maps {@code path} read-only and reads its header.
     *
     * @param path a .npy file
     * @return the file, open
     * @throws ErrnoException when the file cannot be mapped
     * @throws IllegalArgumentException when it is not a .npy file this reader supports; the
     *     message names the file and what is wrong
     */
    public static Npy open(Path path) throws ErrnoException {
        return open(path, MappedFile.options());
    }

    /**
     * Maps {@code path} as {@code options} say (READ_WRITE to change the numbers in place) and
     * reads its header.
     *
     * @param path a .npy file
     * @param options how to map it
     * @return the file, open
     * @throws ErrnoException when the file cannot be mapped
     * @throws IllegalArgumentException when it is not a .npy file this reader supports
     */
    public static Npy open(Path path, MappedFile.Options options) throws ErrnoException {
        MappedFile f = MappedFile.open(path, options);
        try {
            return read(f, path.toString());
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    private static Npy read(MappedFile f, String name) {
        if (f.size() < 10 || !Arrays.equals(f.bytes(0, 6), MAGIC)) {
            throw new IllegalArgumentException(name + " is not a .npy file: it does not start with \\x93NUMPY");
        }
        int major = f.getByte(6) & 0xFF, minor = f.getByte(7) & 0xFF;
        if (major < 1 || major > 3) {
            throw new IllegalArgumentException(name + ": .npy format version " + major + "." + minor + " is not supported (1.0, 2.0 and 3.0 are)");
        }
        long headerLength = major == 1 ? f.getShort(8, ByteOrder.LITTLE_ENDIAN) & 0xFFFF : f.getInt(8, ByteOrder.LITTLE_ENDIAN) & 0xFFFFFFFFL;
        long headerStart = major == 1 ? 10 : 12;
        if (headerStart + headerLength > f.size() || headerLength > 1 << 24) {
            throw new IllegalArgumentException(name + ": the header says it has " + headerLength + " bytes, but the file has " + f.size());
        }
        String header = new String(f.bytes(headerStart, headerLength), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

        Matcher d = DESCR.matcher(header);
        if (!d.find()) throw new IllegalArgumentException(name + ": no 'descr' in the header " + header.strip());
        if (d.group(2) == null) {
            throw new IllegalArgumentException(name + ": structured dtypes (a 'descr' list of fields) are not supported; "
                    + "save each field as its own array");
        }
        String descr = d.group(2);
        ByteOrder order = switch (descr.isEmpty() ? ' ' : descr.charAt(0)) {
            case '<', '|' -> ByteOrder.LITTLE_ENDIAN;
            case '>' -> ByteOrder.BIG_ENDIAN;
            case '=' -> ByteOrder.nativeOrder();
            default -> throw new IllegalArgumentException(name + ": dtype '" + descr + "' has no byte order mark");
        };
        ElementType type = switch (descr.substring(1)) {
            case "i1" -> ElementType.INT8;
            case "u1" -> ElementType.UINT8;
            case "i2" -> ElementType.INT16;
            case "u2" -> ElementType.UINT16;
            case "i4" -> ElementType.INT32;
            case "u4" -> ElementType.UINT32;
            case "i8" -> ElementType.INT64;
            case "f4" -> ElementType.FLOAT32;
            case "f8" -> ElementType.FLOAT64;
            default -> throw new IllegalArgumentException(name + ": dtype '" + descr + "' (" + kindName(descr)
                    + ") is not supported; supported are i1 u1 i2 u2 i4 u4 i8 f4 f8 in either byte order");
        };

        Matcher fo = FORTRAN.matcher(header);
        if (!fo.find()) throw new IllegalArgumentException(name + ": no 'fortran_order' in the header " + header.strip());
        Matcher sh = SHAPE.matcher(header);
        if (!sh.find()) throw new IllegalArgumentException(name + ": no 'shape' in the header " + header.strip());
        long[] shape = Arrays.stream(sh.group(1).split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .mapToLong(s -> parseDimension(name, s)).toArray();
        long count = 1;
        for (long n : shape) count = Math.multiplyExact(count, n);

        long dataStart = headerStart + headerLength;
        long need = Math.multiplyExact(count, (long) type.size());
        if (dataStart + need > f.size()) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " of " + type + " needs " + need
                    + " bytes of data, but the file has " + (f.size() - dataStart) + " after its header");
        }
        return new Npy(f, major, minor, type, order, shape, fo.group(1).equals("True"),
                new ElementView(f, dataStart, count, type, order));
    }

    private static long parseDimension(String name, String s) {
        try {
            return Long.parseLong(s.endsWith("L") ? s.substring(0, s.length() - 1) : s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": the shape holds '" + s + "', not a number");
        }
    }

    private static String kindName(String descr) {
        char kind = descr.length() > 1 ? descr.charAt(1) : '?';
        return switch (kind) {
            case 'O' -> "object array";
            case 'S', 'a' -> "byte strings";
            case 'U' -> "unicode strings";
            case 'V' -> "raw void";
            case 'c' -> "complex";
            case 'b' -> "boolean";
            case 'M', 'm' -> "datetime";
            case 'f' -> "floating point of this size";
            case 'i', 'u' -> "integer of this size";
            default -> "unknown kind";
        };
    }

    /** {@return the mapping of the whole file} */
    public MappedFile file() { return file; }

    /** {@return the element type} */
    public ElementType type() { return type; }

    /** {@return the data's byte order} */
    public ByteOrder order() { return order; }

    /** {@return the shape: the length of each dimension (empty for a scalar)} */
    public long[] shape() { return shape.clone(); }

    /** {@return whether elements are stored column-major (Fortran order) rather than row-major} */
    public boolean fortranOrder() { return fortranOrder; }

    /** {@return the format version, as "1.0", "2.0" or "3.0"} */
    public String version() { return major + "." + minor; }

    /** {@return the data: every element, in the file's order, without a copy} */
    public ElementView data() { return data; }

    /** Unmaps the file. */
    @Override
    public void close() {
        file.close();
    }

    @Override
    public String toString() {
        return "Npy[" + type + " " + order + " shape " + Arrays.toString(shape) + (fortranOrder ? " fortran order" : "") + ", " + file + "]";
    }
}
