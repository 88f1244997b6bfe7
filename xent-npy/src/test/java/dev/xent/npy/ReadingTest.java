package dev.xent.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening by spec, .npz specifics, argument and lifecycle errors, memory limits. */
class ReadingTest {

    @TempDir
    Path dir;

    private static String fixture(String name) {
        return Fixtures.dir().resolve(name).toString();
    }

    private NpyFormatException refused(String spec) {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> {
            try (NpyArrayFile f = NpyArrayFile.open(spec)) {
                f.readAll(Long.MAX_VALUE);
            }
        });
        Fixtures.assertCleanMessage(e, spec);
        return e;
    }

    @Test
    void missingFilesAndDirectories() {
        String missing = dir.resolve("nope.npy").toString();
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> NpyArrayFile.open(missing));
        assertEquals(missing + ": no such file", e.getMessage());
        String archive = dir.resolve("nope.npz") + ":y_true";
        e = assertThrows(NoSuchFileException.class, () -> NpyArrayFile.open(archive));
        assertEquals(archive + ": no such file " + dir.resolve("nope.npz"), e.getMessage());
        assertEquals(dir + ": is a directory, not a .npy file", refused(dir.toString()).getMessage());
        assertEquals("\\u0000: not a valid path (Nul character not allowed)",
                assertThrows(NpyFormatException.class, () -> NpyArrayFile.open("\0")).getMessage());
    }

    @Test
    void keysWithOrWithoutSuffixAndCaseOfTheExtension() throws IOException {
        Path upper = dir.resolve("DATA.NPZ");
        Files.copy(Fixtures.dir().resolve("stored.npz"), upper);
        for (String key : new String[] {"y_true", "y_true.npy"}) {
            try (NpyArrayFile f = NpyArrayFile.open(upper + ":" + key)) {
                assertArrayEquals(new long[] {4}, f.shape());
                assertEquals(DType.INT64, f.naturalDType());
            }
        }
        assertEquals(upper + ":y: no array 'y' in the archive (keys: y_true, y_pred)",
                refused(upper + ":y").getMessage());
    }

    @Test
    void nestedNamesEmptyArchivesAndDirectoryEntries() throws IOException {
        byte[] npy = Fixtures.bytes("int8_C_na_r1.npy");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("sub/", new byte[0]);
        entries.put("sub/x.npy", npy);
        Path zip = dir.resolve("nested.npz");
        Files.write(zip, Zips.zip(entries, true));
        try (NpyArrayFile f = NpyArrayFile.open(zip + ":sub/x")) {
            assertArrayEquals(new long[] {5}, f.shape());
        }
        assertTrue(refused(zip.toString()).getMessage().endsWith("is an .npz archive with 2 entries; name one"
                + " array as " + zip + ":KEY (keys: sub/, sub/x)"));
        Path empty = dir.resolve("empty.npz");
        Files.write(empty, Zips.zip(Map.of(), false));
        assertEquals(empty + ":a: no array 'a' in the archive (the archive is empty)",
                refused(empty + ":a").getMessage());
    }

    @Test
    void damagedZips() throws IOException {
        byte[] npy = Fixtures.bytes("float64_C_le_r3.npy");
        byte[] zip = Zips.zip(Map.of("a.npy", npy), true);
        int cd = Zips.centralRecord(zip, "a.npy");
        Path p = dir.resolve("crc.npz");
        byte[] bad = zip.clone();
        bad[cd + 16] ^= 1; // CRC-32
        Files.write(p, bad);
        assertTrue(refused(p + ":a").getMessage().startsWith(p + ":a: zip entry 'a.npy': the CRC-32 of its "));
        bad = zip.clone();
        bad[cd + 8] |= 1; // encrypted
        Files.write(p, bad);
        assertEquals(p + ":a: zip entry 'a.npy' is encrypted, which is not supported", refused(p + ":a").getMessage());
        bad = zip.clone();
        bad[cd + 10] = 14; // LZMA
        Files.write(p, bad);
        assertTrue(refused(p + ":a").getMessage().startsWith(p + ":a: zip entry 'a.npy' uses compression method 14;"));
        Files.write(p, java.util.Arrays.copyOf(zip, zip.length - 30));
        assertEquals(p + ":a: not a zip archive or truncated: no end-of-central-directory record in the last "
                + (zip.length - 30) + " bytes", refused(p + ":a").getMessage());
        Files.write(p, npy);
        assertTrue(refused(p + ":a").getMessage().startsWith(p + ":a: not a zip archive or truncated"));
    }

    @Test
    void deflatedStreamsForwardAndRestartsBackward() throws IOException {
        String spec = fixture("deflated.npz") + ":big";
        try (NpyArrayFile f = NpyArrayFile.open(spec)) {
            assertEquals(100_000, f.rows());
            for (long from : new long[] {0, 5, 40_000, 99_990, 10, 77_777}) { // forward, then back twice
                NdArray part = f.readRows(from, 10);
                for (int i = 0; i < 10; i++) {
                    assertEquals((from + i) % 7, part.getLong(i), spec + " row " + (from + i));
                }
            }
        }
    }

    @Test
    void deflatedFortranUsesATemporaryFileDeletedOnClose() throws IOException {
        Set<Path> before = tempFiles();
        NdArray expected;
        try (NpyArrayFile f = NpyArrayFile.open(fixture("deflated.npz") + ":fortran")) {
            expected = f.readAll(10_000);
            assertEquals(1, tempFiles().size() - before.size());
            Fixtures.assertChunksMatch(f, expected, 7);
        }
        assertEquals(before, tempFiles());
        try (NpyArrayFile f = NpyArrayFile.open(fixture("deflated.npz") + ":fortran")) {
            Fixtures.assertSameArray(expected.slice(299, 1), f.readRows(299, 1), "last row");
        }
        try (NpyArrayFile c = NpyArrayFile.open(fixture("float64_C_le_r2.npy"));
                NpyArrayFile fo = NpyArrayFile.open(fixture("float64_F_le_r2.npy"))) {
            Fixtures.assertSameArray(c.readAll(100), fo.readAll(100), "C vs F");
        }
    }

    @Test
    void fortranChunksOfEverySizeMatchAnIndependentDecoding() throws IOException {
        int rows = 1000;
        long[] shape = {rows, 3, 5};
        byte[] data = new byte[rows * 15 * 8];
        new java.util.Random(3).nextBytes(data);
        for (int i = 0; i < data.length; i += 8) {
            data[i] &= 0x3f; // big-endian doubles: keep the exponent away from NaN so values compare simply
        }
        byte[] npy = Fixtures.npy("{'descr': '>f8', 'fortran_order': True, 'shape': (1000, 3, 5), }", data);
        Path p = dir.resolve("f.npy");
        Files.write(p, npy);
        double[] expected = (double[]) NpyFuzzTest.Reference.decode(npy, ">f8", shape, true);
        try (NpyArrayFile f = NpyArrayFile.open(p.toString())) {
            for (int count : new int[] {1, 7, 124, 125, 126, 500, 999, 1000}) {
                for (long from : new long[] {0, rows - count, (rows - count) / 3}) {
                    NdArray part = f.readRows(from, count);
                    assertArrayEquals(new int[] {count, 3, 5}, part.shape());
                    for (int i = 0; i < part.size(); i++) {
                        assertEquals(expected[(int) from * 15 + i], part.getDouble(i), "count " + count + " from "
                                + from + " element " + i);
                    }
                }
            }
        }
    }

    private static Set<Path> tempFiles() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("xent-npy-")).collect(Collectors.toSet());
        }
    }

    @Test
    void argumentsAndLifecycle() throws IOException {
        NpyArrayFile f = NpyArrayFile.open(fixture("float32_C_le_r2.npy"));
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> f.readRows(2, 2));
        assertEquals("rows [2, 4) of " + f.name() + " are outside [0, 3)", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> f.readRows(-1, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> f.readRows(0, -1));
        assertEquals(0, f.readRows(3, 0).size());
        assertArrayEquals(new int[] {0, 4}, f.readRows(3, 0).shape());
        NpyFormatException tooBig = assertThrows(NpyFormatException.class, () -> f.readAll(11));
        assertEquals(f.name() + ": shape (3, 4) has 12 elements, more than the limit of 11 for reading the whole"
                + " array at once", tooBig.getMessage());
        assertThrows(IllegalArgumentException.class, () -> f.readAll(-1));
        assertEquals("NpyArrayFile(" + f.name() + ", <f4, (3, 4))", f.toString());
        f.close();
        f.close();
        assertThrows(IllegalStateException.class, () -> f.readRows(0, 1));
        try (NpyArrayFile s = NpyArrayFile.open(fixture("int16_C_be_r0.npy"))) {
            assertEquals(0, s.readRows(0, 1).rank());
            assertEquals(1, s.readRows(0, 1).size());
        }
    }

    @Test
    void oversizedChunksAreCleanErrorsNotOutOfMemory() throws IOException {
        Path p = sparse("wide.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2000000000), }",
                16_000_000_000L);
        try (NpyArrayFile f = NpyArrayFile.open(p.toString())) {
            NpyFormatException e = assertThrows(NpyFormatException.class, () -> f.readRows(0, 1));
            assertEquals(p + ": rows [0, 1) need 2000000000 elements (7629 MiB) and the Java heap has no room for"
                    + " them; read fewer rows at a time or give Java more heap (-Xmx)", e.getMessage());
            e = assertThrows(NpyFormatException.class, () -> f.readRows(0, 2));
            assertEquals(p + ": rows [0, 2) hold 4000000000 elements, more than a Java array can hold (2147483639);"
                    + " read fewer rows at a time", e.getMessage());
        }
    }

    /** A sparse .npy file: the header, then {@code dataBytes} of zeros that take no disk space. */
    Path sparse(String name, String dict, long dataBytes) throws IOException {
        Path p = dir.resolve(name);
        byte[] header = Fixtures.npy(dict, new byte[0]);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.write(header);
            f.setLength(header.length + dataBytes);
        }
        return p;
    }
}
