package dev.xent.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.ndarray.NdArray;
import dev.xent.spark.Crossentropy;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code xent spark metric} over Parquet files written here: the JSON equals what {@code xent metric} prints for the
 * same data (the core's metric on the whole arrays, with the same config), for 1 and many partitions; usage errors
 * exit 2, data errors exit 1 with one line. The command reuses the JVM's running test session.
 */
class SparkMetricCommandTest {

    @TempDir
    static Path dir;

    private static String parquet;
    private static int[] labels;
    private static float[] probabilities;
    private static final int ROWS = 2000;
    private static final int CLASSES = 10;

    @BeforeAll
    static void writeParquet() {
        SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
                .getOrCreate();
        Random r = new Random(3);
        labels = new int[ROWS];
        probabilities = new float[ROWS * CLASSES];
        java.util.List<org.apache.spark.sql.Row> rows = new java.util.ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            labels[i] = r.nextInt(CLASSES);
            Float[] p = new Float[CLASSES];
            for (int c = 0; c < CLASSES; c++) {
                probabilities[i * CLASSES + c] = r.nextFloat();
                p[c] = probabilities[i * CLASSES + c];
            }
            rows.add(org.apache.spark.sql.RowFactory.create(labels[i], p, i == 7 ? null : labels[i]));
        }
        StructType schema = new StructType().add("label", DataTypes.IntegerType)
                .add("probs", DataTypes.createArrayType(DataTypes.FloatType))
                .add("label_with_null", DataTypes.IntegerType);
        parquet = dir.resolve("predictions.parquet").toString();
        spark.createDataFrame(rows, schema).repartition(3).write().parquet(parquet);
    }

    private static final class Run {
        final int code;
        final String out;
        final String err;

        Run(String... args) {
            StringWriter o = new StringWriter();
            StringWriter e = new StringWriter();
            code = SparkCli.newCommandLine(new PrintWriter(o), new PrintWriter(e)).execute(args);
            out = o.toString();
            err = e.toString();
        }
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":([^,}]+)").matcher(json);
        assertTrue(m.find(), json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void printsWhatXentMetricPrintsForOneAndManyPartitions() {
        MeanMetricWrapper m = XentOptions.defaults().metric(Crossentropy.SPARSE_CATEGORICAL);
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
        assertTrue(run.err.startsWith("xent: error: --label-smoothing applies to categorical_crossentropy only"),
                run.err);
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
        assertEquals("parquet", SparkMetricCommand.formatOf("/data/predictions/"));
        assertEquals("orc", SparkMetricCommand.formatOf("x.ORC"));
        assertEquals("json", SparkMetricCommand.formatOf("x.jsonl"));
    }
}
