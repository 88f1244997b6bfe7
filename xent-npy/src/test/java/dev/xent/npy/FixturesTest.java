package dev.xent.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.io.IOException;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fixture written by real NumPy (tools/npy-fixtures/generate.py) reads as the values NumPy says, whole and
 * in chunks of rows; every fixture that must be refused gives the expected one-line message.
 */
class FixturesTest {

    static Stream<Arguments> fixtures() throws IOException {
        return Fixtures.manifest().stream().map(line -> Arguments.of(line[0], line));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void readsAsNumPySays(String spec, String[] line) throws IOException {
        String path = Fixtures.dir().resolve(spec).toString();
        if (line[1].equals("error")) {
            NpyFormatException e = assertThrows(NpyFormatException.class, () -> {
                try (NpyArrayFile f = NpyArrayFile.open(path)) {
                    f.readAll(1_000_000);
                }
            });
            Fixtures.assertCleanMessage(e, path);
            assertTrue(e.getMessage().contains(line[2]), () -> "expected '" + line[2] + "' in: " + e.getMessage());
            return;
        }
        try (NpyArrayFile f = NpyArrayFile.open(path)) {
            assertEquals(path, f.name());
            assertEquals(line[2], f.descr());
            assertEquals(line[3].equals("1"), f.fortranOrder());
            long[] shape = line[4].isEmpty() ? new long[0]
                    : Arrays.stream(line[4].split(",")).mapToLong(Long::parseLong).toArray();
            assertArrayEquals(shape, f.shape());
            assertEquals(shape.length == 0 ? 1 : shape[0], f.rows());
            DType natural = DType.fromKerasName(line[5]);
            assertEquals(natural, f.naturalDType());
            assertEquals(natural.isFloating(), f.isFloating());
            long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            if (Arrays.stream(shape).anyMatch(d -> d > Integer.MAX_VALUE)) {
                return; // only the header is checked (writer_f4_long_axis.npy has 0 elements but a huge first axis)
            }
            NdArray expected = expected(natural, line[6], (int) n, shape);
            NdArray all = f.readAll(n);
            Fixtures.assertSameArray(expected, all, spec);
            for (int chunk : new int[] {1, 2, 3, 1000}) {
                Fixtures.assertChunksMatch(f, all, chunk);
            }
            if (f.rows() > 1) { // backwards (the last 20 rows), which restarts inflation for deflated entries
                for (long row = f.rows() - 1; row >= Math.max(0, f.rows() - 20); row--) {
                    NdArray part = f.readRows(row, 1);
                    for (int i = 0; i < part.size(); i++) {
                        Fixtures.assertSameElement(all.slice((int) row, 1), part, i, spec + " row " + row);
                    }
                }
            }
        }
    }

    private static NdArray expected(DType natural, String values, int n, long[] shape) {
        int[] s = Arrays.stream(shape).mapToInt(d -> (int) d).toArray();
        String[] v = values.isEmpty() ? new String[0] : values.split(" ");
        boolean mod = values.startsWith("@mod ");
        if (!mod) {
            assertEquals(n, v.length, "values in the manifest");
        }
        switch (natural) {
            case FLOAT32: {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (float) parseDouble(v[i]);
                }
                return NdArray.of(a, 0, s);
            }
            case FLOAT64: {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = parseDouble(v[i]);
                }
                return NdArray.of(a, 0, s);
            }
            case INT32: {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = mod ? i % Integer.parseInt(v[1]) : Integer.parseInt(v[i]);
                }
                return NdArray.of(a, 0, s);
            }
            default: {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = mod ? i % Integer.parseInt(v[1]) : Long.parseLong(v[i]);
                }
                return NdArray.of(a, 0, s);
            }
        }
    }

    private static double parseDouble(String s) {
        switch (s) {
            case "nan": return Double.NaN;
            case "inf": return Double.POSITIVE_INFINITY;
            case "-inf": return Double.NEGATIVE_INFINITY;
            default: return Double.parseDouble(s);
        }
    }
}
