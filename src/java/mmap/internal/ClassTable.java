package mmap.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import mmap.internal.RegexSyntax.Cls;

/**
 * Which characters a class matches, as a table that {@link Pattern} itself fills in: the ASCII
 * members at once, and the members above ASCII 256 code points at a time, the first time a
 * character of each block is asked about (a malformed UTF-8 unit is U+FFFD, as the engine sees
 * it). Shared by the threads of a parallel scan.
 */
final class ClassTable {
    /** Whether any character above ASCII may be a member (else the class is ASCII-only). */
    final boolean aboveAscii;
    /** Which ASCII characters are members. */
    final boolean[] ascii;
    private final Pattern single;
    private final AtomicReferenceArray<long[]> pages = new AtomicReferenceArray<>((Character.MAX_CODE_POINT + 1) >>> 8);

    ClassTable(Cls c) {
        this.aboveAscii = !c.asciiOnly();
        this.ascii = CharSets.asciiMembers(c);
        this.single = Pattern.compile(c.source(), c.flags() & ~(Pattern.MULTILINE | Pattern.LITERAL | Pattern.CANON_EQ));
    }

    /** {@return the ASCII members as a byte set} */
    ByteSet asciiMembers() {
        ByteSet s = new ByteSet();
        for (int b = 0; b < 0x80; b++) if (ascii[b]) s.add(b);
        return s;
    }

    /** Whether code point {@code cp} (U+FFFD for a malformed unit) is a member. */
    boolean member(int cp) {
        if (cp < 0x80) return ascii[cp];
        if (!aboveAscii) return false;
        long[] page = pages.get(cp >>> 8);
        if (page == null) {
            page = page(cp >>> 8);
            pages.set(cp >>> 8, page);
        }
        return (page[(cp & 0xFF) >>> 6] & (1L << (cp & 63))) != 0;
    }

    /** Whether no character is a member of both: told by the ASCII members when one of the two has none above ASCII. */
    boolean disjointFrom(ClassTable o) {
        if (aboveAscii && o.aboveAscii) return false;
        for (int b = 0; b < 0x80; b++) if (ascii[b] && o.ascii[b]) return false;
        return true;
    }

    private long[] page(int index) {
        long[] bits = new long[4];
        Matcher m = single.matcher("");
        for (int k = 0; k < 256; k++) {
            int cp = (index << 8) | k;
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) continue;   // never decoded from UTF-8
            if (m.reset(new String(Character.toChars(cp))).matches()) bits[k >>> 6] |= 1L << (k & 63);
        }
        return bits;
    }
}
