package mmap.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A window of the text, copied to the heap, with a {@link Matcher} over it whose bounds are
 * transparent (lookaround sees the whole window) and not anchoring ({@code ^ $} see real text
 * rather than the region's edges). The engine treats the window's end as the end of the text,
 * so a result is only final when the engine did not reach that end ({@link Matcher#hitEnd()})
 * or the window reaches the real end of the text; the finders grow or move the window until
 * one of the two holds.
 */
final class MatchWindow {
    final Source src;
    final TextWindow text;
    final Matcher matcher;
    /** Bytes of text kept before an attempt's start, for lookbehind and \b; -1 keeps all of it (unbounded lookbehind). */
    final long margin;
    /** The last byte a window may reach (a parallel task's limit), or the text's end. */
    final long limit;
    private boolean loaded;

    MatchWindow(Source src, Pattern pattern, long margin, long limit, RegexScanner.Cancel cancel) {
        this.src = src;
        this.margin = margin;
        this.limit = Math.min(limit, src.to);
        this.text = new TextWindow(cancel);
        this.matcher = pattern.matcher("");
        matcher.useTransparentBounds(true);
        matcher.useAnchoringBounds(false);
    }

    /** The margin, in bytes, that {@code reachBack} characters before an attempt need; -1 for all of the text. */
    static long marginFor(int reachBack, boolean utf8) {
        if (reachBack < 0) return -1;
        // A Java char is at most three UTF-8 bytes (a supplementary character is four bytes for two chars).
        return (long) reachBack * (utf8 ? 3 : 1) + 8;
    }

    boolean loaded() { return loaded; }

    /** Where a window for an attempt at {@code pos} must start. */
    long lowBound(long pos) {
        return margin < 0 ? src.from : Math.max(src.from, pos - margin);
    }

    /** Whether the window holds an attempt at {@code pos}, with its margin before and {@code after} bytes after it (or the text's end). */
    boolean holds(long pos, long after) {
        if (!loaded || pos < text.start() || pos > text.end()) return false;
        // The margin has a few bytes of slack beyond what reachBack needs, so a unit boundary just below it is no concern.
        return (text.start() <= lowBound(pos) || text.start() == src.from) && text.end() >= Math.min(limit, pos + after);
    }

    /** Loads the window for attempts at {@code pos}: from its margin before, to {@code after} bytes after (within the limit). */
    void open(long pos, long after) {
        long start = src.unitStart(lowBound(pos));
        long end = src.unitEnd(Math.min(limit, Math.max(pos + 1, pos + after)));
        if (end - start > Integer.MAX_VALUE - 64)
            throw new IllegalStateException("a single match, or failed attempt, of " + matcher.pattern()
                    + " needs more than 2 GiB of text around byte " + pos + "; java.util.regex matches within at most 2^31 chars");
        try {
            text.load(src, start, end);
        } catch (OutOfMemoryError e) {
            loaded = false;
            throw new IllegalStateException("a single match, or failed attempt, of " + matcher.pattern() + " needs "
                    + (end - start) + " bytes of text in memory at once (as slurp would), more than the heap allows: raise -Xmx", e);
        }
        matcher.reset(text);
        loaded = true;
    }

    boolean atTextEnd() { return text.end() >= src.to; }

    /** Whether the window cannot grow any further. */
    boolean atLimit() { return text.end() >= limit; }

    int charIndex(long pos) { return text.charIndexAt(pos); }

    long byteOffset(int index) { return text.byteOffset(index); }

    long size() { return text.end() - text.start(); }
}
