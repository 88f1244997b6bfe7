package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.losses.Loss;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.ndarray.NdArray;
import dev.xent.npy.NpyArrayFile;
import dev.xent.npy.NpyWriter;
import dev.xent.saving.Serialization;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
 * Streaming equivalence: the same data with {@code --batch-size} 1, 7 and 1000 (and the default) gives the same
 * result within 1e-12 relative, for metrics and every loss reduction and weight shape (weights sliced by rows,
 * constant across the batch, or forcing a single read), and equals xent-core called once on the whole arrays.
 * {@code --reduction none} writes identical files whatever the chunking.
 */
class StreamingTest {

    static final int ROWS = 157;
    static final int PIXELS = 4;
    static final int CLASSES = 5;
    static final long SEED = 20261122L;

    @TempDir
    Path dir;

    final SplittableRandom random = new SplittableRandom(SEED);
    final Map<String, NdArray> arrays = new java.util.HashMap<>();

    @BeforeEach
    void writeInputs() throws IOException {
        int[] labels = new int[ROWS * PIXELS];
        float[] onehot = new float[ROWS * PIXELS * CLASSES];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(10) == 0 ? 255 : random.nextInt(CLASSES);
            onehot[i * CLASSES + (labels[i] == 255 ? 0 : labels[i])] = 1;
        }
        float[] probs = new float[ROWS * PIXELS * CLASSES];
        float[] logits = new float[probs.length];
        for (int i = 0; i < probs.length; i++) {
            probs[i] = (float) (0.01 + random.nextDouble());
            logits[i] = (float) (3 * random.nextGaussian());
        }
        put("labels", NdArray.of(labels, ROWS, PIXELS));
        int[] clean = labels.clone();
        for (int i = 0; i < clean.length; i++) {
            clean[i] = clean[i] == 255 ? 0 : clean[i];
        }
        put("labels_clean", NdArray.of(clean, ROWS, PIXELS));
        put("onehot", NdArray.of(onehot, ROWS, PIXELS, CLASSES));
        put("probs", NdArray.of(probs, ROWS, PIXELS, CLASSES));
        put("logits", NdArray.of(logits, ROWS, PIXELS, CLASSES));
        put("w_batch", NdArray.of(uniform(ROWS), ROWS));
        put("w_batch11", NdArray.of(uniform(ROWS), ROWS, 1));
        put("w_pixel", NdArray.of(uniform(ROWS * PIXELS), ROWS, PIXELS));
        put("w_scalar", NdArray.scalar(0.75f));
        put("w_first1", NdArray.of(uniform(PIXELS), 1, PIXELS));
        put("w_columns", NdArray.of(uniform(PIXELS), PIXELS));
        put("w_higher", NdArray.of(uniform(3 * ROWS * PIXELS), 3, ROWS, PIXELS));
    }

    private float[] uniform(int n) {
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

    static Stream<Arguments> metrics() {
        List<Arguments> out = new ArrayList<>();
        for (String w : new String[] {null, "w_batch", "w_batch11", "w_pixel", "w_first1"}) {
            if ("w_batch".equals(w)) {
                // With ignore_class, Keras multiplies a (B,) weight by the (B, P) mask: an error unless P == B.
                out.add(Arguments.of("sparse_categorical_crossentropy", "labels_clean", "probs", w, List.of()));
                out.add(Arguments.of("categorical_crossentropy", "onehot", "probs", w, List.of()));
                continue;
            }
            out.add(Arguments.of("sparse_categorical_crossentropy", "labels", "probs", w, List.of("--ignore-class",
                    "255")));
            out.add(Arguments.of("sparse_categorical_crossentropy", "labels", "logits", w, List.of("--ignore-class",
                    "255", "--from-logits", "--exclude-ignored-from-count")));
            out.add(Arguments.of("categorical_crossentropy", "onehot", "logits", w, List.of("--from-logits",
                    "--label-smoothing", "0.1")));
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("metrics")
    void metricDoesNotDependOnChunking(String name, String yTrue, String yPred, String weight, List<String> options)
            throws IOException {
        JsonNode reference = null;
        for (String batch : new String[] {null, "1", "7", "1000"}) {
            JsonNode result = run("metric", name, yTrue, yPred, weight, options, batch, null);
            if (reference == null) {
                reference = result;
                MeanMetricWrapper m = (MeanMetricWrapper) Serialization.metricFromConfig(name,
                        new ObjectMapper().convertValue(result.get("config"), Map.class));
                if (options.contains("--exclude-ignored-from-count")) {
                    m = ((dev.xent.metrics.SparseCategoricalCrossentropy) m).toBuilder().excludeIgnoredFromCount(true)
                            .build();
                }
                m.updateState(arrays.get(yTrue), arrays.get(yPred), weight == null ? null : arrays.get(weight));
                assertClose(m.result(), result.get("result").asDouble(), "one updateState on all the data");
                assertClose(m.count(), result.get("count").asDouble(), "count");
            }
            for (String key : List.of("result", "total", "count")) {
                assertClose(reference.get(key).asDouble(), result.get(key).asDouble(), key + " with --batch-size "
                        + batch);
            }
        }
    }

    static Stream<Arguments> losses() {
        List<Arguments> out = new ArrayList<>();
        for (String reduction : new String[] {"sum_over_batch_size", "sum", "mean", "mean_with_sample_weight",
                "none"}) {
            for (String w : new String[] {null, "w_batch11", "w_pixel", "w_scalar", "w_first1", "w_columns",
                    "w_higher"}) {
                out.add(Arguments.of("sparse_categorical_crossentropy", "labels", "probs", w,
                        List.of("--ignore-class", "255", "--reduction", reduction)));
                out.add(Arguments.of("categorical_crossentropy", "onehot", "logits", w,
                        List.of("--from-logits", "--label-smoothing", "0.2", "--reduction", reduction)));
            }
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("losses")
    void lossDoesNotDependOnChunking(String name, String yTrue, String yPred, String weight, List<String> options)
            throws IOException {
        boolean none = options.contains("none");
        JsonNode reference = null;
        float[] referenceValues = null;
        int[] referenceShape = null;
        for (String batch : new String[] {null, "1", "7", "1000"}) {
            Path output = none ? dir.resolve("out_" + batch + ".npy") : null;
            JsonNode result = run("loss", name, yTrue, yPred, weight, options, batch, output);
            Loss loss = Serialization.lossFromConfig(name,
                    new ObjectMapper().convertValue(result.get("config"), Map.class));
            NdArray w = weight == null ? null : arrays.get(weight);
            if (!none) {
                assertTrue(result.get("result").isNumber(), result.toString());
                if (reference == null) {
                    reference = result;
                    double whole = loss.value(arrays.get(yTrue), arrays.get(yPred), w);
                    assertClose(whole, result.get("result").asDouble(), "one call on all the data");
                }
                assertClose(reference.get("result").asDouble(), result.get("result").asDouble(),
                        "--batch-size " + batch);
                continue;
            }
            assertTrue(result.get("result").isNull(), result.toString());
            try (NpyArrayFile f = NpyArrayFile.open(output.toString())) {
                NdArray values = f.readAll(1 << 20);
                if (referenceValues == null) {
                    NdArray whole = loss.call(arrays.get(yTrue), arrays.get(yPred), w);
                    assertArrayEquals(whole.shape(), values.shape(), "shape of one call on all the data");
                    assertArrayEquals(whole.toFloatArray(), values.toFloatArray(), "one call on all the data");
                    referenceValues = values.toFloatArray();
                    referenceShape = values.shape();
                }
                assertArrayEquals(referenceShape, values.shape(), "--batch-size " + batch);
                assertArrayEquals(referenceValues, values.toFloatArray(), "--batch-size " + batch);
            }
        }
    }

    private JsonNode run(String command, String name, String yTrue, String yPred, String weight,
                         List<String> options, String batch, Path output) throws IOException {
        List<String> args = new ArrayList<>(Arrays.asList(command, name, "--y-true", file(yTrue), "--y-pred",
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
        return new ObjectMapper().readTree(run.out);
    }

    static void assertClose(double expected, double actual, String what) {
        assertTrue(Math.abs(expected - actual) <= 1e-12 * Math.max(Math.abs(expected), Math.abs(actual)),
                what + ": expected " + expected + " but got " + actual + " (seed " + SEED + ")");
    }
}
