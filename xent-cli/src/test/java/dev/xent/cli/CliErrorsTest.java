package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.catalog.Catalog;
import dev.xent.ndarray.NdArray;
import dev.xent.npy.NpyWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exit codes and messages: bad data exits 1 with exactly one line {@code xent: error: ...} on stderr naming the
 * file, the position, the value and the rule; bad usage exits 2 with a short message and a hint; nothing on stdout
 * in either case, and no stack trace without {@code --verbose}.
 */
class CliErrorsTest {

    @TempDir
    Path dir;

    String yTrue;
    String yPred;

    @BeforeEach
    void writeValidInputs() throws IOException {
        yTrue = write("y_true.npy", NdArray.of(new int[] {1, 2}));
        yPred = write("y_pred.npy", NdArray.of(new float[] {0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f}, 2, 3));
    }

    String write(String name, NdArray a) throws IOException {
        Path p = dir.resolve(name);
        NpyWriter.write(p, a);
        return p.toString();
    }

    String writeBytes(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p.toString();
    }

    static void assertDataError(String expected, Cli.Run run) {
        assertEquals(1, run.code, run.toString());
        assertEquals("", run.out, run.toString());
        assertEquals("xent: error: " + expected + "\n", run.err, run.toString());
    }

    static void assertDataErrorStartsWith(String expected, Cli.Run run) {
        assertEquals(1, run.code, run.toString());
        assertEquals("", run.out, run.toString());
        assertTrue(run.err.startsWith("xent: error: " + expected), run.toString());
        assertEquals(1, run.err.lines().count(), run.toString());
        assertTrue(run.err.endsWith("\n"), run.toString());
    }

    static void assertUsageError(String expected, String command, Cli.Run run) {
        assertEquals(2, run.code, run.toString());
        assertEquals("", run.out, run.toString());
        assertEquals("xent: error: " + expected + "\nTry '" + command + " --help' for more information.\n", run.err,
                run.toString());
    }

    Cli.Run metric(String... more) {
        return Cli.run(concat(new String[] {"metric", "sparse_categorical_crossentropy", "--y-true", yTrue,
                "--y-pred", yPred}, more));
    }

    Cli.Run loss(String... more) {
        return Cli.run(concat(new String[] {"loss", "sparse_categorical_crossentropy", "--y-true", yTrue,
                "--y-pred", yPred}, more));
    }

    static String[] concat(String[] a, String[] b) {
        return Stream.concat(Arrays.stream(a), Arrays.stream(b)).toArray(String[]::new);
    }

    // ---- success paths used as references ----------------------------------------------------------------

    @Test
    void documentationExample() {
        Cli.Run run = metric();
        assertEquals(0, run.code, run.toString());
        assertEquals("", run.err);
        assertTrue(run.out.startsWith("{\"class_name\":\"SparseCategoricalCrossentropy\",\"config\":{\"name\":"
                + "\"sparse_categorical_crossentropy\",\"dtype\":\"float32\",\"from_logits\":false,"
                + "\"ignore_class\":null,\"axis\":-1},\"result\":1.17693"), run.out);
        assertTrue(run.out.contains(",\"count\":2.0}"), run.out);
    }

    @Test
    void nanIsWrittenAsAString() throws IOException {
        String p = write("nan.npy", NdArray.of(new float[] {Float.NaN, 0.5f, 0.5f, 0.1f, 0.8f, 0.1f}, 2, 3));
        Cli.Run run = Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", p);
        assertEquals(0, run.code, run.toString());
        assertTrue(run.out.endsWith(",\"result\":\"NaN\",\"total\":\"NaN\",\"count\":2.0}\n"), run.out);
    }

    @Test
    void configNamingALossFunction() {
        // What keras.saving.serialize_keras_object(keras.losses.sparse_categorical_crossentropy) writes.
        Cli.Run run = Cli.run("loss", "--y-true", yTrue, "--y-pred", yPred, "--config", "{\"module\": \"builtins\","
                + " \"class_name\": \"function\", \"config\": \"sparse_categorical_crossentropy\","
                + " \"registered_name\": \"function\"}");
        assertEquals(0, run.code, run.toString());
        assertTrue(run.out.startsWith("{\"class_name\":\"SparseCategoricalCrossentropy\",\"config\":{\"name\":"
                + "\"sparse_categorical_crossentropy\",\"reduction\":\"sum_over_batch_size\",\"from_logits\":false,"
                + "\"ignore_class\":null},\"result\":1.17693"), run.out);
    }

    // ---- bad data: exit 1, one line ------------------------------------------------------------------------

    @Test
    void missingFile() {
        String missing = dir.resolve("nope.npy").toString();
        assertDataError(missing + ": no such file",
                Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", missing));
    }

    @Test
    void missingArchiveKey() throws IOException {
        assertDataErrorStartsWith(yPred + ":key: no such file",
                Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", yPred + ":key"));
    }

    @Test
    void malformedNpy() throws IOException {
        String bad = writeBytes("bad.npy", "not a numpy file at all".getBytes(StandardCharsets.US_ASCII));
        assertDataErrorStartsWith(bad + ": ",
                Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", bad));
        byte[] good = Files.readAllBytes(Path.of(yPred));
        String truncated = writeBytes("truncated.npy", Arrays.copyOf(good, good.length - 5));
        assertDataErrorStartsWith(truncated + ": ",
                Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", truncated));
    }

    @Test
    void sparseShapeMismatch() throws IOException {
        String t = write("t3.npy", NdArray.of(new int[] {1, 2, 0, 1, 2, 0}, 2, 3));
        assertDataError("--y-true " + t + " shape (2, 3) does not match --y-pred " + yPred
                + " shape (2, 3): sparse labels must have the"
                + " predictions' shape without the class axis (1), i.e. (2,), optionally with a 1 at the class axis",
                Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", t, "--y-pred", yPred));
    }

    @Test
    void categoricalShapeMismatch() {
        assertDataError("--y-true " + yTrue + " shape (2,) does not match --y-pred " + yPred
                + " shape (2, 3): targets must have"
                + " the same shape as the predictions",
                Cli.run("loss", "categorical_crossentropy", "--y-true", yTrue, "--y-pred", yPred));
    }

    @Test
    void rowCountMismatch() throws IOException {
        String t = write("t3.npy", NdArray.of(new int[] {1, 2, 0}));
        assertDataError(t + " has 3 rows but " + yPred + " has 2; the first axes (the batch) must have the same"
                + " length", Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", t, "--y-pred", yPred));
        String w = write("w3.npy", NdArray.of(new float[] {1, 2, 3}));
        assertDataError(w + " has 3 rows but " + yPred + " has 2; the first axes (the batch) must have the same"
                + " length", metric("--sample-weight", w));
        assertDataError(w + " has 3 rows but " + yPred + " has 2; the first axes (the batch) must have the same"
                + " length", loss("--sample-weight", w));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "7", "1000", "65549"})
    void labelOutOfRangeNamesTheAbsoluteRow(String batch) throws IOException {
        int n = 70_000;
        int[] labels = new int[n];
        float[] probs = new float[n * 3];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            probs[3 * i + i % 3] = 1;
        }
        labels[65548] = 7;
        String t = write("big_true.npy", NdArray.of(labels));
        String p = write("big_pred.npy", NdArray.of(probs, n, 3));
        String[] args = {"--y-true", t, "--y-pred", p};
        if (!batch.isEmpty()) {
            args = concat(args, new String[] {"--batch-size", batch});
        }
        String expected = t + ": label 7 at index 65548 is out of range [0, 3)";
        assertDataError(expected, Cli.run(concat(new String[] {"metric", "sparse_categorical_crossentropy"}, args)));
        assertDataError(expected, Cli.run(concat(new String[] {"loss", "sparse_categorical_crossentropy"}, args)));
    }

    @Test
    void labelOutOfRangeInAMapNamesTheCoordinates() throws IOException {
        int[] labels = new int[4 * 5];
        labels[3 * 5 + 2] = -3;
        String t = write("map_true.npy", NdArray.of(labels, 4, 5));
        String p = write("map_pred.npy", NdArray.of(new float[4 * 5 * 2], 4, 5, 2));
        assertDataError(t + ": label -3 at index (3, 2) is out of range [0, 2) and is not ignoreClass (255)",
                Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", t, "--y-pred", p,
                        "--ignore-class", "255", "--batch-size", "1"));
    }

    @Test
    void nonIntegralLabel() throws IOException {
        String t = write("float_true.npy", NdArray.of(new double[] {1, 1.5}));
        assertDataError(t + ": label 1.5 at index 1 is not a whole number; sparse labels must be class indices",
                Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", t, "--y-pred", yPred,
                        "--batch-size", "1"));
    }

    @Test
    void weightThatDoesNotBroadcast() throws IOException {
        String w = write("w23.npy", NdArray.of(new float[6], 2, 3));
        assertDataError(w + " shape (2, 3) does not fit the metric's per-element values of shape (2,): a metric"
                + " weight must be a scalar, per sample (batch,), or match the values' leading axes (NumPy"
                + " broadcasting)", metric("--sample-weight", w));
        String w4 = write("w4.npy", NdArray.of(new float[4]));
        String t = write("t24.npy", NdArray.of(new int[8], 2, 4));
        String p = write("p243.npy", NdArray.of(new float[24], 2, 4, 3));
        String w5 = write("w5.npy", NdArray.of(new float[5], 1, 5));
        assertDataError(w5 + " shape (1, 5) does not broadcast to the per-element loss values of shape (2, 4) (NumPy"
                + " rules, aligned from the last axis; give per-sample weights as (batch,) or (batch, 1, ...))",
                Cli.run("loss", "sparse_categorical_crossentropy", "--y-true", t, "--y-pred", p,
                        "--sample-weight", w5));
        assertEquals(0, Cli.run("loss", "sparse_categorical_crossentropy", "--y-true", t, "--y-pred", p,
                "--sample-weight", w4).code, "(4,) broadcasts along the last axis, as in Keras");
    }

    @Test
    void axisOutOfRange() {
        assertDataError(yPred + ": axis 2 is out of range for shape (2, 3); it must be in [-2, 2)",
                metric("--axis", "2"));
    }

    @Test
    void badConfigJson() {
        assertDataError("--config: invalid JSON at line 1, column 2: Unexpected character ('x' (code 120)): was"
                + " expecting double-quote to start field name", metric("--config", "{x"));
        assertDataError("--config: the config ([1, 2]) must be a JSON object: the output of"
                + " keras.saving.serialize_keras_object or a get_config() dict", metric("--config", "[1, 2]"));
        assertDataError("--config: config key 'reduction' is not an argument of"
                        + " SparseCategoricalCrossentropy; its keys are [name, dtype, from_logits, ignore_class, axis]",
                metric("--config", "{\"reduction\": \"sum\"}"));
    }

    @Test
    void unknownClassInConfig() throws IOException {
        Path cfg = dir.resolve("cfg.json");
        Files.writeString(cfg, "{\"module\": \"keras.metrics\", \"class_name\": \"Hinge\", \"config\": {}}");
        assertDataError(cfg + ": class_name (Hinge) must be one of " + Catalog.names(false),
                Cli.run("metric", "--y-true", yTrue, "--y-pred", yPred, "--config", "@" + cfg));
        assertDataError(dir.resolve("none.json") + ": no such file (--config @FILE)",
                Cli.run("metric", "--y-true", yTrue, "--y-pred", yPred, "--config", "@" + dir.resolve("none.json")));
        assertDataError("--config: module keras.losses holds a loss; use 'xent loss' for it",
                Cli.run("metric", "--y-true", yTrue, "--y-pred", yPred, "--config",
                        "{\"module\": \"keras.losses\", \"class_name\": \"SparseCategoricalCrossentropy\"}"));
    }

    @Test
    void outputDirectoryMissing() {
        String out = dir.resolve("no/such/dir/out.npy").toString();
        assertDataError(out + ": directory " + dir.resolve("no/such/dir") + " does not exist",
                loss("--reduction", "none", "--output", out));
    }

    @Test
    void outputIsNotWrittenOnError() throws IOException {
        int n = 50;
        int[] labels = new int[n];
        labels[40] = 9;
        String t = write("t50.npy", NdArray.of(labels));
        String p = write("p50.npy", NdArray.of(new float[n * 3], n, 3));
        Path out = dir.resolve("out.npy");
        Cli.Run run = Cli.run("loss", "sparse_categorical_crossentropy", "--y-true", t, "--y-pred", p,
                "--reduction", "none", "--output", out.toString(), "--batch-size", "7");
        assertDataError(t + ": label 9 at index 40 is out of range [0, 3)", run);
        assertFalse(Files.exists(out));
        Files.writeString(out, "keep me");
        Cli.Run again = Cli.run("loss", "sparse_categorical_crossentropy", "--y-true", t, "--y-pred", p,
                "--reduction", "none", "--output", out.toString(), "--batch-size", "7");
        assertEquals(1, again.code);
        assertEquals("keep me", Files.readString(out));
        try (Stream<Path> files = Files.list(dir)) {
            List<String> tmp = files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".tmp"))
                    .collect(Collectors.toList());
            assertEquals(List.of(), tmp, "temporary files left behind");
        }
    }

    @Test
    void verbosePrintsTheStackTraceAfterTheLine() {
        String missing = dir.resolve("nope.npy").toString();
        Cli.Run run = Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue, "--y-pred", missing,
                "--verbose");
        assertEquals(1, run.code);
        List<String> lines = run.err.lines().collect(Collectors.toList());
        assertEquals("xent: error: " + missing + ": no such file", lines.get(0));
        assertTrue(lines.size() > 3 && lines.get(2).trim().startsWith("at "), run.err);
        Cli.Run top = Cli.run("--verbose", "metric", "sparse_categorical_crossentropy", "--y-true", yTrue,
                "--y-pred", missing);
        assertEquals(1, top.code);
        assertTrue(top.err.lines().count() > 3, top.err);
    }

    // ---- bad usage: exit 2 ---------------------------------------------------------------------------------

    @Test
    void usageErrors() {
        assertUsageError("Unknown option: '--bogus'", "xent metric", metric("--bogus"));
        assertUsageError("Missing required option: '--y-pred=FILE'", "xent metric",
                Cli.run("metric", "sparse_categorical_crossentropy", "--y-true", yTrue));
        assertUsageError("NAME (hinge) must be one of " + Catalog.names(false), "xent metric",
                Cli.run("metric", "hinge", "--y-true", yTrue, "--y-pred", yPred));
        assertUsageError("NAME is required unless --config has a class_name", "xent loss",
                Cli.run("loss", "--y-true", yTrue, "--y-pred", yPred));
        assertUsageError("NAME (categorical_crossentropy) does not match the class_name"
                + " (SparseCategoricalCrossentropy) of --config", "xent metric",
                Cli.run("metric", "categorical_crossentropy", "--y-true", yTrue, "--y-pred", yPred, "--config",
                        "{\"class_name\": \"SparseCategoricalCrossentropy\", \"config\": {}}"));
        // Keras 3.15's sparse_categorical_crossentropy has no label_smoothing.
        assertUsageError("--label-smoothing is not an option of SparseCategoricalCrossentropy; its options are"
                + " --from-logits, --ignore-class, --axis, --normalize-before-clip, --exclude-ignored-from-count",
                "xent metric", metric("--label-smoothing", "0.1"));
        assertUsageError("--ignore-class is not an option of CategoricalCrossentropy; its options are --from-logits,"
                + " --label-smoothing, --axis, --smooth-over-class-axis", "xent loss",
                Cli.run("loss", "categorical_crossentropy", "--y-true", yPred, "--y-pred", yPred,
                        "--ignore-class", "1"));
        // Categorical always normalises before clipping.
        assertUsageError("--normalize-before-clip is not an option of CategoricalCrossentropy; its options are"
                + " --from-logits, --label-smoothing, --axis, --smooth-over-class-axis", "xent metric",
                Cli.run("metric", "categorical_crossentropy", "--y-true", yPred, "--y-pred", yPred,
                        "--normalize-before-clip"));
        assertUsageError("--smooth-over-class-axis is not an option of SparseCategoricalCrossentropy; its options are"
                + " --from-logits, --ignore-class, --axis, --normalize-before-clip, --exclude-ignored-from-count",
                "xent metric", metric("--smooth-over-class-axis"));
        assertUsageError("--reduction applies to 'xent loss' only: a metric always averages per sample",
                "xent metric", metric("--reduction", "sum"));
        assertUsageError("--output applies to 'xent loss --reduction none' only", "xent metric",
                metric("--output", "x.npy"));
        // A loss divides by the valid entries already.
        assertUsageError("--exclude-ignored-from-count is not an option of SparseCategoricalCrossentropy; its options"
                + " are --from-logits, --ignore-class, --axis, --normalize-before-clip (--exclude-ignored-from-count"
                + " is an option of the metric sparse_categorical_crossentropy only)", "xent loss",
                loss("--exclude-ignored-from-count"));
        assertUsageError("--output FILE.npy is required when the reduction is none", "xent loss",
                loss("--reduction", "none"));
        assertUsageError("--output FILE.npy is required when the reduction is none", "xent loss",
                Cli.run("loss", "--y-true", yTrue, "--y-pred", yPred, "--config",
                        "{\"class_name\": \"SparseCategoricalCrossentropy\", \"config\": {\"reduction\": null}}"));
        assertUsageError("--output is written only with --reduction none (the reduction is sum_over_batch_size)",
                "xent loss", loss("--output", "x.npy"));
        assertUsageError("--reduction (auto) must be one of sum_over_batch_size, sum, mean, mean_with_sample_weight,"
                + " none", "xent loss", loss("--reduction", "auto"));
        assertUsageError("--batch-size (0) must be at least 1", "xent metric", metric("--batch-size", "0"));
        assertUsageError("--dtype (float16) must be float32 or float64", "xent metric", metric("--dtype", "float16"));
        assertUsageError("--label-smoothing (1.5) must be in [0, 1]", "xent loss",
                Cli.run("loss", "categorical_crossentropy", "--y-true", yPred, "--y-pred", yPred,
                        "--label-smoothing", "1.5"));
        assertUsageError("Invalid value for option '--axis': 'x' is not an int", "xent metric",
                metric("--axis", "x"));
        assertUsageError("missing command: metric or loss", "xent", Cli.run());
    }

    @Test
    void usageErrorWithSuggestion() {
        Cli.Run run = metric("--batch-siz", "4");
        assertEquals(2, run.code);
        assertEquals("xent: error: Unknown options: '--batch-siz', '4'\nDid you mean: --batch-size?\n"
                + "Try 'xent metric --help' for more information.\n", run.err);
    }

    // ---- help and version ----------------------------------------------------------------------------------

    @Test
    void help() {
        Cli.Run top = Cli.run("--help");
        assertEquals(0, top.code);
        assertEquals("", top.err);
        assertTrue(top.out.startsWith("Usage: xent "), top.out);
        assertTrue(top.out.contains("metric") && top.out.contains("loss"), top.out);
        Cli.Run metric = Cli.run("metric", "--help");
        assertEquals(0, metric.code);
        for (String option : List.of("--y-true", "--y-pred", "--sample-weight", "--from-logits", "--ignore-class",
                "--axis", "--label-smoothing", "--dtype", "--name", "--config", "--batch-size",
                "--normalize-before-clip", "--exclude-ignored-from-count", "depends on --batch-size")) {
            assertTrue(metric.out.contains(option), option + " in\n" + metric.out);
        }
        assertFalse(metric.out.contains("--reduction"), metric.out);
        Cli.Run loss = Cli.run("loss", "--help");
        assertEquals(0, loss.code);
        assertTrue(loss.out.contains("--reduction") && loss.out.contains("--output"), loss.out);
    }

    @Test
    void version() {
        Cli.Run run = Cli.run("--version");
        assertEquals(0, run.code);
        assertEquals("", run.err);
        assertTrue(run.out.matches("xent \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n"), run.out);
    }
}
