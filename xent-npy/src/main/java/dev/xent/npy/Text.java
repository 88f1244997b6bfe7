package dev.xent.npy;

import dev.xent.internal.Printable;

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

    /**
     * {@code s} escaped and cut to {@link #MAX_QUOTED} characters, in single quotes: for text read from a header,
     * whose characters are bytes (so written as Python writes bytes, {@code '\x93'}); names use {@link #quoteName}.
     */
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

    /**
     * A file name (or spec, or archive key) made safe for a one-line message, never cut: control characters escaped
     * as the command line escapes every message ({@link Printable}), other characters as they are.
     */
    static String name(String spec) {
        return Printable.escape(spec);
    }

    /** An archive's key or entry name in single quotes: as {@link #name}, cut to {@link #MAX_QUOTED} characters. */
    static String quoteName(String s) {
        return "'" + name(s, MAX_QUOTED) + "'";
    }

    /** {@code s} as {@link #name}, cut to {@code max} characters. */
    static String name(String s, int max) {
        return s.length() <= max ? name(s) : name(s.substring(0, max)) + "...";
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
