package dev.xent.npy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The parsed and checked header of a {@code .npy} stream. Internal.
 *
 * <p>The header is a Python dict literal such as {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }}.
 * It is read by a small strict parser (no evaluation) that accepts what NumPy writes and nothing that NumPy's own
 * reader would refuse: exactly the keys {@code descr}, {@code fortran_order} and {@code shape}; single- or
 * double-quoted strings; {@code True}/{@code False}; a tuple of non-negative decimal integers (with an optional
 * Python 2 {@code L} suffix) of at most 64 dimensions. Everything is checked before any data is read: the magic,
 * the version (1.0, 2.0, 3.0), the header length (at most 1 MiB and inside the file), the dtype, and that the data
 * is exactly {@code product(shape) * itemsize} bytes.
 */
final class NpyHeader {

    /** {@code \x93NUMPY}. */
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** The longest header accepted, in bytes (NumPy's own default limit is 10000 characters). */
    static final int MAX_HEADER_LENGTH = 1 << 20;
    /** NumPy's limit on the number of dimensions ({@code NPY_MAXDIMS} in NumPy 2). */
    static final int MAX_RANK = 64;

    final String descr;
    final ElementType type;
    final ByteOrder order;
    final boolean fortranOrder;
    final long[] shape;
    final int majorVersion;
    /** Where the data starts: the length of magic, version, header length and header. */
    final long dataOffset;
    final long elementCount;

    private NpyHeader(String descr, ElementType type, ByteOrder order, boolean fortranOrder, long[] shape,
            int majorVersion, long dataOffset, long elementCount) {
        this.descr = descr;
        this.type = type;
        this.order = order;
        this.fortranOrder = fortranOrder;
        this.shape = shape;
        this.majorVersion = majorVersion;
        this.dataOffset = dataOffset;
        this.elementCount = elementCount;
    }

    /**
     * Reads and checks the header of the {@code .npy} stream in {@code source}, whose errors name {@code name}.
     * Reads at most the preamble and the declared header length (which is capped before anything is allocated).
     */
    static NpyHeader read(ByteSource source, String name) throws IOException {
        long size = source.size();
        String where = Text.name(name) + ": ";
        if (size == 0) {
            throw new NpyFormatException(where + "empty: 0 bytes, not a .npy file");
        }
        byte[] pre = new byte[(int) Math.min(size, 12)];
        source.readFully(0, ByteBuffer.wrap(pre));
        for (int i = 0; i < Math.min(pre.length, MAGIC.length); i++) {
            if (pre[i] != MAGIC[i]) {
                String hint = pre.length >= 2 && pre[0] == 'P' && pre[1] == 'K'
                        ? "; it looks like a zip (.npz) archive: name one array as ARCHIVE.npz:KEY" : "";
                throw new NpyFormatException(where + "not a .npy file: it starts with bytes " + Text.hex(pre, 6)
                        + ", not the magic 93 4e 55 4d 50 59 (\\x93NUMPY)" + hint);
            }
        }
        if (size < 8) {
            throw new NpyFormatException(where + "truncated: " + size
                    + " bytes long, too short for the 10-byte .npy preamble (magic, version, header length)");
        }
        int major = pre[6] & 0xff;
        int minor = pre[7] & 0xff;
        if (major < 1 || major > 3 || minor != 0) {
            throw new NpyFormatException(where + "at byte 6: format version " + major + "." + minor
                    + " is not supported (1.0, 2.0 and 3.0 are)");
        }
        int preamble = major == 1 ? 10 : 12;
        if (size < preamble) {
            throw new NpyFormatException(where + "truncated: " + size + " bytes long, too short for the "
                    + preamble + "-byte preamble of a version " + major + ".0 .npy file");
        }
        long headerLength = major == 1
                ? (pre[8] & 0xff) | (pre[9] & 0xff) << 8
                : (pre[8] & 0xffL) | (pre[9] & 0xffL) << 8 | (pre[10] & 0xffL) << 16 | (pre[11] & 0xffL) << 24;
        if (headerLength > MAX_HEADER_LENGTH) {
            throw new NpyFormatException(where + "at byte 8: header length " + headerLength
                    + " is larger than the limit of " + MAX_HEADER_LENGTH + " bytes");
        }
        if (preamble + headerLength > size) {
            throw new NpyFormatException(where + "at byte 8: header length " + headerLength
                    + " runs past the end of the data: the header would end at byte " + (preamble + headerLength)
                    + " but there are only " + size + " bytes");
        }
        byte[] text = new byte[(int) headerLength];
        source.readFully(preamble, ByteBuffer.wrap(text));
        if (major == 3) {
            checkUtf8(text, preamble, where);
        }
        NpyHeader h = new Parser(text, preamble, major, where).parse();
        long found = size - h.dataOffset;
        long expected = h.elementCount * h.type.size; // cannot overflow: checked by the parser
        if (found != expected) {
            throw new NpyFormatException(where + "header at byte " + preamble + ": shape " + Text.shape(h.shape)
                    + " of " + Text.quote(h.descr) + " needs " + expected + " data bytes but " + found
                    + " follow the " + h.dataOffset + "-byte header");
        }
        return h;
    }

    private static void checkUtf8(byte[] text, int base, String where) throws NpyFormatException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(text);
        CharBuffer out = CharBuffer.allocate(text.length);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) {
            throw new NpyFormatException(where + "header at byte " + (base + in.position())
                    + ": not valid UTF-8 (a version 3.0 header is UTF-8)");
        }
    }

    /** Whether the data of a Fortran-order array is laid out differently from C order (at least two dims > 1). */
    boolean fortranLayout() {
        if (!fortranOrder) {
            return false;
        }
        int big = 0;
        for (long d : shape) {
            if (d > 1) {
                big++;
            }
        }
        return big > 1;
    }

    /** The strict recursive-descent parser of the header dict. Positions in messages are byte offsets. */
    private static final class Parser {
        private final byte[] text;
        private final int base;
        private final int major;
        private final String where;
        private int pos;

        Parser(byte[] text, int base, int major, String where) {
            this.text = text;
            this.base = base;
            this.major = major;
            this.where = where;
        }

        NpyHeader parse() throws NpyFormatException {
            String descr = null;
            ElementType type = null;
            ByteOrder order = null;
            Boolean fortran = null;
            long[] shape = null;
            skipSpace();
            expect('{', "the header to start with '{'");
            skipSpace();
            while (peek() != '}') {
                int keyAt = pos;
                if (peek() != '\'' && peek() != '"') {
                    throw error(pos, "expected a quoted key or '}', found " + found());
                }
                String key = string();
                skipSpace();
                expect(':', "':' after the key " + Text.quote(key));
                skipSpace();
                int valueAt = pos;
                switch (key) {
                    case "descr":
                        if (descr != null) {
                            throw duplicate(keyAt, key);
                        }
                        if (peek() == '[') {
                            throw error(valueAt, "descr is a list, which means a structured dtype; only plain"
                                    + " bool, int, uint and float arrays are supported");
                        }
                        if (peek() != '\'' && peek() != '"') {
                            throw error(valueAt, "descr must be a string such as '<f4', found " + found());
                        }
                        descr = string();
                        type = parseType(descr, valueAt);
                        order = parseOrder(descr);
                        break;
                    case "fortran_order":
                        if (fortran != null) {
                            throw duplicate(keyAt, key);
                        }
                        fortran = bool();
                        break;
                    case "shape":
                        if (shape != null) {
                            throw duplicate(keyAt, key);
                        }
                        shape = tuple();
                        break;
                    default:
                        throw error(keyAt, "unexpected key " + Text.quote(key)
                                + "; the header has exactly the keys 'descr', 'fortran_order' and 'shape'");
                }
                skipSpace();
                if (peek() == ',') {
                    pos++;
                    skipSpace();
                } else if (peek() != '}') {
                    throw error(pos, "expected ',' or '}' after the value of " + Text.quote(key) + ", found "
                            + found());
                }
            }
            pos++;
            skipSpace();
            if (pos < text.length) {
                throw error(pos, "unexpected " + found() + " after the closing '}' of the header dict");
            }
            if (descr == null) {
                throw error(0, "the header has no key 'descr'");
            }
            if (fortran == null) {
                throw error(0, "the header has no key 'fortran_order'");
            }
            if (shape == null) {
                throw error(0, "the header has no key 'shape'");
            }
            long count = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw error(0, "shape " + Text.shape(shape) + " has a negative dimension");
                }
            }
            if (shape.length > MAX_RANK) {
                throw error(0, "shape has " + shape.length + " dimensions, more than NumPy's limit of " + MAX_RANK);
            }
            boolean empty = false;
            for (long d : shape) {
                empty |= d == 0;
            }
            if (empty) {
                count = 0;
            } else {
                for (long d : shape) {
                    if (count > Long.MAX_VALUE / d) {
                        throw error(0, "shape " + Text.shape(shape) + " has more than 2^63-1 elements");
                    }
                    count *= d;
                }
                if (count > Long.MAX_VALUE / type.size) {
                    throw error(0, "shape " + Text.shape(shape) + " of " + Text.quote(descr)
                            + " needs more than 2^63-1 bytes");
                }
            }
            return new NpyHeader(descr, type, order, fortran, shape, major, base + (long) text.length, count);
        }

        private ElementType parseType(String descr, int at) throws NpyFormatException {
            String s = descr;
            if (!s.isEmpty() && "<>|=".indexOf(s.charAt(0)) >= 0) {
                s = s.substring(1);
            }
            String rule = "; only bool (b1), int8-64 (i1-i8), uint8-64 (u1-u8) and float16-64 (f2-f8) are"
                    + " supported";
            if (s.length() >= 2 && s.length() <= 3 && s.chars().skip(1).allMatch(c -> c >= '0' && c <= '9')) {
                ElementType t = ElementType.of(s.charAt(0), Integer.parseInt(s.substring(1)));
                if (t != null) {
                    return t;
                }
            }
            String what;
            char k = s.isEmpty() ? ' ' : s.charAt(0);
            if (k == 'O') {
                what = " is an object dtype, whose arrays hold pickled Python objects";
            } else if (k == 'c') {
                what = " is a complex dtype";
            } else if (k == 'S' || k == 'a' || k == 'U') {
                what = " is a string dtype";
            } else if (k == 'V') {
                what = " is a void (raw bytes) dtype";
            } else if (k == 'M' || k == 'm') {
                what = " is a datetime dtype";
            } else if ((k == 'f' || k == 'i' || k == 'u' || k == 'b') && s.length() > 1
                    && s.chars().skip(1).allMatch(c -> c >= '0' && c <= '9')) {
                what = " has an unsupported item size";
            } else if (s.startsWith("(")) {
                what = " is a sub-array dtype";
            } else {
                what = " is not a NumPy dtype string";
            }
            throw error(at, "descr " + Text.quote(descr) + what + rule);
        }

        private static ByteOrder parseOrder(String descr) {
            char c = descr.charAt(0);
            if (c == '<') {
                return ByteOrder.LITTLE_ENDIAN;
            }
            if (c == '>') {
                return ByteOrder.BIG_ENDIAN;
            }
            return ByteOrder.nativeOrder(); // '|', '=' or none: native, as NumPy reads them
        }

        private boolean bool() throws NpyFormatException {
            int at = pos;
            if (matchWord("True")) {
                return true;
            }
            if (matchWord("False")) {
                return false;
            }
            throw error(at, "fortran_order must be True or False, found " + found());
        }

        private boolean matchWord(String w) {
            if (pos + w.length() > text.length) {
                return false;
            }
            for (int i = 0; i < w.length(); i++) {
                if (text[pos + i] != w.charAt(i)) {
                    return false;
                }
            }
            int after = pos + w.length();
            if (after < text.length && isIdentifierChar(text[after] & 0xff)) {
                return false;
            }
            pos = after;
            return true;
        }

        private static boolean isIdentifierChar(int c) {
            return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80;
        }

        private long[] tuple() throws NpyFormatException {
            int at = pos;
            if (peek() != '(') {
                throw error(at, "shape must be a tuple of integers such as (3, 4), found " + found());
            }
            pos++;
            skipSpace();
            long[] dims = new long[4];
            int n = 0;
            boolean comma = false;
            while (peek() != ')') {
                if (n == MAX_RANK + 1) {
                    throw error(at, "shape has more than NumPy's limit of " + MAX_RANK + " dimensions");
                }
                if (n == dims.length) {
                    dims = Arrays.copyOf(dims, n * 2);
                }
                dims[n++] = integer();
                skipSpace();
                comma = peek() == ',';
                if (comma) {
                    pos++;
                    skipSpace();
                } else if (peek() != ')') {
                    throw error(pos, "expected ',' or ')' in the shape tuple, found " + found());
                }
            }
            pos++;
            if (n == 1 && !comma) {
                throw error(at, "shape (" + dims[0] + ") is not a tuple; a 1-d shape is written (" + dims[0] + ",)");
            }
            return Arrays.copyOf(dims, n);
        }

        private long integer() throws NpyFormatException {
            int at = pos;
            boolean negative = false;
            if (peek() == '-' || peek() == '+') {
                negative = peek() == '-';
                pos++;
            }
            int digitsAt = pos;
            while (peek() >= '0' && peek() <= '9') {
                pos++;
            }
            if (pos == digitsAt) {
                throw error(pos, "expected a dimension (an integer) in the shape tuple, found " + found());
            }
            String digits = new String(text, digitsAt, pos - digitsAt, StandardCharsets.ISO_8859_1);
            if (digits.length() > 1 && digits.charAt(0) == '0') {
                throw error(at, "dimension " + Text.escape(digits, Text.MAX_QUOTED)
                        + " has a leading zero, which Python does not allow");
            }
            if (peek() == 'L' || peek() == 'l') {
                pos++; // Python 2 long literal, written by NumPy on Python 2
            }
            if (isIdentifierChar(peek())) {
                throw error(pos, "expected ',' or ')' after the dimension " + Text.escape(digits, Text.MAX_QUOTED)
                        + ", found " + found());
            }
            long v = 0;
            for (int i = 0; i < digits.length(); i++) {
                int d = digits.charAt(i) - '0';
                if (v > (Long.MAX_VALUE - d) / 10) {
                    throw error(at, "dimension " + (negative ? "-" : "") + Text.escape(digits, Text.MAX_QUOTED)
                            + " is too large (more than 2^63-1)");
                }
                v = v * 10 + d;
            }
            return negative ? -v : v;
        }

        /** A quoted string; only its first 256 bytes are kept (no valid key or descr is that long). */
        private String string() throws NpyFormatException {
            int at = pos;
            int quote = text[pos++];
            byte[] raw = new byte[256];
            int n = 0;
            boolean cut = false;
            while (true) {
                if (pos >= text.length || text[pos] == '\n' || text[pos] == '\r') {
                    throw error(at, "the string starting here is not closed");
                }
                byte c = text[pos];
                if (c == quote) {
                    pos++;
                    break;
                }
                if (c == '\\') {
                    int e = pos + 1 < text.length ? text[pos + 1] : -1;
                    if (e != '\\' && e != '\'' && e != '"') {
                        throw error(pos, "unsupported escape sequence in a string (only \\\\, \\' and \\\" are"
                                + " accepted)");
                    }
                    c = (byte) e;
                    pos++;
                }
                pos++;
                if (n < raw.length) {
                    raw[n++] = c;
                } else {
                    cut = true;
                }
            }
            String s = new String(raw, 0, n, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            return cut ? s + "..." : s;
        }

        private void expect(char c, String what) throws NpyFormatException {
            if (peek() != c) {
                throw error(pos, "expected " + what + ", found " + found());
            }
            pos++;
        }

        private int peek() {
            return pos < text.length ? text[pos] & 0xff : -1;
        }

        private void skipSpace() {
            while (pos < text.length) {
                int c = text[pos];
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x0b) {
                    return;
                }
                pos++;
            }
        }

        private String found() {
            return pos >= text.length ? "the end of the header" : Text.describeChar(text[pos] & 0xff);
        }

        private NpyFormatException duplicate(int at, String key) {
            return error(at, "duplicate key " + Text.quote(key));
        }

        private NpyFormatException error(int at, String message) {
            return new NpyFormatException(where + "header at byte " + (base + at) + ": " + message);
        }
    }
}
