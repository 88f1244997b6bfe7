package dev.xent.npy;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import dev.xent.ndarray.NdArray;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes {@code .npz} reading with random byte mutations of small valid archives (stored, deflated and mixed
 * entries; C and Fortran order; an empty array and a scalar): every case must either give the original array
 * (dtype, shape and bits), read whole and then by chunks in order, or fail with an {@link NpyFormatException} whose
 * one-line message starts with the spec; never another exception, an OutOfMemoryError or a hang. With CRC-32
 * checked on every entry, a mutation that changes an entry's bytes cannot give a different array. Seeded (the seed
 * of a failing case is in the message); all cases together are bounded to 10 seconds.
 */
class NpzFuzzTest {

    private static final int CASES = 2500;
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final List<String> KEYS = List.of("x", "f", "e", "s");

    @TempDir
    Path dir;

    private volatile String current = "";

    /** The entries: float32 C (7, 3), int16 Fortran (5, 2), float64 (0, 3), a uint8 scalar. */
    static Map<String, byte[]> entries() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        ByteBuffer x = ByteBuffer.allocate(7 * 3 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 21; i++) {
            x.putFloat(i * 0.25f - 1);
        }
        m.put("x.npy", Fixtures.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (7, 3), }", x.array()));
        ByteBuffer f = ByteBuffer.allocate(10 * 2).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < 10; i++) {
            f.putShort((short) (i * 1000 - 3000));
        }
        m.put("f.npy", Fixtures.npy("{'descr': '>i2', 'fortran_order': True, 'shape': (5, 2), }", f.array()));
        m.put("e.npy", Fixtures.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }", new byte[0]));
        m.put("s.npy", Fixtures.npy("{'descr': '|u1', 'fortran_order': False, 'shape': (), }", new byte[] {42}));
        return m;
    }

    /** The entries zipped: 0 stored, 1 deflated, 2 alternating. */
    static byte[] archive(int kind) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            int i = 0;
            for (Map.Entry<String, byte[]> e : entries().entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                if (kind == 0 || (kind == 2 && i % 2 == 0)) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(e.getValue().length);
                    entry.setCompressedSize(e.getValue().length);
                    entry.setCrc(crc.getValue());
                }
                z.putNextEntry(entry);
                z.write(e.getValue());
                z.closeEntry();
                i++;
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void mutatedArchives() throws IOException {
        byte[][] archives = {archive(0), archive(1), archive(2)};
        Map<String, NdArray> expected = new LinkedHashMap<>();
        Path valid = dir.resolve("valid.npz");
        Files.write(valid, archives[0]);
        for (String key : KEYS) {
            try (NpyArrayFile f = NpyArrayFile.open(valid + ":" + key)) {
                expected.put(key, f.readAll(1 << 20));
            }
        }
        assertTimeoutPreemptively(LIMIT, () -> {
            for (int seed = 0; seed < CASES; seed++) {
                SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 5);
                byte[] base = archives[r.nextInt(archives.length)];
                byte[] bytes = mutate(base, r);
                String key = KEYS.get(r.nextInt(KEYS.size()));
                Path p = dir.resolve("fuzz-" + seed + ".npz");
                Files.write(p, bytes);
                String spec = p + ":" + key;
                current = "seed " + seed + ", " + spec;
                check(spec, expected.get(key), r.nextBoolean(), seed);
                Files.delete(p);
            }
        }, () -> "timed out at " + current);
    }

    /** A clean error, or the original array read whole and by chunks in order. */
    private static void check(String spec, NdArray expected, boolean mapAll, int seed) {
        try (NpyArrayFile f = NpyArrayFile.open(spec)) {
            if (mapAll) {
                f.mappingAll();
            }
            NdArray all = f.readAll(1 << 20);
            Fixtures.assertSameArray(expected, all, "seed " + seed + " " + spec);
            if (f.shape().length > 0) {
                Fixtures.assertChunksMatch(f, all, 1 + seed % 3);
            }
        } catch (NpyFormatException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith(spec + ": ") || e.getMessage().contains("\n")
                    || e.getMessage().contains("unexpected error")) {
                fail("seed " + seed + ": not a clean one-line message naming " + spec + ": " + e, e);
            }
        } catch (IOException | RuntimeException | Error e) {
            if (e instanceof AssertionError) {
                throw (AssertionError) e;
            }
            fail("seed " + seed + " " + spec + ": not an NpyFormatException: " + e, e);
        }
    }

    /** One to three mutations: bit flips, random bytes, extreme field values, truncation, cuts and repeats. */
    static byte[] mutate(byte[] base, SplittableRandom r) {
        byte[] b = base.clone();
        int n = 1 + r.nextInt(3);
        for (int k = 0; k < n && b.length > 0; k++) {
            switch (r.nextInt(6)) {
                case 0: { // flip bits
                    int flips = 1 + r.nextInt(4);
                    for (int i = 0; i < flips; i++) {
                        b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                    }
                    break;
                }
                case 1: { // random bytes
                    int at = r.nextInt(b.length);
                    int len = Math.min(b.length - at, 1 + r.nextInt(8));
                    for (int i = 0; i < len; i++) {
                        b[at + i] = (byte) r.nextInt(256);
                    }
                    break;
                }
                case 2: { // a 2-, 4- or 8-byte little-endian field set to an extreme
                    int at = r.nextInt(b.length);
                    long[] extremes = {0, 1, 0xffff, 0xffffffffL, -1, 1L << 32, Long.MAX_VALUE, b.length, 22, 30,
                        46, r.nextLong()};
                    long v = extremes[r.nextInt(extremes.length)];
                    int width = new int[] {2, 4, 8}[r.nextInt(3)];
                    for (int i = 0; i < width && at + i < b.length; i++) {
                        b[at + i] = (byte) (v >>> (8 * i));
                    }
                    break;
                }
                case 3: // truncate
                    b = Arrays.copyOf(b, r.nextInt(b.length));
                    break;
                case 4: { // cut out a range
                    int at = r.nextInt(b.length);
                    int len = Math.min(b.length - at, 1 + r.nextInt(16));
                    byte[] c = new byte[b.length - len];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + len, c, at, b.length - at - len);
                    b = c;
                    break;
                }
                default: { // repeat a range in place
                    int at = r.nextInt(b.length);
                    int len = Math.min(b.length - at, 1 + r.nextInt(64));
                    byte[] c = new byte[b.length + len];
                    System.arraycopy(b, 0, c, 0, at + len);
                    System.arraycopy(b, at, c, at + len, b.length - at);
                    b = c;
                    break;
                }
            }
        }
        return b;
    }
}
