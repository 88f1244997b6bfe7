package dev.xent.internal;

/**
 * Text from inputs (file names, archive keys, config keys and values, metric names) made safe to print on a
 * terminal: every character that would act rather than show is written as {@code \}{@code uXXXX}, as JSON writes it.
 * One rule for every message and every module, so a name looks the same wherever it is reported:
 *
 * <pre>{@code
 * Printable.escape("y" + (char) 27 + "[31m.npy") // the ESC becomes the six characters \ u 0 0 1 b
 * }</pre>
 *
 * <p>Escaped: the C0 controls (U+0000-U+001F, line breaks and tabs included), DEL and the C1 controls
 * (U+007F-U+009F, which some terminals obey as escape sequences: U+009B is CSI), the line and paragraph separators
 * (U+2028, U+2029) and the bidirectional formatting characters (U+061C, U+200E, U+200F, U+202A-U+202E,
 * U+2066-U+2069), which reorder what follows them. Backslashes are left as they are. Internal.
 */
public final class Printable {

    private Printable() {}

    /** Whether {@code c} is written escaped. */
    public static boolean isEscaped(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 || c == 0x061c || c == 0x200e
                || c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }

    /** {@code s} with every {@linkplain #isEscaped escaped character} written as {@code \}{@code uXXXX}. */
    public static String escape(CharSequence s) {
        int i = 0;
        int n = s.length();
        while (i < n && !isEscaped(s.charAt(i))) {
            i++;
        }
        if (i == n) {
            return s.toString();
        }
        StringBuilder sb = new StringBuilder(n + 16).append(s, 0, i);
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (isEscaped(c)) {
                sb.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 15]).append(HEX[(c >> 4) & 15])
                        .append(HEX[c & 15]);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();
}
