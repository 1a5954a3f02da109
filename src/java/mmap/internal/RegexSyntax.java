package mmap.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A parser of {@code java.util.regex} syntax into a small tree, for the analysers to read.
 * It follows {@link Pattern}'s own grammar (inline flags scoped to their group, {@code (?x)}
 * whitespace and comments, inside classes too, {@code \Q..\E}, octal, hex, Unicode and control
 * escapes, Java's rule for multi-digit back references) and gives up, returning null, on
 * anything it does not follow exactly: the analysers then assume nothing.
 *
 * <p>Character classes are kept as their source text with the flags in force: what they match
 * is asked of {@link Pattern} itself ({@link CharSets}), not re-derived here.
 */
final class RegexSyntax {
    /** A node of the tree. */
    sealed interface Node permits Char, Cls, Seq, Alt, Rep, Group, Look, Anchor, BackRef, Opaque {}

    /** One code point, matched as the flags say (case-insensitively, say). */
    record Char(int cp, int flags) implements Node {}

    /** A set of characters, one matched at a time: {@code [..]}, {@code .}, {@code \d}, {@code \p{L}} ... */
    record Cls(String source, int flags, boolean asciiOnly) implements Node {}

    /** Nodes in sequence. */
    record Seq(List<Node> items) implements Node {}

    /** Alternatives. */
    record Alt(List<Node> branches) implements Node {}

    /** A repetition from {@code min} to {@code max} times; max -1 is unbounded; possessive ones never give back, lazy ones take as few as they can. */
    record Rep(Node body, int min, int max, boolean possessive, boolean lazy) implements Node {}

    /** A group (capturing, named, non-capturing, atomic or flag-scoped). */
    record Group(Node body, boolean capturing, boolean atomic) implements Node {}

    /** A lookahead or lookbehind, positive or negative: zero-width either way. */
    record Look(Node body, boolean behind, boolean negative) implements Node {}

    /** A zero-width assertion. */
    record Anchor(Kind kind, int flags) implements Node {}

    /** The kinds of assertion. */
    enum Kind { LINE_START, LINE_END, WORD_BOUNDARY, NOT_WORD_BOUNDARY, TEXT_START, TEXT_END, TEXT_END_BEFORE_TERMINATOR, PREVIOUS_MATCH }

    /** A back reference: matches what a group matched. */
    record BackRef() implements Node {}

    /** Something that consumes text the analysers do not model ({@code \R}, {@code \X}, {@code \b{g}}). */
    record Opaque() implements Node {}

    /**
     * Whether two trees are alike, node for node: the records' own equals, written out. A
     * record's generated equals and toString are bootstrapped at their first call, which spins
     * classes (about 10 ms of bin/mmgrep's start); so is a switch over patterns.
     */
    static boolean same(Node a, Node b) {
        if (a instanceof Char x) return b instanceof Char y && x.cp() == y.cp() && x.flags() == y.flags();
        if (a instanceof Cls x) return b instanceof Cls y && x.source().equals(y.source()) && x.flags() == y.flags() && x.asciiOnly() == y.asciiOnly();
        if (a instanceof Seq x) return b instanceof Seq y && same(x.items(), y.items());
        if (a instanceof Alt x) return b instanceof Alt y && same(x.branches(), y.branches());
        if (a instanceof Rep x) return b instanceof Rep y && x.min() == y.min() && x.max() == y.max() && x.possessive() == y.possessive()
                && x.lazy() == y.lazy() && same(x.body(), y.body());
        if (a instanceof Group x) return b instanceof Group y && x.capturing() == y.capturing() && x.atomic() == y.atomic() && same(x.body(), y.body());
        if (a instanceof Look x) return b instanceof Look y && x.behind() == y.behind() && x.negative() == y.negative() && same(x.body(), y.body());
        if (a instanceof Anchor x) return b instanceof Anchor y && x.kind() == y.kind() && x.flags() == y.flags();
        if (a instanceof BackRef) return b instanceof BackRef;
        return a instanceof Opaque && b instanceof Opaque;
    }

    private static boolean same(List<Node> a, List<Node> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) if (!same(a.get(i), b.get(i))) return false;
        return true;
    }

    /**
     * Whether the pattern's text may hold {@code \b{g}}, a grapheme boundary, which the JDK
     * decides from where the previous match ended. Read from the text (the parser leaves it
     * opaque), so an escaped backslash before it counts too: a superset.
     */
    static boolean mayHoldGraphemeBoundary(Pattern p) {
        return p.pattern().contains("\\b{g}");
    }

    /**
     * Whether the pattern's text may hold {@code \X} or {@code \b{g}}, whose JDK nodes stop at
     * the end of the input without setting hitEnd. Read from the text, as a superset.
     */
    static boolean mayHoldGraphemes(Pattern p) {
        return p.pattern().contains("\\X") || mayHoldGraphemeBoundary(p);
    }

    /** Thrown inside the parser for anything it does not follow. */
    private static final class Unsupported extends RuntimeException {
        Unsupported(String why) { super(why, null, false, false); }
    }

    private final String src;
    private int pos;
    private int flags;
    private int groups;              // capturing groups opened so far

    private RegexSyntax(String src, int flags) {
        this.src = src;
        this.flags = flags;
    }

    static final int INLINE_FLAGS = Pattern.CASE_INSENSITIVE | Pattern.MULTILINE | Pattern.DOTALL | Pattern.UNICODE_CASE
            | Pattern.COMMENTS | Pattern.UNIX_LINES | Pattern.UNICODE_CHARACTER_CLASS;

    /**
     * The flags {@code p} may have been compiled with. {@link Pattern#flags()} is not that: it
     * includes what inline flags at the top level set ({@code a(?i)b} reports CASE_INSENSITIVE),
     * so the candidates are the flag sets that compile to the same flags.
     */
    static int[] compileFlags(Pattern p) {
        String src = p.pattern();
        if ((p.flags() & Pattern.LITERAL) != 0 || !src.contains("(?")) return new int[]{p.flags()};
        int fixed = p.flags() & ~INLINE_FLAGS;
        int[] out = new int[128];
        int n = 0;
        for (int sub = 0; sub < 128; sub++) {
            int f = fixed;
            for (int bit = 0, k = 0; bit < 32; bit++) {
                if ((INLINE_FLAGS & (1 << bit)) == 0) continue;
                if ((sub & (1 << k)) != 0) f |= 1 << bit;
                k++;
            }
            try {
                if (Pattern.compile(src, f).flags() == p.flags()) out[n++] = f;
            } catch (RuntimeException e) {
                // Not a flag set this pattern compiles with.
            }
        }
        return n == 0 ? new int[]{p.flags()} : java.util.Arrays.copyOf(out, n);
    }

    /** The tree of {@code p} compiled with {@code flags}, or null when it uses something this parser does not follow. */
    static Node parse(Pattern p, int flags) {
        int f = flags;
        if ((f & Pattern.CANON_EQ) != 0) return null;
        if ((f & Pattern.UNICODE_CHARACTER_CLASS) != 0) f |= Pattern.UNICODE_CASE;
        if ((f & Pattern.LITERAL) != 0) {
            List<Node> items = new ArrayList<>();
            String s = p.pattern();
            for (int i = 0; i < s.length(); ) {
                int cp = s.codePointAt(i);
                items.add(new Char(cp, f));
                i += Character.charCount(cp);
            }
            return new Seq(items);
        }
        RegexSyntax parser = new RegexSyntax(p.pattern(), f);
        try {
            Node n = parser.alternation();
            if (parser.pos != parser.src.length()) return null;
            return n;
        } catch (Unsupported | IndexOutOfBoundsException | IllegalArgumentException e) {
            return null;
        }
    }

    private boolean has(int flag) { return (flags & flag) != 0; }

    private boolean atEnd() { return pos >= src.length(); }

    private char peekChar() { return src.charAt(pos); }

    /** In COMMENTS mode, skips whitespace and {@code #} comments, as Pattern does before every token. */
    private void skipComments() {
        if (!has(Pattern.COMMENTS)) return;
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (isSpace(c)) { pos++; continue; }
            if (c == '#') {
                while (pos < src.length() && !isLineSeparator(src.charAt(pos))) pos++;
                continue;
            }
            break;
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    private boolean isLineSeparator(char c) {
        if (has(Pattern.UNIX_LINES)) return c == '\n';
        return c == '\n' || c == '\r' || (c | 1) == '\u2029' || c == '\u0085';
    }

    private Node alternation() {
        List<Node> branches = new ArrayList<>();
        branches.add(sequence());
        while (!atEnd() && peekChar() == '|') {
            pos++;
            branches.add(sequence());
        }
        return branches.size() == 1 ? branches.get(0) : new Alt(branches);
    }

    private Node sequence() {
        List<Node> items = new ArrayList<>();
        while (true) {
            skipComments();
            if (atEnd()) break;
            char c = peekChar();
            if (c == '|' || c == ')') break;
            Node atom = atom();
            if (atom == null) continue;           // an inline flag group: nothing to match
            items.add(quantified(atom));
        }
        return items.size() == 1 ? items.get(0) : new Seq(items);
    }

    private Node quantified(Node atom) {
        skipComments();
        if (atEnd()) return atom;
        char c = peekChar();
        int min, max;
        switch (c) {
            case '?': min = 0; max = 1; pos++; break;
            case '*': min = 0; max = -1; pos++; break;
            case '+': min = 1; max = -1; pos++; break;
            case '{': {
                int close = src.indexOf('}', pos);
                if (close < 0) throw new Unsupported("unclosed {");
                String body = src.substring(pos + 1, close);
                int comma = body.indexOf(',');
                try {
                    if (comma < 0) {
                        min = max = Integer.parseInt(body);
                    } else {
                        min = Integer.parseInt(body.substring(0, comma));
                        String hi = body.substring(comma + 1);
                        max = hi.isEmpty() ? -1 : Integer.parseInt(hi);
                    }
                } catch (NumberFormatException e) {
                    throw new Unsupported("repetition " + body);
                }
                if (min < 0 || (max >= 0 && max < min)) throw new Unsupported("repetition " + body);
                pos = close + 1;
                break;
            }
            default:
                return atom;
        }
        skipComments();
        boolean possessive = false, lazy = false;
        if (!atEnd() && (peekChar() == '?' || peekChar() == '+')) {   // lazy or possessive: the same language
            possessive = peekChar() == '+';
            lazy = !possessive;
            pos++;
        }
        skipComments();
        if (!atEnd() && "?*+{".indexOf(peekChar()) >= 0) throw new Unsupported("stacked quantifiers");
        return new Rep(atom, min, max, possessive, lazy);
    }

    private Node atom() {
        char c = peekChar();
        switch (c) {
            case '(': return group();
            case '[': {
                int start = pos;
                boolean ascii = classEnd();
                return new Cls(src.substring(start, pos), flags, ascii && !caseFoldsBeyondAscii() && !has(Pattern.UNICODE_CHARACTER_CLASS));
            }
            case '.': pos++; return new Cls(".", flags, false);
            case '^': pos++; return new Anchor(Kind.LINE_START, flags);
            case '$': pos++; return new Anchor(Kind.LINE_END, flags);
            case '\\': return escape();
            case '*': case '+': case '?': case '{':
                throw new Unsupported("dangling quantifier");
            default: {
                int cp = src.codePointAt(pos);
                pos += Character.charCount(cp);
                return new Char(cp, flags);
            }
        }
    }

    private boolean caseFoldsBeyondAscii() {
        return has(Pattern.CASE_INSENSITIVE) && has(Pattern.UNICODE_CASE);
    }

    private Node group() {
        pos++;                                   // '('
        int saved = flags;
        Node result;
        if (!atEnd() && peekChar() == '?') {
            pos++;
            char k = src.charAt(pos);
            if (k == ':') { pos++; result = new Group(alternation(), false, false); }
            else if (k == '=' || k == '!') { pos++; result = new Look(alternation(), false, k == '!'); }
            else if (k == '>') { pos++; result = new Group(alternation(), false, true); }
            else if (k == '<') {
                char k2 = src.charAt(pos + 1);
                if (k2 == '=' || k2 == '!') { pos += 2; result = new Look(alternation(), true, k2 == '!'); }
                else if (Character.isLetter(k2)) {
                    int close = src.indexOf('>', pos);
                    if (close < 0) throw new Unsupported("unclosed group name");
                    pos = close + 1;
                    groups++;
                    result = new Group(alternation(), true, false);
                } else throw new Unsupported("(?<" + k2);
            } else {
                // Inline flags: (?idmsuxU-idmsuxU) for the rest of the group, or (?flags:X) for X.
                boolean on = true;
                while (true) {
                    char f = src.charAt(pos);
                    if (f == '-') { on = false; pos++; continue; }
                    if (f == ')' || f == ':') break;
                    int bit = flagBit(f);
                    if (on) flags |= bit; else flags &= ~bit;
                    if (f == 'U' && on) flags |= Pattern.UNICODE_CASE;
                    pos++;
                }
                if (src.charAt(pos) == ')') {
                    pos++;
                    return null;                 // flags stay set until the enclosing group closes
                }
                pos++;                           // ':'
                result = new Group(alternation(), false, false);
            }
        } else {
            groups++;
            result = new Group(alternation(), true, false);
        }
        if (atEnd() || peekChar() != ')') throw new Unsupported("unclosed group");
        pos++;
        flags = saved;
        return result;
    }

    private static int flagBit(char f) {
        switch (f) {
            case 'i': return Pattern.CASE_INSENSITIVE;
            case 'd': return Pattern.UNIX_LINES;
            case 'm': return Pattern.MULTILINE;
            case 's': return Pattern.DOTALL;
            case 'u': return Pattern.UNICODE_CASE;
            case 'x': return Pattern.COMMENTS;
            case 'U': return Pattern.UNICODE_CHARACTER_CLASS;
            default: throw new Unsupported("flag " + f);
        }
    }

    /**
     * Moves past a class that starts at pos, as Pattern.clazz delimits it: a ']' closes the
     * class only once something is in it. Returns whether it is a plain positive set of
     * ASCII characters, ranges and {@code \d \w \s}.
     */
    private boolean classEnd() {
        pos++;                                   // '['
        boolean ascii = true;
        if (!atEnd() && peekChar() == '^') { pos++; ascii = false; }
        boolean something = false;
        while (true) {
            skipComments();
            if (atEnd()) throw new Unsupported("unclosed class");
            char c = peekChar();
            if (c == '[') { classEnd(); ascii = false; something = true; continue; }
            if (c == '&' && pos + 1 < src.length() && src.charAt(pos + 1) == '&') { pos += 2; ascii = false; continue; }
            if (c == ']' && something) { pos++; return ascii; }
            if (c == '\\') {
                pos++;
                char e = src.charAt(pos);
                if ("dws".indexOf(e) < 0 && !plainEscapeInClass(e)) ascii = false;
                skipEscapeBody(e);
                something = true;
                continue;
            }
            int cp = src.codePointAt(pos);
            if (cp >= 0x80) ascii = false;
            pos += Character.charCount(cp);
            something = true;
        }
    }

    /** Escapes that stand for one ASCII character, or escaped punctuation. */
    private static boolean plainEscapeInClass(char e) {
        return "tnrfae".indexOf(e) >= 0 || (e < 0x80 && !Character.isLetterOrDigit(e));
    }

    /** Moves past an escape's body (pos is at the letter after the backslash) inside a class. */
    private void skipEscapeBody(char e) {
        switch (e) {
            case 'x':
                if (src.charAt(pos + 1) == '{') { int close = src.indexOf('}', pos); if (close < 0) throw new Unsupported("\\x{"); pos = close + 1; }
                else pos += 3;
                return;
            case 'u': pos += 5; return;
            case '0': {
                pos++;
                int n = 0;
                while (n < 3 && pos < src.length() && src.charAt(pos) >= '0' && src.charAt(pos) <= '7') { pos++; n++; }
                return;
            }
            case 'c': pos += 2; return;
            case 'p': case 'P': case 'N':
                if (src.charAt(pos + 1) == '{') { int close = src.indexOf('}', pos); if (close < 0) throw new Unsupported("\\p{"); pos = close + 1; }
                else pos += 2;
                return;
            case 'Q': case 'E': case 'k': case 'R': case 'X': case 'b': case 'B': case 'G': case 'A': case 'z': case 'Z':
                throw new Unsupported("\\" + e + " in a class");
            default:
                if (Character.isHighSurrogate(e)) pos++;
                pos++;
        }
    }

    private Node escape() {
        pos++;                                   // '\'
        char e = src.charAt(pos);
        switch (e) {
            case 'd': case 'D': case 's': case 'S': case 'w': case 'W': case 'h': case 'H': case 'v': case 'V': {
                pos++;
                boolean ascii = (e == 'd' || e == 's' || e == 'w') && !has(Pattern.UNICODE_CHARACTER_CLASS) && !caseFoldsBeyondAscii();
                return new Cls("\\" + e, flags, ascii);
            }
            case 'p': case 'P': {
                int start = pos - 1;
                if (src.charAt(pos + 1) == '{') {
                    int close = src.indexOf('}', pos);
                    if (close < 0) throw new Unsupported("\\p{");
                    pos = close + 1;
                } else {
                    pos += 2;
                }
                return new Cls(src.substring(start, pos), flags, false);
            }
            case 'b':
                if (pos + 1 < src.length() && src.charAt(pos + 1) == '{') throw new Unsupported("\\b{");
                pos++;
                return new Anchor(Kind.WORD_BOUNDARY, flags);
            case 'B': pos++; return new Anchor(Kind.NOT_WORD_BOUNDARY, flags);
            case 'A': pos++; return new Anchor(Kind.TEXT_START, flags);
            case 'z': pos++; return new Anchor(Kind.TEXT_END, flags);
            case 'Z': pos++; return new Anchor(Kind.TEXT_END_BEFORE_TERMINATOR, flags);
            case 'G': pos++; return new Anchor(Kind.PREVIOUS_MATCH, flags);
            case 'R': case 'X': pos++; return new Opaque();
            case 'k': {
                int close = src.indexOf('>', pos);
                if (src.charAt(pos + 1) != '<' || close < 0) throw new Unsupported("\\k");
                pos = close + 1;
                return new BackRef();
            }
            case 'Q': {
                int end = src.indexOf("\\E", pos + 1);
                String quoted = end < 0 ? src.substring(pos + 1) : src.substring(pos + 1, end);
                pos = end < 0 ? src.length() : end + 2;
                List<Node> items = new ArrayList<>();
                for (int i = 0; i < quoted.length(); ) {
                    int cp = quoted.codePointAt(i);
                    items.add(new Char(cp, flags));
                    i += Character.charCount(cp);
                }
                // Quantifiers apply to the last quoted character only, as in Pattern.
                if (items.isEmpty()) return null;
                if (items.size() == 1) return items.get(0);
                Node last = items.remove(items.size() - 1);
                Node q = quantified(last);
                items.add(q);
                return new Group(new Seq(items), false, false);
            }
            case 'E': throw new Unsupported("\\E without \\Q");
            default:
                if (e >= '1' && e <= '9') return backReference();
                return new Char(escapedChar(), flags);
        }
    }

    /** Java's rule: \1..\9 always refer back; more digits only while such a group exists already. */
    private Node backReference() {
        int n = src.charAt(pos) - '0';
        pos++;
        while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
            int next = n * 10 + (src.charAt(pos) - '0');
            if (next > groups) break;
            n = next;
            pos++;
        }
        return new BackRef();
    }

    /** The code point of a one-character escape at pos (the char after the backslash). */
    private int escapedChar() {
        char e = src.charAt(pos);
        switch (e) {
            case 't': pos++; return '\t';
            case 'n': pos++; return '\n';
            case 'r': pos++; return '\r';
            case 'f': pos++; return '\f';
            case 'a': pos++; return 7;
            case 'e': pos++; return 27;
            case 'c': { char x = src.charAt(pos + 1); pos += 2; return x ^ 64; }
            case '0': {
                pos++;
                int d1 = octal(src.charAt(pos));
                if (d1 < 0) throw new Unsupported("\\0");
                pos++;
                int v = d1;
                if (pos < src.length() && octal(src.charAt(pos)) >= 0) {
                    v = v * 8 + octal(src.charAt(pos++));
                    if (d1 <= 3 && pos < src.length() && octal(src.charAt(pos)) >= 0) v = v * 8 + octal(src.charAt(pos++));
                }
                return v;
            }
            case 'x': {
                if (src.charAt(pos + 1) == '{') {
                    int close = src.indexOf('}', pos);
                    if (close < 0) throw new Unsupported("\\x{");
                    int cp = Integer.parseInt(src.substring(pos + 2, close), 16);
                    pos = close + 1;
                    return cp;
                }
                int cp = Integer.parseInt(src.substring(pos + 1, pos + 3), 16);
                pos += 3;
                return cp;
            }
            case 'u': {
                int c1 = Integer.parseInt(src.substring(pos + 1, pos + 5), 16);
                pos += 5;
                if (Character.isHighSurrogate((char) c1) && src.startsWith("\\u", pos)) {
                    int c2 = Integer.parseInt(src.substring(pos + 2, pos + 6), 16);
                    if (Character.isLowSurrogate((char) c2)) {
                        pos += 6;
                        return Character.toCodePoint((char) c1, (char) c2);
                    }
                }
                return c1;
            }
            case 'N': {
                int close = src.indexOf('}', pos);
                if (src.charAt(pos + 1) != '{' || close < 0) throw new Unsupported("\\N");
                int cp = Character.codePointOf(src.substring(pos + 2, close));
                pos = close + 1;
                return cp;
            }
            default:
                if (Character.isLetterOrDigit(e)) throw new Unsupported("\\" + e);
                int cp = src.codePointAt(pos);
                pos += Character.charCount(cp);
                return cp;
        }
    }

    private static int octal(char c) { return c >= '0' && c <= '7' ? c - '0' : -1; }
}
