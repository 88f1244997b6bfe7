package dev.xent.npy;

/** Formatting helpers for one-line error messages. Internal. */
final class Text {

    /** Longest text quoted from a file in a message; longer text is cut and marked with "...". */
    static final int MAX_QUOTED = 60;

    private Text() {
    }

    /** {@code s} with control and non-ASCII characters escaped, cut to {@code max} characters. */
    static String escape(CharSequence s, int max) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(s.length(), max);
        for (int i = 0; i < n; i++) {
            appendEscaped(sb, s.charAt(i));
        }
        if (s.length() > max) {
            sb.append("...");
        }
        return sb.toString();
    }

    /** {@code s} escaped and cut to {@link #MAX_QUOTED} characters, in single quotes. */
    static String quote(CharSequence s) {
        return "'" + escape(s, MAX_QUOTED) + "'";
    }

    /** One character as it appears in a message: {@code 'x'}, {@code '\n'}, {@code '\x93'}. */
    static String describeChar(int c) {
        StringBuilder sb = new StringBuilder("'");
        appendEscaped(sb, (char) c);
        return sb.append('\'').toString();
    }

    private static void appendEscaped(StringBuilder sb, char c) {
        if (c == '\\' || c == '\'') {
            sb.append('\\').append(c);
        } else if (c == '\n') {
            sb.append("\\n");
        } else if (c == '\r') {
            sb.append("\\r");
        } else if (c == '\t') {
            sb.append("\\t");
        } else if (c >= 0x20 && c < 0x7f) {
            sb.append(c);
        } else if (c < 0x100) {
            sb.append(String.format("\\x%02x", (int) c));
        } else {
            sb.append(String.format("\\u%04x", (int) c));
        }
    }

    /** A file name (or spec) made safe for a one-line message: control characters escaped, never cut. */
    static String name(String spec) {
        for (int i = 0; i < spec.length(); i++) {
            if (spec.charAt(i) < 0x20 || spec.charAt(i) == 0x7f) {
                return escape(spec, Integer.MAX_VALUE);
            }
        }
        return spec;
    }

    /** A shape the way Python prints a tuple: {@code ()}, {@code (3,)}, {@code (3, 4)}. */
    static String shape(long[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(')').toString();
    }

    /** The first bytes of {@code b} in hex, for a message about a bad magic number. */
    static String hex(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(n, b.length); i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%02x", b[i] & 0xff));
        }
        return sb.toString();
    }
}
