package dev.xent.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes the reader with mutated fixtures: every case must either read an array equal to an independent
 * byte-by-byte decoding of the file, or throw an {@link NpyFormatException} whose one-line message starts with the
 * file name, within two seconds and without any other exception (an OutOfMemoryError included). The seed of each
 * case is in its display name; rerun one with {@code -Dtest='NpyFuzzTest#mutated'} and a filter on the name.
 */
class NpyFuzzTest {

    private static final int SEEDS = 3000;
    private static final Duration LIMIT = Duration.ofSeconds(2);

    private static final List<String> NPY = List.of("float32_C_le_r2.npy", "float64_F_be_r3.npy",
            "uint16_C_be_r1.npy", "bool_C_na_r3.npy", "int8_F_na_r2.npy", "float16_F_be_r3.npy", "hdr_v2.npy",
            "hdr_v3.npy", "uint64_F_le_r3.npy", "int32_F_be_r2.npy", "uint32_C_le_r3.npy", "int64_C_be_r0.npy");
    private static final List<String> NPZ = List.of("stored.npz:y_pred", "deflated.npz:fortran",
            "deflated.npz:y_true", "single.npz:arr_0");
    private static final String[] DESCRS = {"<f4", ">f8", "|b1", "<f2", "|u1", "<u8", ">u4", "<i2", "|i1", "=i8",
        "f4", "<u2", ">i4"};

    enum Mutation {
        TRUNCATE, FLIP_HEADER, FLIP_ANY, RANDOM_DICT, HUGE_SHAPE, NEGATIVE_DIMS, BAD_MAGIC, BAD_VERSION,
        HEADER_LENGTH, RANDOM_BYTES, NPZ_FLIP, NPZ_TRUNCATE, NPZ_FIELDS
    }

    @TempDir
    static Path dir;

    static Stream<Arguments> seeds() {
        Mutation[] m = Mutation.values();
        return LongStream.range(0, SEEDS).mapToObj(s -> Arguments.of(s, m[(int) (s % m.length)]));
    }

    @ParameterizedTest(name = "seed={0} {1}")
    @MethodSource("seeds")
    void mutated(long seed, Mutation mutation) throws IOException {
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + 17);
        boolean npz = mutation.name().startsWith("NPZ");
        String base = npz ? NPZ.get(r.nextInt(NPZ.size())) : NPY.get(r.nextInt(NPY.size()));
        String file = base.contains(":") ? base.substring(0, base.indexOf(':')) : base;
        String key = base.contains(":") ? base.substring(base.indexOf(':')) : "";
        byte[] bytes = mutate(mutation, Fixtures.bytes(file), r);
        Path p = dir.resolve("fuzz-" + seed + (npz ? ".npz" : ".npy"));
        Files.write(p, bytes);
        String spec = p + key;
        try {
            assertTimeoutPreemptively(LIMIT, () -> check(spec, bytes, npz));
        } catch (AssertionError e) {
            throw new AssertionError("seed=" + seed + " " + mutation + ": " + e.getMessage(), e);
        }
        Files.delete(p);
    }

    static Stream<Arguments> truncations() throws IOException {
        List<Arguments> out = new ArrayList<>();
        Random r = new Random(42);
        for (String f : List.of("float32_C_le_r2.npy", "float64_F_be_r3.npy", "bool_C_na_r3.npy", "hdr_v2.npy",
                "hdr_v3.npy", "uint64_F_le_r3.npy")) {
            byte[] b = Fixtures.bytes(f);
            int headerEnd = headerEnd(b);
            IntStream.rangeClosed(0, headerEnd).forEach(n -> out.add(Arguments.of(f, n)));
            for (int i = 0; i < 8 && headerEnd < b.length - 1; i++) {
                out.add(Arguments.of(f, headerEnd + 1 + r.nextInt(b.length - headerEnd - 1)));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "truncate {0} to {1} bytes")
    @MethodSource("truncations")
    void truncated(String fixture, int length) throws IOException {
        byte[] bytes = Arrays.copyOf(Fixtures.bytes(fixture), length);
        Path p = dir.resolve("cut-" + length + "-" + fixture);
        Files.write(p, bytes);
        try {
            assertTimeoutPreemptively(LIMIT, () -> check(p.toString(), bytes, false));
        } catch (AssertionError e) {
            throw new AssertionError("truncate " + fixture + " to " + length + ": " + e.getMessage(), e);
        }
        Files.delete(p);
    }

    /** Opens and reads {@code spec}: a clean error, or values equal to the reference decoding of the bytes. */
    private static void check(String spec, byte[] bytes, boolean npz) {
        try (NpyArrayFile f = NpyArrayFile.open(spec)) {
            long[] shape = f.shape();
            byte[] npy = npz ? entryBytes(spec) : bytes;
            Object reference = npy == null ? null : Reference.decode(npy, f.descr(), shape, f.fortranOrder());
            NdArray all;
            try {
                all = f.readAll(1 << 20);
            } catch (NpyFormatException e) {
                Fixtures.assertCleanMessage(e, spec);
                if (reference != null && reference != Reference.INVALID && !npz) {
                    fail("refused a valid array: " + e.getMessage());
                }
                return;
            }
            if (reference == Reference.INVALID) {
                fail("read an array with invalid values (a uint64 above 2^63-1 or a bool byte above 1): " + spec);
            }
            if (reference != null) {
                Reference.assertEqual(reference, all, spec);
            }
            if (shape.length > 0 && f.rows() > 0) {
                Random r = new Random(bytes.length);
                for (long from = 0; from < f.rows(); ) {
                    int count = (int) Math.min(f.rows() - from, 1 + r.nextInt(3));
                    NdArray part = f.readRows(from, count);
                    for (int i = 0; i < part.size(); i++) {
                        Fixtures.assertSameElement(all.slice((int) from, count), part, i, spec);
                    }
                    from += count;
                }
            }
        } catch (NpyFormatException e) {
            Fixtures.assertCleanMessage(e, spec);
        } catch (IOException | RuntimeException | Error e) {
            if (e instanceof AssertionError) {
                throw (AssertionError) e;
            }
            fail("not an NpyFormatException: " + e, e);
        }
    }

    /** The bytes of the entry named by {@code spec}, read independently with java.util.zip, or null. */
    private static byte[] entryBytes(String spec) {
        int colon = spec.lastIndexOf(':');
        try (ZipFile z = new ZipFile(spec.substring(0, colon))) {
            String key = spec.substring(colon + 1);
            ZipEntry e = z.getEntry(key + ".npy");
            if (e == null || e.getSize() > 1 << 22) {
                return null;
            }
            try (InputStream in = z.getInputStream(e)) {
                byte[] b = in.readAllBytes();
                return b.length == e.getSize() ? b : null;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static int headerEnd(byte[] npy) {
        ByteBuffer b = ByteBuffer.wrap(npy).order(ByteOrder.LITTLE_ENDIAN);
        return npy[6] == 1 ? 10 + (b.getShort(8) & 0xffff) : 12 + b.getInt(8);
    }

    // ---- mutations ---------------------------------------------------------------------------------------------

    static byte[] mutate(Mutation m, byte[] base, Random r) {
        byte[] b = base.clone();
        switch (m) {
            case TRUNCATE:
            case NPZ_TRUNCATE:
                return Arrays.copyOf(b, r.nextInt(b.length));
            case FLIP_HEADER:
                return flip(b, r, headerEnd(b));
            case FLIP_ANY:
            case NPZ_FLIP:
                return flip(b, r, r.nextBoolean() ? b.length : Math.min(b.length, 64));
            case RANDOM_DICT:
                return randomDict(r);
            case HUGE_SHAPE:
                return withShape(r, new String[] {"1099511627776", "4294967296", "9223372036854775807",
                    "4611686018427387904", "99999999999999999999999", "2147483648", "65536"});
            case NEGATIVE_DIMS:
                return withShape(r, new String[] {"-1", "-9223372036854775808", "-0", "3", "-99999999999999999999"});
            case BAD_MAGIC:
                b[r.nextInt(6)] ^= (byte) (1 + r.nextInt(255));
                return b;
            case BAD_VERSION:
                b[6 + r.nextInt(2)] = (byte) r.nextInt(256);
                return b;
            case HEADER_LENGTH: {
                ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                int len = headerEnd(b) - (b[6] == 1 ? 10 : 12);
                long v;
                switch (r.nextInt(4)) {
                    case 0: v = len + 1 + r.nextInt(1000); break;
                    case 1: v = Math.max(0, len - 1 - r.nextInt(len)); break;
                    case 2: v = b[6] == 1 ? 0xffff : 0xffffffffL; break;
                    default: v = b[6] == 1 ? r.nextInt(0x10000) : r.nextInt() & 0xffffffffL;
                }
                if (b[6] == 1) {
                    bb.putShort(8, (short) v);
                } else {
                    bb.putInt(8, (int) v);
                }
                return b;
            }
            case RANDOM_BYTES: {
                byte[] x = new byte[r.nextInt(300)];
                r.nextBytes(x);
                if (x.length >= 8 && r.nextBoolean()) {
                    System.arraycopy(NpyHeader.MAGIC, 0, x, 0, 6);
                    x[6] = (byte) (1 + r.nextInt(3));
                    x[7] = 0;
                }
                return x;
            }
            case NPZ_FIELDS: {
                // overwrite a 2-, 4- or 8-byte field near the end (central directory, end records) with an extreme
                int at = Math.max(0, b.length - 1 - r.nextInt(Math.min(b.length, 200)));
                long[] extremes = {0, 0xffff, 0xffffffffL, -1, 1L << 32, r.nextLong(), b.length, 22, 46};
                long v = extremes[r.nextInt(extremes.length)];
                int width = new int[] {2, 4, 8}[r.nextInt(3)];
                for (int i = 0; i < width && at + i < b.length; i++) {
                    b[at + i] = (byte) (v >>> (8 * i));
                }
                return b;
            }
            default:
                throw new AssertionError(m);
        }
    }

    private static byte[] flip(byte[] b, Random r, int range) {
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n && range > 0; i++) {
            int at = r.nextInt(range);
            b[at] = r.nextBoolean() ? (byte) (b[at] ^ (1 << r.nextInt(8))) : (byte) (32 + r.nextInt(96));
        }
        return b;
    }

    private static byte[] withShape(Random r, String[] dims) {
        int rank = 1 + r.nextInt(3);
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < rank; i++) {
            s.append(i == 0 ? "" : ", ").append(r.nextInt(3) == 0 ? Integer.toString(r.nextInt(4))
                    : dims[r.nextInt(dims.length)]);
        }
        s.append(rank == 1 ? ",)" : ")");
        byte[] data = new byte[r.nextInt(64)];
        r.nextBytes(data);
        return Fixtures.npy(1 + r.nextInt(3), "{'descr': '" + DESCRS[r.nextInt(DESCRS.length)]
                + "', 'fortran_order': " + (r.nextBoolean() ? "True" : "False") + ", 'shape': " + s + ", }", data);
    }

    /** A random dict literal: well formed a third of the time (with the right amount of data), garbage otherwise. */
    private static byte[] randomDict(Random r) {
        int version = 1 + r.nextInt(3);
        if (r.nextInt(3) == 0) {
            String descr = DESCRS[r.nextInt(DESCRS.length)];
            int rank = r.nextInt(4);
            long n = 1;
            StringBuilder s = new StringBuilder("(");
            for (int i = 0; i < rank; i++) {
                int d = r.nextInt(5);
                n *= d;
                s.append(i == 0 ? "" : ", ").append(d);
            }
            s.append(rank == 1 ? ",)" : ")");
            int size = Integer.parseInt(descr.substring(descr.length() - 1));
            byte[] data = new byte[(int) (n * size) + (r.nextInt(8) == 0 ? r.nextInt(3) - 1 : 0) & 0xffff];
            r.nextBytes(data);
            String[] entries = {"'descr': '" + descr + "'", "'fortran_order': " + (r.nextBoolean() ? "True" : "False"),
                "'shape': " + s};
            List<String> order = new ArrayList<>(List.of(entries));
            java.util.Collections.shuffle(order, r);
            return Fixtures.npy(version, "{" + String.join(", ", order) + (r.nextBoolean() ? ", }" : "}"), data);
        }
        String[] keys = {"'descr'", "'fortran_order'", "'shape'", "\"shape\"", "'x'", "descr", "''", "'descr",
            "'\u00e9'", "1", "'shape\\''"};
        String[] values = {"'<f4'", "True", "False", "(3,)", "(2, 3)", "()", "(3)", "[('a', '<f4')]", "{'x': 1}",
            "None", "'|O'", "'<U3'", "(1, 2", "((1,),)", "'<f4", "1e3", "-", "(" .repeat(200), "'" + "x".repeat(1000)
            + "'", "'\u00e9\u4e2d'", "(0x10,)", "(1_000,)", "(3L,)", "(+3,)", "(-0,)", "true", "'<f16'", "b'<f4'",
            "(18446744073709551616,)", "'\\x00'", "(,)", "(1,,)"};
        String[] separators = {", ", ",", " ,", "", ",,", ":", " ", "\n", ", }"};
        StringBuilder sb = new StringBuilder(r.nextInt(10) == 0 ? "" : "{");
        int n = r.nextInt(6);
        for (int i = 0; i < n; i++) {
            sb.append(keys[r.nextInt(keys.length)]).append(r.nextInt(10) == 0 ? "" : ": ")
                    .append(values[r.nextInt(values.length)]).append(separators[r.nextInt(separators.length)]);
        }
        sb.append(r.nextInt(10) == 0 ? "" : "}").append(r.nextInt(10) == 0 ? "garbage" : "");
        byte[] data = new byte[r.nextInt(64)];
        r.nextBytes(data);
        return Fixtures.npy(version, sb.toString(), data);
    }

    /** An independent, element-by-element decoder of .npy data, the oracle for successful reads. */
    static final class Reference {
        static final Object INVALID = new Object();

        /** The values of the array in C order (double[] or long[]), or {@link #INVALID}. */
        static Object decode(byte[] npy, String descr, long[] shape, boolean fortran) {
            char order = descr.charAt(0);
            String code = "<>|=".indexOf(order) >= 0 ? descr.substring(1) : descr;
            boolean little = order == '<' || (order != '>' && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN);
            char kind = code.charAt(0);
            int size = Integer.parseInt(code.substring(1));
            long nl = 1;
            for (long d : shape) {
                nl *= d;
            }
            int n = (int) nl;
            int start = npy.length - n * size;
            double[] doubles = kind == 'f' ? new double[n] : null;
            long[] longs = kind == 'f' ? null : new long[n];
            for (int i = 0; i < n; i++) {
                // C-order index i -> multi-index -> offset in the file's order
                long rest = i;
                long offset = 0;
                long[] idx = new long[shape.length];
                for (int k = shape.length - 1; k >= 0; k--) {
                    idx[k] = rest % shape[k];
                    rest /= shape[k];
                }
                if (fortran) {
                    for (int k = shape.length - 1; k >= 0; k--) {
                        offset = offset * shape[k] + idx[k];
                    }
                } else {
                    for (int k = 0; k < shape.length; k++) {
                        offset = offset * shape[k] + idx[k];
                    }
                }
                int at = start + (int) offset * size;
                long bits = 0;
                for (int k = 0; k < size; k++) {
                    int byteIndex = little ? at + k : at + size - 1 - k;
                    bits |= (npy[byteIndex] & 0xffL) << (8 * k);
                }
                if (kind == 'f') {
                    doubles[i] = size == 8 ? Double.longBitsToDouble(bits) : size == 4
                            ? Float.intBitsToFloat((int) bits) : half((int) bits);
                } else if (kind == 'i') {
                    longs[i] = bits << (64 - 8 * size) >> (64 - 8 * size);
                } else {
                    if ((kind == 'b' && bits > 1) || (size == 8 && bits < 0)) {
                        return INVALID;
                    }
                    longs[i] = bits;
                }
            }
            return doubles != null ? doubles : longs;
        }

        private static double half(int h) {
            int e = (h >>> 10) & 0x1f;
            int m = h & 0x3ff;
            double v = e == 0x1f ? (m == 0 ? Double.POSITIVE_INFINITY : Double.NaN)
                    : e == 0 ? Math.scalb((double) m, -24) : Math.scalb((double) (1024 + m), e - 25);
            return (h & 0x8000) != 0 ? -v : v;
        }

        static void assertEqual(Object reference, NdArray actual, String spec) {
            if (reference instanceof double[]) {
                double[] d = (double[]) reference;
                assertEquals(d.length, actual.size(), spec);
                assertTrue(actual.dtype().isFloating(), spec);
                for (int i = 0; i < d.length; i++) {
                    double a = actual.dtype() == DType.FLOAT32 ? actual.getFloat(i) : actual.getDouble(i);
                    if (!(Double.isNaN(a) && Double.isNaN(d[i]))) {
                        assertEquals(Double.doubleToLongBits(d[i]), Double.doubleToLongBits(a), spec + " element "
                                + i);
                    }
                }
            } else {
                long[] l = (long[]) reference;
                assertEquals(l.length, actual.size(), spec);
                for (int i = 0; i < l.length; i++) {
                    assertEquals(l[i], actual.getLong(i), spec + " element " + i);
                }
            }
        }
    }

}
