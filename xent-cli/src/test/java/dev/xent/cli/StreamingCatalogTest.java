package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.catalog.Catalog;
import dev.xent.catalog.KerasFunction;
import dev.xent.losses.Loss;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.ndarray.NdArray;
import dev.xent.npy.NpyArrayFile;
import dev.xent.npy.NpyWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Streaming equivalence for every function of the catalogue: {@code --batch-size} 1, 7 and 1000 (and the default)
 * give the result of one call of xent-core on the whole arrays, within 1e-12 relative, for metrics and losses,
 * probabilities and logits, with and without sample weights; {@code --reduction none} writes Keras's output shape
 * whatever the chunking. Rank-1 predictions are one value per call in Keras when the function reduces the only
 * axis (the command reads them whole) and one per element for an element-wise function (binary_accuracy): either
 * way the command counts as one call does, whatever {@code --batch-size}. Functions whose computation this build
 * lacks are skipped, with the reason.
 */
class StreamingCatalogTest {

    static final int ROWS = 157;
    static final int PIXELS = 4;
    static final int CLASSES = 5;
    static final long SEED = 20261206L;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    final Map<String, NdArray> arrays = new HashMap<>();

    @BeforeEach
    void writeInputs() throws IOException {
        SplittableRandom random = new SplittableRandom(SEED);
        int n = ROWS * PIXELS;
        int[] labels = new int[n];
        float[] oneHot = new float[n * CLASSES];
        float[] probs = new float[n * CLASSES];
        float[] logits = new float[n * CLASSES];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(CLASSES);
            oneHot[i * CLASSES + labels[i]] = 1;
            double sum = 0;
            for (int c = 0; c < CLASSES; c++) {
                sum += probs[i * CLASSES + c] = (float) (0.01 + random.nextDouble());
                logits[i * CLASSES + c] = (float) (3 * random.nextGaussian());
            }
            for (int c = 0; c < CLASSES; c++) {
                probs[i * CLASSES + c] /= (float) sum;
            }
        }
        put("labels", NdArray.of(labels, ROWS, PIXELS));
        put("onehot", NdArray.of(oneHot, ROWS, PIXELS, CLASSES));
        put("probs", NdArray.of(probs, ROWS, PIXELS, CLASSES));
        put("logits", NdArray.of(logits, ROWS, PIXELS, CLASSES));
        put("w_batch", NdArray.of(uniform(random, ROWS), ROWS, 1));
        put("w_pixel", NdArray.of(uniform(random, n), ROWS, PIXELS));
        // Rank 1: one row of classes.
        put("flat_targets", NdArray.of(java.util.Arrays.copyOf(oneHot, 2 * CLASSES)));
        put("flat_probs", NdArray.of(java.util.Arrays.copyOf(probs, 2 * CLASSES)));
    }

    private static float[] uniform(SplittableRandom random, int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (2 * random.nextDouble());
        }
        return w;
    }

    private void put(String name, NdArray a) throws IOException {
        arrays.put(name, a);
        NpyWriter.write(dir.resolve(name + ".npy"), a);
    }

    private String file(String name) {
        return dir.resolve(name + ".npy").toString();
    }

    static String targets(KerasFunction f) {
        return f.targets() == KerasFunction.Targets.LABELS ? "labels" : "onehot";
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (KerasFunction f : Catalog.all()) {
            for (String w : new String[] {null, "w_batch", "w_pixel"}) {
                out.add(Arguments.of(f, "probs", w, List.of()));
                if (f.argument("from_logits") != null) {
                    out.add(Arguments.of(f, "logits", w, List.of("--from-logits")));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "metric {0} {1} weight={2} {3}")
    @MethodSource("cases")
    void metricDoesNotDependOnChunking(KerasFunction f, String yPred, String weight, List<String> options)
            throws IOException {
        Map<String, Object> config = options.isEmpty() ? Map.of() : Map.of("from_logits", true);
        MeanMetricWrapper m = f.newMetric(config);
        NdArray w = weight == null ? null : arrays.get(weight);
        assumeTrue(computed(() -> m.updateState(arrays.get(targets(f)), arrays.get(yPred), w)),
                f.name() + " is not computed by this build of xent-core yet");
        for (String batch : new String[] {null, "1", "7", "1000"}) {
            JsonNode result = run("metric", f, targets(f), yPred, weight, options, batch, null);
            assertClose(m.result(), result.get("result").asDouble(), "result, --batch-size " + batch);
            assertClose(m.total(), result.get("total").asDouble(), "total, --batch-size " + batch);
            assertClose(m.count(), result.get("count").asDouble(), "count, --batch-size " + batch);
        }
    }

    @ParameterizedTest(name = "loss {0} {1} weight={2} {3}")
    @MethodSource("cases")
    void lossDoesNotDependOnChunking(KerasFunction f, String yPred, String weight, List<String> options)
            throws IOException {
        assumeTrue(f.hasLoss(), f.name() + " has no loss");
        NdArray w = weight == null ? null : arrays.get(weight);
        for (String reduction : new String[] {"sum_over_batch_size", "sum", "mean_with_sample_weight", "none"}) {
            Map<String, Object> config = new HashMap<>(Map.of("reduction", reduction));
            if (!options.isEmpty()) {
                config.put("from_logits", true);
            }
            Loss loss = f.newLoss(config);
            NdArray[] whole = new NdArray[1];
            double[] value = new double[1];
            assumeTrue(computed(() -> {
                whole[0] = loss.call(arrays.get(targets(f)), arrays.get(yPred), w);
                value[0] = reduction.equals("none") ? Double.NaN : loss.value(arrays.get(targets(f)),
                        arrays.get(yPred), w);
            }), f.name() + " is not computed by this build of xent-core yet");
            for (String batch : new String[] {null, "1", "7", "1000"}) {
                List<String> args = new ArrayList<>(options);
                args.addAll(List.of("--reduction", reduction));
                Path output = reduction.equals("none") ? dir.resolve("out_" + batch + ".npy") : null;
                JsonNode result = run("loss", f, targets(f), yPred, weight, args, batch, output);
                if (output == null) {
                    assertClose(value[0], result.get("result").asDouble(),
                            reduction + ", --batch-size " + batch);
                    continue;
                }
                assertTrue(result.get("result").isNull(), result.toString());
                try (NpyArrayFile written = NpyArrayFile.open(output.toString())) {
                    NdArray values = written.readAll(1 << 22);
                    assertArrayEquals(whole[0].shape(), values.shape(), "shape, --batch-size " + batch);
                    assertArrayEquals(whole[0].toFloatArray(), values.toFloatArray(), "values, --batch-size " + batch);
                }
            }
        }
    }

    static Stream<KerasFunction> sameShape() {
        return Catalog.all().stream().filter(f -> f.targets() == KerasFunction.Targets.SAME_SHAPE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sameShape")
    void rankOnePredictionsAsKerasCountsThem(KerasFunction f) throws IOException {
        NdArray t = arrays.get("flat_targets");
        NdArray p = arrays.get("flat_probs");
        MeanMetricWrapper m = f.newMetric(Map.of());
        boolean[] refused = new boolean[1];
        assumeTrue(computed(() -> {
            try {
                m.updateState(t, p);
            } catch (IllegalArgumentException e) {
                refused[0] = true;
            }
        }), f.name() + " is not computed by this build of xent-core yet");
        for (String batch : new String[] {null, "1", "3"}) {
            List<String> args = new ArrayList<>(List.of("metric", f.name(), "--y-true", file("flat_targets"),
                    "--y-pred", file("flat_probs")));
            if (batch != null) {
                args.addAll(List.of("--batch-size", batch));
            }
            Cli.Run run = Cli.run(args.toArray(new String[0]));
            if (refused[0]) {
                // The function's own rule (xent-core's message, naming the files).
                assertEquals(1, run.code, run.toString());
                assertTrue(run.err.contains(file("flat_probs")) || run.err.contains(file("flat_targets")),
                        run.toString());
                continue;
            }
            assertEquals(0, run.code, run.toString());
            JsonNode result = JSON.readTree(run.out);
            // One value per call when the function reduces the only axis; one per element for binary_accuracy.
            assertEquals(m.count(), result.get("count").asDouble(), "count: " + run.out);
            assertClose(m.result(), result.get("result").asDouble(), "--batch-size " + batch);
        }
    }

    static boolean computed(Runnable r) {
        r.run(); // every catalogue function is computed: a failure here fails the test
        return true;
    }

    private JsonNode run(String command, KerasFunction f, String yTrue, String yPred, String weight,
                         List<String> options, String batch, Path output) throws IOException {
        List<String> args = new ArrayList<>(List.of(command, f.name(), "--y-true", file(yTrue), "--y-pred",
                file(yPred)));
        if (weight != null) {
            args.addAll(List.of("--sample-weight", file(weight)));
        }
        args.addAll(options);
        if (batch != null) {
            args.addAll(List.of("--batch-size", batch));
        }
        if (output != null) {
            args.addAll(List.of("--output", output.toString()));
        }
        Cli.Run run = Cli.run(args.toArray(new String[0]));
        assertEquals(0, run.code, String.join(" ", args) + "\n" + run);
        assertEquals("", run.err);
        return JSON.readTree(run.out);
    }

    static void assertClose(double expected, double actual, String what) {
        assertTrue(Math.abs(expected - actual) <= 1e-12 * Math.max(Math.abs(expected), Math.abs(actual)),
                what + ": expected " + expected + " but got " + actual + " (seed " + SEED + ")");
    }
}
