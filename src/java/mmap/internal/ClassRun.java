package mmap.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import mmap.internal.RegexSyntax.Cls;
import mmap.internal.RegexSyntax.Group;
import mmap.internal.RegexSyntax.Node;
import mmap.internal.RegexSyntax.Rep;

/**
 * Patterns that are one class repeated greedily at least {@code min} times and nothing else:
 * {@code \p{IsHan}+}, {@code \w+}, {@code [A-Z_]{5,}}, {@code (?U)\w+}, {@code [^\x00-\x7F]{3,}}
 * (capturing or not). Their matches are the maximal runs of members that hold at least
 * {@code min} characters: an attempt inside a run ends where the run ends, and one that starts
 * later in a run that is too short is shorter still. {@link ClassRunFinder} finds them with one
 * pass over the bytes, deciding each character by a table of the class's members.
 *
 * <p>The table is asked of {@link Pattern} itself, 256 code points at a time, the first time a
 * character of each block of 256 is met (a malformed UTF-8 unit is U+FFFD, as the engine sees
 * it), and is shared by the threads of a parallel scan.
 */
final class ClassRun {
    final int min;
    final boolean capture;
    /** Whether any character above ASCII may be a member (else the class is ASCII-only). */
    final boolean aboveAscii;
    private final boolean[] ascii;
    private final Pattern single;
    private final AtomicReferenceArray<long[]> pages = new AtomicReferenceArray<>((Character.MAX_CODE_POINT + 1) >>> 8);

    private ClassRun(Cls c, int min, boolean capture) {
        this.min = min;
        this.capture = capture;
        this.aboveAscii = !c.asciiOnly();
        this.ascii = CharSets.asciiMembers(c);
        this.single = Pattern.compile(c.source(), c.flags() & ~(Pattern.MULTILINE | Pattern.LITERAL | Pattern.CANON_EQ));
    }

    /** The shape of {@code p}, or null when it has another (under any flags it may have been compiled with). */
    static ClassRun of(Pattern p) {
        Cls cls = null;
        int min = -1;
        boolean capture = false;
        for (int flags : RegexSyntax.compileFlags(p)) {
            Node tree = RegexSyntax.parse(p, flags);
            boolean captured = false;
            if (tree instanceof Group g && g.capturing() && !g.atomic()) {
                tree = g.body();
                captured = true;
            }
            if (!(tree instanceof Rep r) || r.lazy() || r.max() != -1 || r.min() < 1 || !(r.body() instanceof Cls c)) return null;
            if (cls != null && (!cls.equals(c) || min != r.min() || capture != captured)) return null;
            cls = c;
            min = r.min();
            capture = captured;
        }
        return cls == null ? null : new ClassRun(cls, min, capture);
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
