package dev.xent.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.catalog.Catalog;
import dev.xent.cli.XentCommand;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.ndarray.NdArray;
import dev.xent.npy.NpyWriter;
import dev.xent.spark.XentOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code xent spark metric} and {@code xent spark loss} over Parquet files written here: the JSON equals what
 * {@code xent metric} and {@code xent loss} (run in this JVM) print for the same data as {@code .npy} files, with the
 * same NAME, options and {@code --config}, for 1 and many partitions; usage errors exit 2, data errors exit 1 with
 * one line. The command reuses the JVM's running test session.
 */
class SparkCommandTest {

    @TempDir
    static Path dir;

    private static String parquet;
    private static int[] labels;
    private static float[] probabilities;
    private static float[] weights;
    private static float[] onehot;
    private static final int ROWS = 2000;
    private static final int CLASSES = 10;

    @BeforeAll
    static void writeParquet() {
        // Spark 4.0 calls Subject.getSubject, which JDK 23 and later refuse (the rest of xent-cli runs on them).
        Assumptions.assumeTrue(Runtime.version().feature() <= 22, "Spark 4.0 runs on Java 17 to 22");
        SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
                .getOrCreate();
        Random r = new Random(3);
        labels = new int[ROWS];
        probabilities = new float[ROWS * CLASSES];
        weights = new float[ROWS];
        onehot = new float[ROWS * CLASSES];
        java.util.List<org.apache.spark.sql.Row> rows = new java.util.ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            labels[i] = r.nextInt(CLASSES);
            weights[i] = r.nextFloat() * 2;
            onehot[i * CLASSES + labels[i]] = 1;
            Float[] p = new Float[CLASSES];
            Float[] t = new Float[CLASSES];
            for (int c = 0; c < CLASSES; c++) {
                probabilities[i * CLASSES + c] = r.nextFloat();
                p[c] = probabilities[i * CLASSES + c];
                t[c] = onehot[i * CLASSES + c];
            }
            rows.add(org.apache.spark.sql.RowFactory.create(labels[i], p, i == 7 ? null : labels[i], weights[i], t));
        }
        StructType schema = new StructType().add("label", DataTypes.IntegerType)
                .add("probs", DataTypes.createArrayType(DataTypes.FloatType))
                .add("label_with_null", DataTypes.IntegerType).add("weight", DataTypes.FloatType)
                .add("onehot", DataTypes.createArrayType(DataTypes.FloatType));
        parquet = dir.resolve("predictions.parquet").toString();
        spark.createDataFrame(rows, schema).repartition(3).write().parquet(parquet);
        try {
            NpyWriter.write(dir.resolve("y_true.npy"), NdArray.of(labels));
            NpyWriter.write(dir.resolve("y_pred.npy"), NdArray.of(probabilities, ROWS, CLASSES));
            NpyWriter.write(dir.resolve("sample_weight.npy"), NdArray.of(weights));
            NpyWriter.write(dir.resolve("y_onehot.npy"), NdArray.of(onehot, ROWS, CLASSES));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final class Run {
        final int code;
        final String out;
        final String err;

        /** {@code xent spark ARGS}. */
        Run(String... args) {
            this(true, args);
        }

        /** {@code xent spark ARGS}, or the single-machine {@code xent ARGS}. */
        Run(boolean spark, String... args) {
            StringWriter o = new StringWriter();
            StringWriter e = new StringWriter();
            code = (spark ? SparkCli.newCommandLine(new PrintWriter(o), new PrintWriter(e))
                    : XentCommand.newCommandLine(new PrintWriter(o), new PrintWriter(e))).execute(args);
            out = o.toString();
            err = e.toString();
        }
    }

    /**
     * {@code xent spark COMMAND NAME --input ... SPARK_COLUMNS OPTIONS} against {@code xent COMMAND NAME --y-true ...
     * NPY_FILES OPTIONS}, with 1 and 13 partitions: the same JSON, numbers within 1e-12 relative.
     */
    private static void assertSameAsXent(String command, String name, String[] sparkColumns, String[] npyFiles,
                                         String... options) {
        java.util.List<String> single = new java.util.ArrayList<>(java.util.List.of(command, name));
        single.addAll(java.util.List.of(npyFiles));
        single.addAll(java.util.List.of(options));
        Run want = new Run(false, single.toArray(new String[0]));
        assertEquals(0, want.code, want.err);
        for (String partitions : new String[] {"1", "13"}) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(command, name, "--input",
                    parquet, "--partitions", partitions));
            args.addAll(java.util.List.of(sparkColumns));
            args.addAll(java.util.List.of(options));
            Run got = new Run(args.toArray(new String[0]));
            assertEquals(0, got.code, got.err);
            assertEquals("", got.err);
            String what = String.join(" ", args);
            // Everything but the numbers, character for character; the numbers within the rounding of a double sum.
            String numbers = "(\"(result|total|count)\":)[^,}]+";
            assertEquals(want.out.strip().replaceAll(numbers, "$1#"), got.out.strip().replaceAll(numbers, "$1#"),
                    what);
            for (String key : new String[] {"result", "total", "count"}) {
                if (want.out.contains("\"" + key + "\":")) {
                    double w = number(want.out, key);
                    assertEquals(w, number(got.out, key), 1e-12 * Math.abs(w), key + ": " + what);
                }
            }
        }
    }

    private static final String[] SPARSE_COLUMNS = {"--label-col", "label", "--prediction-col", "probs"};
    private static final String[] WEIGHTED_SPARSE_COLUMNS = {"--label-col", "label", "--prediction-col", "probs",
        "--weight-col", "weight"};

    private static String[] npy(String yTrue, boolean weighted) {
        String[] files = {"--y-true", dir.resolve(yTrue).toString(), "--y-pred", dir.resolve("y_pred.npy").toString()};
        if (!weighted) {
            return files;
        }
        String[] w = java.util.Arrays.copyOf(files, 6);
        w[4] = "--sample-weight";
        w[5] = dir.resolve("sample_weight.npy").toString();
        return w;
    }

    @Test
    void metricsWithConfigsPrintWhatXentMetricPrints() throws java.io.IOException {
        assertSameAsXent("metric", "sparse_categorical_crossentropy", SPARSE_COLUMNS, npy("y_true.npy", false));
        assertSameAsXent("metric", "SparseCategoricalCrossentropy", WEIGHTED_SPARSE_COLUMNS, npy("y_true.npy", true),
                "--config", "{\"module\": \"keras.metrics\", \"class_name\": \"SparseCategoricalCrossentropy\","
                        + " \"config\": {\"name\": \"scce\", \"dtype\": \"float64\", \"ignore_class\": 3}}");
        java.nio.file.Path file = dir.resolve("metric_config.json");
        java.nio.file.Files.writeString(file, "{\"class_name\": \"CategoricalCrossentropy\", \"config\": "
                + "{\"name\": \"cce\", \"dtype\": \"float32\", \"from_logits\": false, \"label_smoothing\": 0.1,"
                + " \"axis\": -1}}");
        assertSameAsXent("metric", "categorical_crossentropy", new String[] {"--label-col", "onehot",
            "--prediction-col", "probs", "--weight-col", "weight"}, npy("y_onehot.npy", true),
                "--config", "@" + file, "--name", "overridden");
    }

    @Test
    void everyKindOfCatalogueFunctionPrintsWhatXentPrints() {
        // Integer labels and same-shape targets, a function's own argument, a metric without a loss.
        assertSameAsXent("metric", "sparse_top_k_categorical_accuracy", WEIGHTED_SPARSE_COLUMNS,
                npy("y_true.npy", true), "--k", "3");
        assertSameAsXent("metric", "CategoricalAccuracy", new String[] {"--label-col", "onehot", "--prediction-col",
            "probs"}, npy("y_onehot.npy", false));
        assertSameAsXent("loss", "binary_focal_crossentropy", new String[] {"--label-col", "onehot",
            "--prediction-col", "probs", "--weight-col", "weight"}, npy("y_onehot.npy", true), "--gamma", "3",
                "--apply-class-balancing", "--reduction", "sum");
    }

    @Test
    void reducedLossesPrintWhatXentLossPrints() {
        assertSameAsXent("loss", "sparse_categorical_crossentropy", SPARSE_COLUMNS, npy("y_true.npy", false));
        for (String reduction : new String[] {"sum", "mean", "mean_with_sample_weight", "sum_over_batch_size"}) {
            assertSameAsXent("loss", "sparse_categorical_crossentropy", WEIGHTED_SPARSE_COLUMNS,
                    npy("y_true.npy", true), "--reduction", reduction, "--ignore-class", "2");
        }
        assertSameAsXent("loss", "categorical_crossentropy", new String[] {"--label-col", "onehot",
            "--prediction-col", "probs"}, npy("y_onehot.npy", false), "--config", "{\"label_smoothing\": 0.2,"
                + " \"reduction\": \"sum\", \"dtype\": \"float64\"}");
    }

    @Test
    void aLossWithoutAReductionIsBadUsageInOneLine() {
        for (String[] how : new String[][] {{"--reduction", "none"}, {"--config", "{\"reduction\": null}"}}) {
            Run run = new Run("loss", "sparse_categorical_crossentropy", "--input", parquet, "--label-col", "label",
                    "--prediction-col", "probs", how[0], how[1]);
            assertEquals(2, run.code, run.err);
            assertEquals("", run.out);
            assertTrue(run.err.startsWith("xent: error: the reduction none has no single result over a table:"
                    + " xent spark loss prints reduced losses (sum_over_batch_size, sum, mean,"
                    + " mean_with_sample_weight); per-row values come from the SQL function"
                    + " xent_sparse_categorical_crossentropy_values" + System.lineSeparator()), run.err);
        }
    }

    @Test
    void badConfigsAreOneLineWithXentsExitCodes() {
        String[] table = {"--input", parquet, "--label-col", "label", "--prediction-col", "probs"};
        String[][] cases = {
            {"1", "xent: error: --config: invalid JSON at line 1, column ", "metric", "--config", "{\"name\": "},
            {"1", "xent: error: nope.json: no such file (--config @FILE)", "metric", "--config", "@nope.json"},
            {"1", "xent: error: --config: module keras.metrics holds a metric; use 'xent metric' for it", "loss",
                "--config", "{\"module\": \"keras.metrics\", \"class_name\": \"SparseCategoricalCrossentropy\"}"},
            {"2", "xent: error: NAME (categorical_crossentropy) does not match the class_name", "metric",
                "categorical_crossentropy", "--config", "{\"class_name\": \"SparseCategoricalCrossentropy\"}"},
            {"2", "xent: error: NAME is required unless --config has a class_name", "metric", "--config", "{}"},
        };
        for (String[] c : cases) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(c).subList(2, c.length));
            if (args.size() == 3) {
                args.add(1, "sparse_categorical_crossentropy");
            }
            if (c[1].contains("NAME is required")) {
                args.remove(1);
            }
            args.addAll(java.util.List.of(table));
            Run run = new Run(args.toArray(new String[0]));
            assertEquals(Integer.parseInt(c[0]), run.code, String.join(" ", args) + ": " + run.err);
            assertEquals("", run.out);
            assertTrue(run.err.startsWith(c[1]), run.err);
            assertEquals(c[0].equals("2") ? 2 : 1, run.err.lines().count(), run.err);
        }
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":([^,}]+)").matcher(json);
        assertTrue(m.find(), json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void printsWhatXentMetricPrintsForOneAndManyPartitions() {
        MeanMetricWrapper m = XentOptions.defaults().metric(Catalog.SPARSE_CATEGORICAL_CROSSENTROPY);
        m.updateState(NdArray.of(labels), NdArray.of(probabilities, ROWS, CLASSES));
        for (String partitions : new String[] {"1", "13"}) {
            Run run = new Run("metric", "sparse_categorical_crossentropy", "--input", parquet, "--label-col", "label",
                    "--prediction-col", "probs", "--partitions", partitions);
            assertEquals(0, run.code, run.err);
            assertEquals("", run.err);
            String json = run.out.strip();
            assertTrue(json.startsWith("{\"class_name\":\"SparseCategoricalCrossentropy\",\"config\":{\"name\":"
                    + "\"sparse_categorical_crossentropy\",\"dtype\":\"float32\",\"from_logits\":false,"
                    + "\"ignore_class\":null,\"axis\":-1},\"result\":"), json);
            assertEquals(m.result(), number(json, "result"), 1e-9 * m.result(), partitions + " partitions");
            assertEquals(m.total(), number(json, "total"), 1e-9 * m.total());
            assertEquals((double) ROWS, number(json, "count"));
        }
    }

    @Test
    void nullRowsFailWithOneLineOrAreSkippedAndReported() {
        Run fail = new Run("metric", "SparseCategoricalCrossentropy", "--input", parquet, "--label-col",
                "label_with_null", "--prediction-col", "probs");
        assertEquals(1, fail.code);
        assertEquals("", fail.out);
        assertTrue(fail.err.matches("xent: error: sparse_categorical_crossentropy in partition \\d+: row \\d+ has a null"
                + " label \\(label=null, prediction=\\[.*\\]\\); filter nulls out or set skipNulls\\R"), fail.err);
        Run skip = new Run("metric", "sparse_categorical_crossentropy", "--input", parquet, "--label-col",
                "label_with_null", "--prediction-col", "probs", "--skip-nulls");
        assertEquals(0, skip.code, skip.err);
        assertEquals("xent: skipped 1 of 2000 rows with nulls" + System.lineSeparator(), skip.err);
        assertEquals(ROWS - 1, number(skip.out, "count"));
    }

    @Test
    void badUsageExitsTwo() {
        Run run = new Run("metric", "sparse_categorical_crossentropy", "--input", parquet, "--label-col", "label",
                "--prediction-col", "probs", "--label-smoothing", "0.1");
        assertEquals(2, run.code);
        assertTrue(run.err.startsWith("xent: error: --label-smoothing is not an option of"
                + " SparseCategoricalCrossentropy; its options are "), run.err);
        Run gamma = new Run("loss", "categorical_crossentropy", "--input", parquet, "--label-col", "onehot",
                "--prediction-col", "probs", "--gamma", "3");
        assertEquals(2, gamma.code);
        assertTrue(gamma.err.startsWith("xent: error: --gamma is not an option of CategoricalCrossentropy"),
                gamma.err);
        Run unknown = new Run("metric", "hinge", "--input", parquet, "--label-col", "label", "--prediction-col", "p");
        assertEquals(2, unknown.code);
        assertTrue(unknown.err.startsWith("xent: error: NAME (hinge) must be one of"), unknown.err);
    }

    @Test
    void aMissingColumnIsBadData() {
        Run run = new Run("metric", "sparse_categorical_crossentropy", "--input", parquet, "--label-col", "nope",
                "--prediction-col", "probs");
        assertEquals(1, run.code);
        assertTrue(run.err.startsWith("xent: error: column (nope) must be one of the data's columns"), run.err);
    }

    @Test
    void aMissingInputIsOneLine() {
        Run run = new Run("metric", "sparse_categorical_crossentropy", "--input", dir.resolve("nope.parquet").toString(),
                "--label-col", "label", "--prediction-col", "probs");
        assertEquals(1, run.code);
        assertEquals("xent: error: " + dir.resolve("nope.parquet") + ": no such file or directory"
                + System.lineSeparator(), run.err);
    }

    @Test
    void formatsByExtension() {
        assertEquals("parquet", SparkCommand.formatOf("/data/predictions/"));
        assertEquals("orc", SparkCommand.formatOf("x.ORC"));
        assertEquals("json", SparkCommand.formatOf("x.jsonl"));
    }
}
