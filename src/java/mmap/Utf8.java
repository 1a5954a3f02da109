package mmap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * UTF-8 decoding that also records where each char's bytes start. Malformed input becomes
 * U+FFFD per maximal ill-formed subpart, which is what the JDK's decoder (and so slurp) does.
 */
final class Utf8 {
    private Utf8() {}

    record Decoded(char[] chars, int[] byteOffsets, int length) {}

    private static final long HIGHS = 0x8080808080808080L;

    /** True when every byte in [from, to) is below 0x80. */
    static boolean isAscii(MemorySegment s, long from, long to) {
        long i = from;
        long acc = 0;
        for (; i + 8 <= to; i += 8) {
            acc |= s.get(ValueLayout.JAVA_LONG_UNALIGNED, i);
            if ((i & 0xFFF) == 0 && (acc & HIGHS) != 0) return false;
        }
        for (; i < to; i++) acc |= s.get(ValueLayout.JAVA_BYTE, i);
        return (acc & HIGHS) == 0;
    }

    private static boolean cont(int b) { return (b & 0xC0) == 0x80; }

    /**
     * Decodes [from, to) of a text that ends at {@code textEnd}. A sequence cut off at {@code to}
     * becomes one U+FFFD when the text ends there or the next byte cannot continue it (as the
     * JDK decides), and is left undecoded (the result ends before it) when the next byte could.
     */
    static Decoded decode(MemorySegment s, long from, long to, long textEnd) {
        int n = (int) (to - from);
        char[] out = new char[n];
        int[] offs = new int[n + 1];
        int c = 0;
        long i = from;
        while (i < to) {
            int b0 = s.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
            int rel = (int) (i - from);
            if (b0 < 0x80) { offs[c] = rel; out[c++] = (char) b0; i++; continue; }
            int need, min2 = 0x80, max2 = 0xBF;
            if (b0 >= 0xC2 && b0 <= 0xDF) need = 1;
            else if (b0 >= 0xE0 && b0 <= 0xEF) { need = 2; if (b0 == 0xE0) min2 = 0xA0; }
            else if (b0 >= 0xF0 && b0 <= 0xF4) { need = 3; if (b0 == 0xF0) min2 = 0x90; if (b0 == 0xF4) max2 = 0x8F; }
            else { offs[c] = rel; out[c++] = '\uFFFD'; i++; continue; }
            // Count how many following bytes continue the sequence validly (the maximal subpart).
            int good = 0;
            int cp = b0 & (need == 1 ? 0x1F : need == 2 ? 0x0F : 0x07);
            boolean truncated = false;
            for (int k = 1; k <= need; k++) {
                if (i + k >= to) { truncated = true; break; }
                int b = s.get(ValueLayout.JAVA_BYTE, i + k) & 0xFF;
                boolean ok = k == 1 ? (b >= min2 && b <= max2) : cont(b);
                if (!ok) break;
                cp = (cp << 6) | (b & 0x3F);
                good++;
            }
            if (good == need && Character.isSurrogate((char) cp) && need == 2) {
                // An encoded surrogate (ED A0..BF xx) is one malformed unit of three bytes to the JDK.
                offs[c] = rel;
                out[c++] = '\uFFFD';
                i += 3;
            } else if (good == need) {
                offs[c] = rel;
                if (cp >= 0x10000) {
                    out[c++] = Character.highSurrogate(cp);
                    // Inside the sequence, so that every char position has its own offset.
                    offs[c] = rel + 1;
                    out[c++] = Character.lowSurrogate(cp);
                } else {
                    out[c++] = (char) cp;
                }
                i += need + 1;
            } else if (truncated && to < textEnd && cont(s.get(ValueLayout.JAVA_BYTE, to) & 0xFF)) {
                break;
            } else {
                offs[c] = rel;
                out[c++] = '\uFFFD';
                i += 1 + good;
            }
        }
        offs[c] = (int) (i - from);
        return new Decoded(out, offs, c);
    }
}
