package dev.xent.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The header parser: what it accepts and the exact messages of what it refuses. */
class HeaderTest {

    @TempDir
    Path dir;

    private String write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p.toString();
    }

    private String refused(String name, byte[] bytes) throws IOException {
        String path = write(name, bytes);
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> NpyArrayFile.open(path).close());
        Fixtures.assertCleanMessage(e, path);
        return e.getMessage().substring(path.length() + 2);
    }

    @Test
    void negativeDimensionMessageAsDocumented() throws IOException {
        assertEquals("header at byte 10: shape (3, -1) has a negative dimension",
                refused("y_pred.npy", Fixtures.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3, -1), }",
                        new byte[0])));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{'descr': '<f4', 'fortran_order': False, 'shape': (3), }"
            + "|header at byte 60: shape (3) is not a tuple; a 1-d shape is written (3,)",
        "{'descr': '<f4', 'fortran_order': False, 'shape': [3], }"
            + "|header at byte 60: shape must be a tuple of integers such as (3, 4), found '['",
        "{'descr': '<f4', 'fortran_order': false, 'shape': (3,), }"
            + "|header at byte 44: fortran_order must be True or False, found 'f'",
        "{'descr': '<f4', 'fortran_order': Falsey, 'shape': (3,), }"
            + "|header at byte 44: fortran_order must be True or False, found 'F'",
        "{'descr': '<f4', 'shape': (3,), }|header at byte 10: the header has no key 'fortran_order'",
        "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"
            + "|header at byte 27: duplicate key 'descr'",
        "{'descr': '<f4' 'fortran_order': False, 'shape': (3,), }"
            + "|header at byte 26: expected ',' or '}' after the value of 'descr', found '\\''",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), } x"
            + "|header at byte 68: unexpected 'x' after the closing '}' of the header dict",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (3,4,-5), }"
            + "|header at byte 10: shape (3, 4, -5) has a negative dimension",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }"
            + "|header at byte 61: dimension 99999999999999999999 is too large (more than 2^63-1)",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 2), }"
            + "|header at byte 10: shape (4611686018427387904, 2) has more than 2^63-1 elements",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904,), }"
            + "|header at byte 10: shape (4611686018427387904,) of '<f8' needs more than 2^63-1 bytes",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }"
            + "|header at byte 10: shape (1099511627776,) of '<f8' needs 8796093022208 data bytes but 0 follow"
            + " the 128-byte header",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (03,), }"
            + "|header at byte 61: dimension 03 has a leading zero, which Python does not allow",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (3x,), }"
            + "|header at byte 62: expected ',' or ')' after the dimension 3, found 'x'",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (,), }"
            + "|header at byte 61: expected a dimension (an integer) in the shape tuple, found ','",
        "{'descr': '<f8, 'fortran_order': False, 'shape': (3,), }"
            + "|header at byte 20: descr '<f8, ' is not a NumPy dtype string; only bool (b1), int8-64 (i1-i8),"
            + " uint8-64 (u1-u8) and float16-64 (f2-f8) are supported",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'x': 1}"
            + "|header at byte 66: unexpected key 'x'; the header has exactly the keys 'descr', 'fortran_order'"
            + " and 'shape'",
        "{'descr': 3, 'fortran_order': False, 'shape': (3,), }"
            + "|header at byte 20: descr must be a string such as '<f4', found '3'",
        "{'descr': '<i3', 'fortran_order': False, 'shape': (3,), }"
            + "|header at byte 20: descr '<i3' has an unsupported item size; only bool (b1), int8-64 (i1-i8),"
            + " uint8-64 (u1-u8) and float16-64 (f2-f8) are supported",
        "{'descr': 'hello', 'fortran_order': False, 'shape': (3,), }"
            + "|header at byte 20: descr 'hello' is not a NumPy dtype string; only bool (b1), int8-64 (i1-i8),"
            + " uint8-64 (u1-u8) and float16-64 (f2-f8) are supported",
        "{'descr': '<f\\n4', 'fortran_order': False, 'shape': (3,), }"
            + "|header at byte 23: unsupported escape sequence in a string (only \\\\, \\' and \\\" are accepted)",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), "
            + "|header at byte 128: expected a quoted key or '}', found the end of the header",
        "[1, 2]|header at byte 10: expected the header to start with '{', found '['",
        "``|header at byte 64: expected the header to start with '{', found the end of the header",
    })
    void refusesWithAPreciseMessage(String dict, String message) throws IOException {
        assertEquals(message, refused("h.npy", Fixtures.npy(dict, new byte[0])));
    }

    @Test
    void preambleErrors() throws IOException {
        byte[] good = Fixtures.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", new byte[4]);
        byte[] b = good.clone();
        b[0] = 'X';
        assertEquals("not a .npy file: it starts with bytes 58 4e 55 4d 50 59, not the magic 93 4e 55 4d 50 59"
                + " (\\x93NUMPY)", refused("magic.npy", b));
        assertEquals("empty: 0 bytes, not a .npy file", refused("empty.npy", new byte[0]));
        assertEquals("truncated: 7 bytes long, too short for the 10-byte .npy preamble (magic, version, header"
                + " length)", refused("short.npy", java.util.Arrays.copyOf(good, 7)));
        b = good.clone();
        b[6] = 2;
        b[7] = 1;
        assertEquals("at byte 6: format version 2.1 is not supported (1.0, 2.0 and 3.0 are)", refused("v.npy", b));
        b = good.clone();
        b[8] = (byte) 0xff;
        b[9] = (byte) 0xff;
        assertEquals("at byte 8: header length 65535 runs past the end of the data: the header would end at byte"
                + " 65545 but there are only 132 bytes", refused("len.npy", b));
        byte[] v2 = Fixtures.npy(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", new byte[4]);
        v2[11] = (byte) 0xff;
        assertEquals("at byte 8: header length 4278190196 is larger than the limit of 1048576 bytes",
                refused("big.npy", v2));
        byte[] v3 = Fixtures.npy(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", new byte[4]);
        v3[30] = (byte) 0xc3;
        assertEquals("header at byte 30: not valid UTF-8 (a version 3.0 header is UTF-8)", refused("utf.npy", v3));
        assertEquals("not a zip archive: 4 bytes is shorter than a zip end record (22 bytes)",
                refused("zip.npy", new byte[] {'P', 'K', 3, 4}));
    }

    @Test
    void acceptsWhatPythonWouldParse() throws IOException {
        String path = write("ok.npy", Fixtures.npy(
                "\t{ \"shape\" :(2 ,3 ,), 'fortran_order':True,'descr':'>i2'}\n\n", new byte[12]));
        try (NpyArrayFile f = NpyArrayFile.open(path)) {
            assertArrayEquals(new long[] {2, 3}, f.shape());
            assertEquals(6, f.elementCount());
            assertEquals(">i2", f.descr());
            assertEquals(true, f.fortranOrder());
        }
        path = write("nonascii.npy", Fixtures.npy(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }",
                new byte[4]));
        try (NpyArrayFile f = NpyArrayFile.open(path)) {
            assertEquals(0, f.shape().length);
            assertEquals(1, f.rows());
        }
    }
}
