package dev.xent.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.ndarray.NdArray;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Mapped reads (C-order f4/f8/i4/i8 in native byte order) return exactly what the copying path returns. */
class MappingTest {

    private static final Set<String> BULK = Set.of("<f4", "<f8", "<i4", "<i8", "=f4", "=f8", "=i4", "=i8");

    @TempDir
    Path dir;

    static Stream<String> validFixtures() throws IOException {
        return Fixtures.manifest().stream().filter(l -> l[1].equals("ok")).map(l -> l[0]);
    }

    /** Every valid fixture, whole and in chunks: mapped (whatever the size) equals copied, bit for bit. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("validFixtures")
    void fixturesMappedEqualCopied(String spec) throws IOException {
        String path = Fixtures.dir().resolve(spec).toString();
        try (NpyArrayFile mapped = NpyArrayFile.open(path).mappingAll();
             NpyArrayFile copied = NpyArrayFile.open(path).copying()) {
            long n = 1;
            for (long d : mapped.shape()) {
                n *= d;
            }
            if (n > 1_000_000 || mapped.rows() > Integer.MAX_VALUE) {
                return;
            }
            boolean bulk = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN && BULK.contains(mapped.descr())
                    && !(mapped.fortranOrder() && nonTrivial(mapped.shape())) && !spec.startsWith("deflated.npz");
            assertEquals(bulk, mapped.mapped(), spec + " mapped");
            assertFalse(copied.mapped());
            NdArray all = copied.readAll(n);
            NdArray m = mapped.readAll(n);
            Fixtures.assertSameArray(all, m, spec);
            if (bulk && n > 0 && mapped.shape().length > 0) {
                assertNotNull(m.buffer(), spec + " is a view");
            }
            for (int chunk : new int[] {1, 3, 1000}) {
                Fixtures.assertChunksMatch(mapped, all, chunk);
            }
        }
    }

    private static boolean nonTrivial(long[] shape) {
        int big = 0;
        for (long d : shape) {
            big += d > 1 ? 1 : 0;
        }
        return big >= 2;
    }

    /** Random shapes, types and byte orders over the default threshold (64 KiB): views where they apply. */
    @Test
    void randomArraysAboveTheThreshold() throws IOException {
        Random r = new Random(7);
        String[] descrs = {"<f4", "<f8", "<i4", "<i8", ">f4", ">i8", "<f2", "<u4", "|u1"};
        for (int t = 0; t < 40; t++) {
            String descr = descrs[t % descrs.length];
            int item = Integer.parseInt(descr.substring(2));
            int rows = 1 + r.nextInt(3000);
            int cols = 1 + r.nextInt(64);
            boolean fortran = r.nextInt(4) == 0;
            byte[] data = new byte[rows * cols * item];
            r.nextBytes(data);
            if (descr.startsWith("<i") || descr.startsWith("<f")) {
                // any bits are valid for these
            } else if (descr.equals("|u1") || descr.equals("<u4")) {
                // unsigned, always valid
            }
            Path p = dir.resolve("r" + t + ".npy");
            Files.write(p, Fixtures.npy("{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False")
                    + ", 'shape': (" + rows + ", " + cols + "), }", data));
            try (NpyArrayFile mapped = NpyArrayFile.open(p.toString());
                 NpyArrayFile copied = NpyArrayFile.open(p.toString()).copying()) {
                boolean bulk = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN && BULK.contains(descr)
                        && !(fortran && rows > 1 && cols > 1);
                assertEquals(bulk, mapped.mapped(), descr);
                NdArray all = copied.readAll(Long.MAX_VALUE);
                NdArray m = mapped.readAll(Long.MAX_VALUE);
                Fixtures.assertSameArray(all, m, p.toString());
                assertEquals(bulk && (long) data.length >= NpyArrayFile.MIN_MAP_BYTES, m.buffer() != null,
                        p + " view");
                int chunk = 1 + r.nextInt(rows);
                Fixtures.assertChunksMatch(mapped, all, chunk);
            }
        }
    }

    @Test
    void propertyTurnsMappingOffAndViewsOutliveClose() throws IOException {
        float[] values = new float[100_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5f - 7;
        }
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        Path p = dir.resolve("f.npy");
        Files.write(p, Fixtures.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 100), }", b.array()));
        NdArray view;
        try (NpyArrayFile f = NpyArrayFile.open(p.toString())) {
            assertTrue(f.mapped());
            view = f.readRows(200, 500);
            assertArrayEquals(new int[] {500, 100}, view.shape());
            assertNotNull(view.buffer());
        }
        for (int i = 0; i < view.size(); i++) {
            assertEquals(values[200 * 100 + i], view.getFloat(i)); // still readable after close
        }
        String old = System.getProperty("xent.npy.mmap");
        System.setProperty("xent.npy.mmap", "false");
        try (NpyArrayFile f = NpyArrayFile.open(p.toString())) {
            assertFalse(f.mapped());
            NdArray copy = f.readRows(200, 500);
            assertNull(copy.buffer());
            Fixtures.assertSameArray(copy, view, "copy vs view");
        } finally {
            if (old == null) {
                System.clearProperty("xent.npy.mmap");
            } else {
                System.setProperty("xent.npy.mmap", old);
            }
        }
    }

    /** A file cut short after opening: the same one-line error as the copying path, not a crash. */
    @Test
    void fileTruncatedAfterOpening() throws IOException {
        Path p = dir.resolve("cut.npy");
        byte[] npy = Fixtures.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000, 20), }",
                new byte[1000 * 20 * 8]);
        Files.write(p, npy);
        try (NpyArrayFile f = NpyArrayFile.open(p.toString())) {
            try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
                raf.setLength(npy.length - 1000);
            }
            NpyFormatException e = assertThrows(NpyFormatException.class, () -> f.readRows(500, 500));
            Fixtures.assertCleanMessage(e, p.toString());
            assertTrue(e.getMessage().contains("the file ended at byte"), e.getMessage());
        }
    }

    /** A stored .npz entry is mapped in place. */
    @Test
    void storedNpzEntryIsMapped() throws IOException {
        String path = Fixtures.dir().resolve("stored.npz") + ":y_pred";
        try (NpyArrayFile mapped = NpyArrayFile.open(path).mappingAll();
             NpyArrayFile copied = NpyArrayFile.open(path).copying()) {
            assertTrue(mapped.mapped());
            NdArray m = mapped.readAll(100);
            assertNotNull(m.buffer());
            Fixtures.assertSameArray(copied.readAll(100), m, path);
        }
    }
}
