package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.catalog.Catalog;
import dev.xent.catalog.KerasFunction;
import dev.xent.internal.Printable;
import dev.xent.ndarray.NdArray;
import dev.xent.npy.NpyWriter;
import dev.xent.saving.Serialization;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzing the command line's structured inputs other than arrays (the {@code .npy} and {@code .npz} readers have
 * theirs in xent-npy): {@code --config}, as random bytes and as mutations of valid configs, and {@code .keras}
 * archives through {@code xent evaluate}, as mutations of a small valid archive. Every run must end with exit 0, or
 * 1 with exactly one line {@code xent: error: ...} (or 2, for {@code --config}, with that line and the usage hint):
 * never an internal error, a stack trace, another exit code or a raw control character. Seeded (the seed and the
 * input are in every failure message) and bounded in time.
 */
class ReliabilityFuzzTest {

    /** Time per fuzz test: 4 s by default, well under the 10 s each may take ({@code -Dxent.fuzz.millis}). */
    static final long BUDGET_NANOS = Long.getLong("xent.fuzz.millis", 4000L) * 1_000_000L;
    static final long SEED = Long.getLong("xent.fuzz.seed", 0x5EED_18L);

    @TempDir
    Path dir;

    static final String[] TOKENS = {"null", "true", "false", "0", "-1", "1e309", "-0.0", "NaN", "1.5",
        "99999999999999999999999", "\"\"", "\"x\"", "[]", "{}", "[1, 2]", "{\"a\": 1}", "\"sum\"", "\"none\"",
        "\"float64\"", "\"float16\"", "\"int32\"", "\"sparse_categorical_crossentropy\"", "\"MeanMetricWrapper\"",
        "\"function\"", "\"keras.losses\"", "\"keras.metrics\"", "\"builtins\"", "\"\\u001b[31m\"", "\"\\u0000\"",
        "\"\\ud800\"", "\"from_logits\"", "\"axis\"", "\"ignore_class\"", "\"label_smoothing\"", "\"alpha\"",
        "\"gamma\"", "\"k\"", "\"threshold\"", "\"fn\"", "\"class_name\"", "\"config\"", "\"name\"", "\"reduction\"",
        "\"dtype\"", "2147483648", "-2147483649", "1e-320", "[[[[[[[[[[]]]]]]]]]]"};

    /** Serialized configs of every function, as metric and as loss, plus the other forms Keras writes. */
    static List<String> seeds() {
        List<String> out = new ArrayList<>();
        for (KerasFunction f : Catalog.all()) {
            out.add(json(Serialization.serializeKerasObject(f.newMetric(Map.of()))));
            if (f.hasLoss()) {
                out.add(json(Serialization.serializeKerasObject(f.newLoss(Map.of()))));
            }
            out.add("{\"module\": \"builtins\", \"class_name\": \"function\", \"config\": \"" + f.name()
                    + "\", \"registered_name\": \"function\"}");
            out.add("\"" + f.name() + "\"");
        }
        out.add("{\"from_logits\": true, \"ignore_class\": 1, \"axis\": -1}");
        out.add("{\"class_name\": \"MeanMetricWrapper\", \"config\": {\"name\": \"m\", \"dtype\": \"float32\","
                + " \"fn\": \"sparse_categorical_crossentropy\"}}");
        out.add("{\"class_name\": \"LossFunctionWrapper\", \"config\": {\"name\": \"l\", \"reduction\": \"auto\","
                + " \"fn\": {\"module\": \"builtins\", \"class_name\": \"function\", \"config\": \"poisson\"}}}");
        return out;
    }

    static String json(Object o) {
        try {
            return new ObjectMapper().writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One random change: bytes cut, inserted, replaced, repeated, or a JSON token put in. */
    static byte[] mutate(byte[] b, SplittableRandom r) {
        int n = b.length;
        int at = n == 0 ? 0 : r.nextInt(n + 1);
        int len = n == 0 ? 0 : r.nextInt(Math.min(16, n - Math.min(at, n - 1)) + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (r.nextInt(7)) {
            case 0: // delete
                out.write(b, 0, at);
                out.write(b, Math.min(n, at + len), n - Math.min(n, at + len));
                break;
            case 1: // insert random bytes
                out.write(b, 0, at);
                for (int i = 0; i < 1 + r.nextInt(4); i++) {
                    out.write(r.nextInt(256));
                }
                out.write(b, at, n - at);
                break;
            case 2: // flip one bit
                byte[] c = b.clone();
                if (n > 0) {
                    c[Math.min(at, n - 1)] ^= (byte) (1 << r.nextInt(8));
                }
                return c;
            case 3: // repeat a slice
                out.write(b, 0, at);
                out.write(b, Math.max(0, at - len), Math.min(len, at));
                out.write(b, at, n - at);
                break;
            case 4: // a token replacing a slice
            case 5:
                out.write(b, 0, at);
                out.writeBytes(TOKENS[r.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
                out.write(b, Math.min(n, at + len), n - Math.min(n, at + len));
                break;
            default: // truncate
                out.write(b, 0, at);
                break;
        }
        return out.toByteArray();
    }

    /** The run ended as the contract says; {@code usage} whether exit 2 may happen. */
    static void assertClean(Cli.Run run, boolean usage, String what) {
        String context = what + "\n" + run;
        assertTrue(run.code == 0 || run.code == 1 || (usage && run.code == 2), context);
        for (String s : new String[] {run.out, run.err}) {
            String body = s.replace("\n", "");
            for (int i = 0; i < body.length(); i++) {
                if (Printable.isEscaped(body.charAt(i))) {
                    fail("raw control character U+" + Integer.toHexString(body.charAt(i)) + ": " + context);
                }
            }
        }
        assertFalse(run.err.contains("internal error"), context);
        assertFalse(run.err.contains("\tat ") || run.err.contains("Exception:"), context);
        if (run.code == 0) {
            assertEquals("", run.err, context);
            assertEquals(1, run.out.lines().count(), context);
            return;
        }
        assertEquals("", run.out, context);
        List<String> lines = run.err.lines().collect(java.util.stream.Collectors.toList());
        assertTrue(lines.get(0).startsWith("xent: error: ") && lines.get(0).length() > 13, context);
        if (run.code == 1) {
            assertEquals(1, lines.size(), context);
        } else {
            assertTrue(lines.get(lines.size() - 1).startsWith("Try 'xent "), context);
            assertTrue(lines.size() == 2 || (lines.size() == 3 && lines.get(1).startsWith("Did you mean: ")),
                    context);
        }
    }

    static String show(byte[] b) {
        String s = new String(b, StandardCharsets.ISO_8859_1);
        return Printable.escape(s.length() > 400 ? s.substring(0, 400) + "..." : s);
    }

    @Test
    void config() throws IOException {
        Path labels = dir.resolve("labels.npy");
        Path onehot = dir.resolve("onehot.npy");
        Path pred = dir.resolve("pred.npy");
        NpyWriter.write(labels, NdArray.of(new int[] {1, 2, 0}));
        NpyWriter.write(onehot, NdArray.of(new float[] {0, 1, 0, 0, 0, 1, 1, 0, 0}, 3, 3));
        NpyWriter.write(pred, NdArray.of(new float[] {.05f, .95f, 0f, .1f, .8f, .1f, .3f, .3f, .4f}, 3, 3));
        Path file = dir.resolve("config.json");
        List<byte[]> seeds = new ArrayList<>();
        for (String s : seeds()) {
            seeds.add(s.getBytes(StandardCharsets.UTF_8));
        }
        SplittableRandom r = new SplittableRandom(SEED);
        long end = System.nanoTime() + BUDGET_NANOS;
        int runs = 0;
        int[] codes = new int[3];
        for (int i = 0; System.nanoTime() < end; i++) {
            byte[] config;
            if (i % 8 == 0) { // random bytes
                config = new byte[r.nextInt(64)];
                for (int j = 0; j < config.length; j++) {
                    config[j] = (byte) r.nextInt(256);
                }
            } else {
                config = seeds.get(r.nextInt(seeds.size()));
                for (int m = 1 + r.nextInt(3); m > 0; m--) {
                    config = mutate(config, r);
                }
            }
            boolean inline = r.nextBoolean();
            String arg;
            if (inline) {
                arg = new String(config, StandardCharsets.UTF_8);
                if (arg.startsWith("@") || arg.isEmpty()) {
                    arg = " " + arg;
                }
            } else {
                Files.write(file, config);
                arg = "@" + file;
            }
            boolean loss = r.nextBoolean();
            List<String> args = new ArrayList<>(List.of(loss ? "loss" : "metric", "--y-true",
                    (r.nextBoolean() ? labels : onehot).toString(), "--y-pred", pred.toString(), "--config", arg));
            if (r.nextInt(4) == 0) {
                args.add(1, r.nextBoolean() ? "sparse_categorical_crossentropy" : "binary_crossentropy");
            }
            Cli.Run run = Cli.run(args.toArray(new String[0]));
            assertClean(run, true, "seed " + SEED + ", run " + i + ", " + (inline ? "inline" : "file") + " config: "
                    + show(config) + "\nargs: " + Printable.escape(String.join(" ", args)));
            codes[run.code]++;
            runs++;
        }
        System.out.println(Thread.currentThread().getStackTrace()[1].getMethodName() + ": " + runs + " runs, exit codes "
                + Arrays.toString(codes) + ", seed " + SEED);
        assertTrue(runs > 100, "only " + runs + " runs");
        assertTrue(codes[0] > 0 && codes[1] > 0, "exit codes " + Arrays.toString(codes));
    }

    /** The small valid archive: config.json and metadata.json of a model in xent-keras's fixtures, no weights. */
    static Map<String, byte[]> baseArchive() throws IOException {
        Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        try (ZipFile z = new ZipFile(KerasIntegrationTest.MODELS.resolve("sparse_objects_weighted.keras").toFile())) {
            for (String name : new String[] {"metadata.json", "config.json"}) {
                entries.put(name, z.getInputStream(z.getEntry(name)).readAllBytes());
            }
        }
        return entries;
    }

    static byte[] zip(Map<String, byte[]> entries, boolean stored) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                if (stored) {
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
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void kerasArchive() throws IOException {
        Map<String, byte[]> base = baseArchive();
        String yTrue = KerasIntegrationTest.data("sparse.y_true.npy");
        String yPred = KerasIntegrationTest.data("sparse.y_pred.npy");
        String weight = KerasIntegrationTest.data("sparse.sample_weight.npy");
        Path model = dir.resolve("model.keras");
        Files.write(model, zip(base, true));
        Cli.Run valid = Cli.run("evaluate", "--model", model.toString(), "--y-true", yTrue, "--y-pred", yPred);
        assertEquals(0, valid.code, valid.toString());

        SplittableRandom r = new SplittableRandom(SEED + 1);
        long end = System.nanoTime() + BUDGET_NANOS;
        int runs = 0;
        int[] codes = new int[3];
        for (int i = 0; System.nanoTime() < end; i++) {
            byte[] archive;
            String how;
            if (r.nextInt(3) == 0) { // the archive's bytes
                archive = zip(base, r.nextBoolean());
                for (int m = 1 + r.nextInt(3); m > 0; m--) {
                    archive = mutate(archive, r);
                }
                how = "bytes";
            } else { // the JSON inside, in a well-formed archive
                Map<String, byte[]> entries = new java.util.LinkedHashMap<>(base);
                String name = r.nextInt(5) == 0 ? "metadata.json" : "config.json";
                byte[] json = entries.get(name);
                for (int m = 1 + r.nextInt(4); m > 0; m--) {
                    json = mutate(json, r);
                }
                entries.put(name, json);
                archive = zip(entries, r.nextBoolean());
                how = name + ": " + show(json);
            }
            Files.write(model, archive);
            List<String> args = new ArrayList<>(List.of("evaluate", "--model", model.toString(), "--y-true", yTrue,
                    "--y-pred", yPred));
            if (r.nextBoolean()) {
                args.addAll(List.of("--sample-weight", weight));
            }
            if (r.nextBoolean()) {
                args.add("--skip-unsupported");
            }
            if (r.nextBoolean()) {
                args.addAll(List.of("--batch-size", Integer.toString(1 + r.nextInt(40))));
            }
            Cli.Run run = Cli.run(args.toArray(new String[0]));
            assertClean(run, false, "seed " + SEED + ", run " + i + ", mutated " + how + "\nargs: "
                    + String.join(" ", args));
            codes[run.code]++;
            runs++;
        }
        System.out.println(Thread.currentThread().getStackTrace()[1].getMethodName() + ": " + runs + " runs, exit codes "
                + Arrays.toString(codes) + ", seed " + SEED);
        assertTrue(runs > 100, "only " + runs + " runs");
        assertTrue(codes[0] > 0 && codes[1] > 0, "exit codes " + Arrays.toString(codes));
    }
}
