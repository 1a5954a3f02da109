package mmap.internal;

/**
 * How common each byte is in real text, for choosing the byte to search for: the rarer the
 * byte, the fewer false candidates a search for it stops at (ripgrep chooses the same way).
 *
 * <p>The ranks were measured on the JDK's own Java sources and on German, French and Japanese
 * man pages in UTF-8, weighted equally: 0 is the rarest byte, 255 the most common (the space).
 */
final class ByteFrequency {
    private ByteFrequency() {}

    private static final int[] RANK = {
              0,   1,   2,   3,   4,   5,   6,  67,  64, 162, 245,   7,   8,   9,  10,  11,
             12,  13,  14,  15,  16,  17,  18,  19,  20,  21,  61,  22,  23,  24,  25,  26,
            255,  94, 212, 103,  88,  92, 149, 154, 222, 221, 233, 144, 223, 228, 237, 210,
            214, 202, 199, 184, 182, 181, 175, 161, 177, 171, 155, 200, 165, 196, 168,  91,
            188, 216, 217, 213, 206, 225, 208, 169, 180, 224, 101, 143, 204, 192, 203, 201,
            229,  89, 211, 226, 220, 191, 148, 132, 109, 122, 110, 142, 239, 141,  85, 178,
             86, 248, 227, 241, 243, 254, 240, 231, 236, 252, 157, 205, 244, 234, 251, 246,
            235, 153, 250, 247, 253, 242, 219, 215, 197, 218, 189, 194,  98, 195, 133,  27,
            198, 238, 232, 230, 152, 112, 121, 135, 172, 151, 125, 183, 186, 136,  90, 130,
            139, 104, 156, 126, 102, 167, 124, 163,  99, 164, 120, 117, 119, 100, 107, 140,
            137, 146, 111, 114, 176, 105, 150, 166, 174, 185, 170, 190,  96, 134, 193, 173,
            123,  97,  87, 158, 106,  95, 108, 115, 127, 138, 113, 131, 187, 118, 145, 128,
             28,  29, 116, 209,  83,  84,  62,  30,  70,  31,  32,  71,  33,  65,  80,  72,
             82,  79,  66,  34,  69,  74,  68,  76,  77,  73,  35,  36,  37,  38,  39,  40,
             81,  78,  93, 249, 147, 207, 179, 160, 159, 129,  41,  42,  43,  44,  45,  75,
             63,  46,  47,  48,  49,  50,  51,  52,  53,  54,  55,  56,  57,  58,  59,  60
    };

    /** The byte's rank: 0 for the rarest, 255 for the most common. */
    static int rank(int b) {
        return RANK[b & 0xFF];
    }

    /** The index of the needle's rarest byte. */
    static int rarestIndex(byte[] needle) {
        int best = 0, bestRank = Integer.MAX_VALUE;
        for (int i = 0; i < needle.length; i++) {
            int r = RANK[needle[i] & 0xFF];
            if (r < bestRank) { bestRank = r; best = i; }
        }
        return best;
    }
}
