package mmap.internal;

import java.util.List;
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
 * (capturing or not), or, for classes of ASCII word characters, wrapped in {@code \b}:
 * {@code \b\w+\b}, {@code \b[A-Z]+\b}, {@code \b\d+}. Their matches are the maximal runs of members that hold at least
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
    /**
     * Whether the run is wrapped in {@code \b}: before it ({@link #boundBefore}) and after it
     * ({@link #boundAfter}). Only for classes of ASCII word characters outside
     * UNICODE_CHARACTER_CLASS, so that a run's inside holds no boundary: the JDK's {@code \b}
     * takes [a-zA-Z0-9_] as word characters, and a non-spacing mark as one when a letter or
     * digit stands before it (past any other marks).
     */
    final boolean boundBefore, boundAfter;
    /** Whether any character above ASCII may be a member (else the class is ASCII-only). */
    final boolean aboveAscii;
    /** Which ASCII characters are members. */
    final boolean[] ascii;
    private final Pattern single;
    private final AtomicReferenceArray<long[]> pages = new AtomicReferenceArray<>((Character.MAX_CODE_POINT + 1) >>> 8);

    private ClassRun(Cls c, int min, boolean capture, boolean boundBefore, boolean boundAfter) {
        this.min = min;
        this.capture = capture;
        this.boundBefore = boundBefore;
        this.boundAfter = boundAfter;
        this.aboveAscii = !c.asciiOnly();
        this.ascii = CharSets.asciiMembers(c);
        this.single = Pattern.compile(c.source(), c.flags() & ~(Pattern.MULTILINE | Pattern.LITERAL | Pattern.CANON_EQ));
    }

    /** The shape of {@code p}, or null when it has another (under any flags it may have been compiled with). */
    static ClassRun of(Pattern p) {
        Cls cls = null;
        int min = -1;
        boolean capture = false, before = false, after = false;
        for (int flags : RegexSyntax.compileFlags(p)) {
            Node tree = RegexSyntax.parse(p, flags);
            boolean captured = false, boundBefore = false, boundAfter = false;
            if (tree instanceof RegexSyntax.Seq(List<Node> items) && items.size() >= 2 && items.size() <= 3) {
                boundBefore = wordBound(items.get(0));
                boundAfter = wordBound(items.get(items.size() - 1));
                if (items.size() != 1 + (boundBefore ? 1 : 0) + (boundAfter ? 1 : 0)) return null;
                tree = items.get(boundBefore ? 1 : 0);
            }
            if (tree instanceof Group g && g.capturing() && !g.atomic()) {
                tree = g.body();
                captured = true;
            }
            if (!(tree instanceof Rep r) || r.lazy() || r.max() != -1 || r.min() < 1 || !(r.body() instanceof Cls c)) return null;
            if ((boundBefore || boundAfter) && !asciiWordOnly(c)) return null;
            if (cls != null && (!cls.equals(c) || min != r.min() || capture != captured || before != boundBefore || after != boundAfter)) return null;
            cls = c;
            min = r.min();
            capture = captured;
            before = boundBefore;
            after = boundAfter;
        }
        return cls == null ? null : new ClassRun(cls, min, capture, before, after);
    }

    /** A {@code \b} that takes [a-zA-Z0-9_] for word characters (not under UNICODE_CHARACTER_CLASS). */
    private static boolean wordBound(Node n) {
        return n instanceof RegexSyntax.Anchor a && a.kind() == RegexSyntax.Kind.WORD_BOUNDARY
                && (a.flags() & Pattern.UNICODE_CHARACTER_CLASS) == 0;
    }

    /** Whether every member of {@code c} is one of [a-zA-Z0-9_]. */
    private static boolean asciiWordOnly(Cls c) {
        if (!c.asciiOnly()) return false;
        boolean[] in = CharSets.asciiMembers(c);
        for (int b = 0; b < 128; b++) if (in[b] && !asciiWord(b)) return false;
        return true;
    }

    /** The JDK's word character for {@code \b} outside UNICODE_CHARACTER_CLASS. */
    static boolean asciiWord(int cp) {
        return cp == '_' || (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
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
