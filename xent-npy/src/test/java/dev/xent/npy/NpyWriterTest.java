package dev.xent.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * NpyWriter writes exactly the bytes of np.save (golden files from NumPy), reads back through NpyArrayFile, and
 * leaves nothing behind when the element count is wrong.
 *
 * <p>To check by hand that NumPy reads the output: run with {@code -Dxent.npy.writerOut=DIR}, then
 * {@code /work/venv/bin/python tools/npy-fixtures/generate.py --check-writer DIR}.
 */
class NpyWriterTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"writer_f4_r2.npy", "writer_f8_r1.npy", "writer_i4_r0.npy", "writer_i8_r3.npy",
        "writer_f4_empty.npy"})
    void sameBytesAsNumPy(String fixture) throws IOException {
        NdArray a;
        try (NpyArrayFile f = NpyArrayFile.open(Fixtures.dir().resolve(fixture).toString())) {
            a = f.readAll(1000);
        }
        Path out = dir.resolve(fixture);
        NpyWriter.write(out, a);
        assertArrayEquals(Fixtures.bytes(fixture), Files.readAllBytes(out));
    }

    @Test
    void headerLikeNumPyForAHugeFirstAxis() throws IOException {
        byte[] numpy = Fixtures.bytes("writer_f4_long_axis.npy");
        assertArrayEquals(numpy, NpyWriter.header(DType.FLOAT32, new long[] {123456789012L, 0}));
        try (NpyWriter w = NpyWriter.create(dir.resolve("long.npy"), DType.FLOAT32, new long[] {123456789012L, 0})) {
            w.write(NdArray.of(new float[0]));
        }
        assertArrayEquals(numpy, Files.readAllBytes(dir.resolve("long.npy")));
    }

    @Test
    void headerVersion2WhenVersion1CannotHoldIt() throws IOException {
        long[] shape = new long[64];
        java.util.Arrays.fill(shape, 1);
        shape[0] = 3;
        byte[] h = NpyWriter.header(DType.FLOAT64, shape);
        assertEquals(1, h[6]); // 64 dimensions still fit version 1.0
        assertEquals(0, h.length % 64);
        assertEquals('\n', h[h.length - 1]);
        NdArray a = NdArray.of(new double[] {1, 2, 3}, 0, new int[] {3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
            1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
            1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
        Path p = dir.resolve("rank64.npy");
        NpyWriter.write(p, a);
        try (NpyArrayFile f = NpyArrayFile.open(p.toString())) {
            Fixtures.assertSameArray(a, f.readAll(3), "rank 64");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void chunkedRoundTrip(DType dtype) throws IOException {
        int rows = 100_003; // 3 columns: over 1 MiB for every dtype, so several buffer fills per chunk
        NdArray a = random(dtype, rows * 3, new Random(dtype.ordinal()));
        Path p = dir.resolve(dtype + ".npy");
        try (NpyWriter w = NpyWriter.create(p, dtype, new long[] {rows, 3})) {
            for (int from = 0; from < rows; from += 70_001) {
                w.write(a.reshape(rows, 3).slice(from, Math.min(70_001, rows - from)));
            }
        }
        try (NpyArrayFile f = NpyArrayFile.open(p.toString())) {
            assertEquals(ElementType.of(dtype).kind + "" + ElementType.of(dtype).size, f.descr().substring(1));
            Fixtures.assertSameArray(a.reshape(rows, 3), f.readAll(rows * 3L), dtype.toString());
        }
        assertEquals(List.of(p), listDir());
    }

    @Test
    void bufferBackedChunksAndConversions() throws IOException {
        FloatBuffer direct = ByteBuffer.allocateDirect(40).order(ByteOrder.BIG_ENDIAN).asFloatBuffer();
        for (int i = 0; i < 10; i++) {
            direct.put(i, i / 4f);
        }
        direct.position(2);
        Path p = dir.resolve("conv.npy");
        try (NpyWriter w = NpyWriter.create(p, DType.FLOAT32, new long[] {12})) {
            w.write(NdArray.of(direct, 8));              // 0.5 .. 2.25
            w.write(NdArray.of(new double[] {0.1, Double.NaN}));   // rounded to float
            w.write(NdArray.of(new long[] {1L << 40, -3})); // to float
        }
        try (NpyArrayFile f = NpyArrayFile.open(p.toString())) {
            float[] got = f.readAll(100).toFloatArray();
            assertArrayEquals(new float[] {0.5f, 0.75f, 1f, 1.25f, 1.5f, 1.75f, 2f, 2.25f, 0.1f, Float.NaN,
                0x1p40f, -3f}, got);
        }
        Path q = dir.resolve("int.npy");
        try (NpyWriter w = NpyWriter.create(q, DType.INT64, new long[] {2, 2})) {
            w.write(NdArray.of(new int[] {1, -2}));
            w.write(NdArray.of(new long[] {Long.MIN_VALUE, Long.MAX_VALUE}));
        }
        try (NpyArrayFile f = NpyArrayFile.open(q.toString())) {
            NdArray all = f.readAll(4);
            assertEquals(List.of(1L, -2L, Long.MIN_VALUE, Long.MAX_VALUE),
                    List.of(all.getLong(0), all.getLong(1), all.getLong(2), all.getLong(3)));
        }
    }

    @Test
    void refusesLossyIntegerConversionsWithoutWriting() throws IOException {
        Path p = dir.resolve("i4.npy");
        try (NpyWriter w = NpyWriter.create(p, DType.INT32, new long[] {2})) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> w.write(NdArray.of(new long[] {1, 1L << 31})));
            assertEquals(p + ": int64 value 2147483648 at index 1 of the chunk is outside the int32 range of the"
                    + " file", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> w.write(NdArray.of(new float[] {1, 2})));
            assertEquals(p + ": a float32 chunk cannot be written to a int32 file; convert it first", e.getMessage());
            w.write(NdArray.of(new long[] {5, -7})); // still usable: nothing was written
        }
        try (NpyArrayFile f = NpyArrayFile.open(p.toString())) {
            assertArrayEquals(new float[] {5, -7}, f.readAll(2).toFloatArray());
        }
    }

    @Test
    void wrongCountLeavesNothingAndKeepsTheOldFile() throws IOException {
        Path p = dir.resolve("out.npy");
        Files.write(p, "old".getBytes(StandardCharsets.US_ASCII));
        NpyWriter w = NpyWriter.create(p, DType.FLOAT32, new long[] {3, 4});
        w.write(NdArray.of(new float[5]));
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> w.write(NdArray.of(new float[8])));
        assertEquals(p + ": chunk of 8 elements would bring the count to 13, more than the 12 that shape (3, 4)"
                + " holds", tooMany.getMessage());
        IllegalStateException e = assertThrows(IllegalStateException.class, w::close);
        assertEquals(p + ": 5 elements were written but shape (3, 4) holds 12; the file was not written",
                e.getMessage());
        assertEquals("old", Files.readString(p));
        assertEquals(List.of(p), listDir());
        w.close(); // twice: nothing
        assertThrows(IllegalStateException.class, () -> w.write(NdArray.of(new float[1])));
    }

    @Test
    void exceptionInsideTryWithResourcesLeavesNothing() throws IOException {
        Path p = dir.resolve("partial.npy");
        IOException thrown = assertThrows(IOException.class, () -> {
            try (NpyWriter w = NpyWriter.create(p, DType.FLOAT64, new long[] {4})) {
                w.write(NdArray.of(new double[] {1, 2}));
                throw new IOException("input failed");
            }
        });
        assertEquals("input failed", thrown.getMessage());
        assertEquals(1, thrown.getSuppressed().length); // the count check from close()
        assertFalse(Files.exists(p));
        assertEquals(List.of(), listDir());
    }

    @Test
    void refusesBadShapes() {
        assertEquals("shape[1] (-2) must be >= 0", assertThrows(IllegalArgumentException.class,
                () -> NpyWriter.create(dir.resolve("a.npy"), DType.FLOAT32, new long[] {3, -2})).getMessage());
        assertEquals("shape (4611686018427387904, 2) has more than 2^63-1 bytes of data",
                assertThrows(IllegalArgumentException.class, () -> NpyWriter.create(dir.resolve("a.npy"),
                        DType.FLOAT32, new long[] {1L << 62, 2})).getMessage());
    }

    @Test
    void refusesMissingDirectoriesAndDirectoryTargets() throws IOException {
        Path missing = dir.resolve("no/such/out.npy");
        assertEquals(missing + ": the directory " + missing.getParent() + " does not exist",
                assertThrows(java.nio.file.NoSuchFileException.class,
                        () -> NpyWriter.create(missing, DType.FLOAT32, new long[] {1})).getMessage());
        Path sub = Files.createDirectory(dir.resolve("sub"));
        assertEquals(sub + ": is a directory", assertThrows(java.nio.file.FileSystemException.class,
                () -> NpyWriter.write(sub, NdArray.of(new float[] {1}))).getMessage());
        assertTrue(Files.isDirectory(sub));
    }

    /** With -Dxent.npy.writerOut=DIR, leaves files and expected.tsv for generate.py --check-writer DIR. */
    @Test
    void filesForNumPyCheck() throws IOException {
        String out = System.getProperty("xent.npy.writerOut");
        if (out == null) {
            return;
        }
        Path d = Files.createDirectories(Path.of(out));
        List<String> expected = new ArrayList<>();
        Random r = new Random(7);
        int[][] shapes = {{}, {5}, {3, 4}, {2, 3, 4}, {0, 3}, {70_000, 5}};
        for (DType t : DType.values()) {
            for (int[] s : shapes) {
                int n = 1;
                for (int x : s) {
                    n *= x;
                }
                NdArray a = random(t, n, r).reshape(s);
                String name = t.kerasName() + "_r" + s.length + "_" + n + ".npy";
                NpyWriter.write(d.resolve(name), a);
                StringBuilder values = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    values.append(i == 0 ? "" : " ").append(t.isFloating() ? Double.toString(a.getDouble(i))
                            : Long.toString(a.getLong(i)));
                }
                String shape = Stream.of(a.shape()).flatMapToInt(java.util.Arrays::stream).mapToObj(Integer::toString)
                        .reduce((x, y) -> x + "," + y).orElse("");
                expected.add(name + "\t" + t.kerasName() + "\t" + shape + "\t" + values.toString()
                        .replace("Infinity", "inf").replace("NaN", "nan"));
            }
        }
        Files.write(d.resolve("expected.tsv"), expected, StandardCharsets.UTF_8);
    }

    static NdArray random(DType dtype, int n, Random r) {
        switch (dtype) {
            case FLOAT32: {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = i % 97 == 5 ? Float.NaN : (float) r.nextGaussian() * 100;
                }
                return NdArray.of(a);
            }
            case FLOAT64: {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = i % 89 == 3 ? Double.NEGATIVE_INFINITY : r.nextGaussian() * 1e10;
                }
                return NdArray.of(a);
            }
            case INT32: {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = r.nextInt();
                }
                return NdArray.of(a);
            }
            default: {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = r.nextLong() >> r.nextInt(64);
                }
                return NdArray.of(a);
            }
        }
    }

    private List<Path> listDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().collect(java.util.stream.Collectors.toList());
        }
    }
}
