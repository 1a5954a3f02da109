package mmap.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * UTF-8 decoding exactly as the JDK's decoder (and so {@code slurp}) does it: malformed input
 * becomes one U+FFFD per maximal ill-formed subpart, and an encoded surrogate (ED A0..BF xx)
 * is one malformed unit of three bytes.
 *
 * <p>A <em>unit</em> is what one decoding step consumes: a whole character, or one malformed
 * subpart. Every byte that is not a continuation byte (10xxxxxx) starts a unit, since a subpart
 * only ever takes valid continuation bytes; so unit boundaries can be found from at most three
 * bytes back, and a window that starts and ends on unit boundaries decodes exactly as the same
 * bytes do inside the whole text.
 */
final class Utf8 {
    private Utf8() {}

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGHS = 0x8080808080808080L;

    /** True when every byte in [from, to) is below 0x80. */
    static boolean isAscii(byte[] a, int from, int to) {
        int i = from;
        long acc = 0;
        for (; i + 8 <= to; i += 8) acc |= (long) LONGS.get(a, i);
        for (; i < to; i++) acc |= a[i];
        return (acc & HIGHS) == 0;
    }

    static boolean continuation(int b) { return (b & 0xC0) == 0x80; }

    /**
     * How many bytes the unit at {@code i} takes, when the text's bytes available end at
     * {@code end} (a unit cut off there is a malformed subpart, as at the end of the text).
     */
    static int unitLength(byte[] a, int i, int end) {
        int b0 = a[i] & 0xFF;
        if (b0 < 0x80) return 1;
        int need, min2 = 0x80, max2 = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF) need = 1;
        else if (b0 >= 0xE0 && b0 <= 0xEF) { need = 2; if (b0 == 0xE0) min2 = 0xA0; }
        else if (b0 >= 0xF0 && b0 <= 0xF4) { need = 3; if (b0 == 0xF0) min2 = 0x90; if (b0 == 0xF4) max2 = 0x8F; }
        else return 1;
        int good = 0;
        for (int k = 1; k <= need && i + k < end; k++) {
            int b = a[i + k] & 0xFF;
            if (k == 1 ? (b < min2 || b > max2) : !continuation(b)) break;
            good++;
        }
        return good == need ? need + 1 : 1 + good;
    }

    /**
     * Decodes bytes [from, to) of {@code a} (both unit boundaries) into {@code out}, recording
     * in {@code offsets} each char's byte offset relative to {@code from} (a supplementary
     * character's low surrogate gets its first byte's offset plus one, so that every char
     * position has its own offset), and {@code to - from} after the last. Returns the number of
     * chars. {@code out} and {@code offsets} must hold {@code to - from} and one more entries.
     */
    static int decode(byte[] a, int from, int to, char[] out, int[] offsets) {
        int c = 0;
        int i = from;
        while (i < to) {
            int b0 = a[i] & 0xFF;
            int rel = i - from;
            if (b0 < 0x80) { offsets[c] = rel; out[c++] = (char) b0; i++; continue; }
            int len = unitLength(a, i, to);
            offsets[c] = rel;
            int cp = codePoint(a, i, len);
            if (cp < 0) {
                out[c++] = '\uFFFD';
            } else if (cp >= 0x10000) {
                out[c++] = Character.highSurrogate(cp);
                offsets[c] = rel + 1;
                out[c++] = Character.lowSurrogate(cp);
            } else {
                out[c++] = (char) cp;
            }
            i += len;
        }
        offsets[c] = to - from;
        return c;
    }

    /** The code point of a unit, or -1 when it is malformed (an encoded surrogate included). */
    static int codePoint(byte[] a, int i, int len) {
        int b0 = a[i] & 0xFF;
        int need = b0 >= 0xF0 ? 3 : b0 >= 0xE0 ? 2 : b0 >= 0xC2 ? 1 : 0;
        if (need == 0 || len != need + 1) return -1;
        int cp = b0 & (need == 1 ? 0x1F : need == 2 ? 0x0F : 0x07);
        for (int k = 1; k <= need; k++) cp = (cp << 6) | (a[i + k] & 0x3F);
        return need == 2 && Character.isSurrogate((char) cp) ? -1 : cp;
    }

    /** The code point of a unit as decoded text holds it: U+FFFD for a malformed one. */
    static int decodedCodePoint(byte[] a, int i, int len) {
        int cp = codePoint(a, i, len);
        return cp < 0 ? 0xFFFD : cp;
    }

    /** Whether bytes [from, to) are well-formed UTF-8 (what grep calls free of encoding errors). */
    static boolean valid(byte[] a, int from, int to) {
        int i = from;
        while (i < to) {
            // ASCII eight bytes at a time: most lines a grep prints hold nothing else.
            if (i + 8 <= to && ((long) LONGS.get(a, i) & HIGHS) == 0) { i += 8; continue; }
            if (a[i] >= 0) { i++; continue; }
            int len = unitLength(a, i, to);
            if (codePoint(a, i, len) < 0) return false;
            i += len;
        }
        return true;
    }
}
