package dev.xent.spark.bench;

import dev.xent.catalog.Catalog;
import dev.xent.catalog.KerasFunction;
import dev.xent.spark.XentAggregator;
import dev.xent.spark.XentFunctions;
import dev.xent.spark.XentInput;
import dev.xent.spark.XentOptions;
import dev.xent.spark.internal.Binding;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.TypedColumn;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;

/**
 * Rows per second of the xent sparse categorical cross-entropy against MLlib's
 * {@code MulticlassClassificationEvaluator(metricName = "logLoss")}, on the same cached DataFrame in the same run
 * (not a unit test), three ways: the SQL aggregate ({@code data.select(XentFunctions.column(...))}, what the SQL
 * functions run), the Dataset scan ({@link XentFunctions#aggregate}, what the evaluator and the command line run) and
 * the typed {@link XentAggregator} over a {@code Dataset<XentInput>} of beans. All compute the mean of
 * {@code -log p[label]}; the results are printed side by side as a check.
 *
 * <p>Run (from the repository root, after {@code mvn -pl xent-spark_2.13 -am test-compile}):
 * <pre>
 * xent-spark_2.13/bin/xent-spark-bench [--rows 10000000] [--classes 100] [--column array|vector] [--runs 3]
 *     [--batch-rows 512]
 * </pre>
 * Columns: {@code array} is {@code array<float>} probabilities (Keras's float32 output; MLlib converts it to a
 * vector per row), {@code vector} is an ML {@code Vector} (MLlib's own type; xent computes it in float64).
 */
public final class LogLossBenchmark {

    private static final KerasFunction SCCE = Catalog.SPARSE_CATEGORICAL_CROSSENTROPY;

    private LogLossBenchmark() {}

    public static void main(String[] args) throws Exception {
        long rows = 10_000_000L;
        int classes = 100;
        String column = "array";
        int runs = 3;
        int batchRows = XentOptions.DEFAULT_BATCH_ROWS;
        String master = "local[2]";
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--rows": rows = Long.parseLong(args[i + 1]); break;
                case "--classes": classes = Integer.parseInt(args[i + 1]); break;
                case "--column": column = args[i + 1]; break;
                case "--runs": runs = Integer.parseInt(args[i + 1]); break;
                case "--batch-rows": batchRows = Integer.parseInt(args[i + 1]); break;
                case "--master": master = args[i + 1]; break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        SparkSession spark = SparkSession.builder().master(master).appName("xent logLoss benchmark")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        System.out.printf(Locale.ROOT, "machine: %d cores, JVM %s, max heap %.1f GiB, load average %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"),
                Runtime.getRuntime().maxMemory() / 1073741824.0, loadAverage());
        System.out.printf(Locale.ROOT, "data: %,d rows x %d classes, %s column, master %s, xent batchRows %d%n",
                rows, classes, column, master, batchRows);

        int c = classes;
        int partitions = Math.max(2, (int) (rows / 250_000));
        long t0 = System.nanoTime();
        Dataset<XentInput> generated = spark.range(0, rows, 1, partitions).mapPartitions(
                (MapPartitionsFunction<Long, XentInput>) ids -> generate(ids, c), XentInput.encoder());
        Dataset<Row> data = generated.selectExpr("CAST(label AS INT) AS label", "floatPrediction AS probability",
                "0D AS prediction");
        if (column.equals("vector")) {
            data = data.withColumn("probability", functions.array_to_vector(data.col("probability")));
        }
        data = data.persist(StorageLevel.MEMORY_AND_DISK());
        long count = data.count();
        System.out.printf(Locale.ROOT, "generated and cached %,d rows in %d partitions in %.1f s%n", count,
                data.rdd().getNumPartitions(), (System.nanoTime() - t0) / 1e9);

        XentOptions options = XentOptions.builder().batchRows(batchRows).build();
        MulticlassClassificationEvaluator mllib = new MulticlassClassificationEvaluator().setMetricName("logLoss")
                .setLabelCol("label").setProbabilityCol("probability").setPredictionCol("prediction");
        Column sqlAggregate = XentFunctions.column(data, SCCE, false, options, "label",
                "probability", null, null);
        Dataset<XentInput> beans = asInputs(data, column.equals("vector") ? "vectorPrediction" : "floatPrediction");
        TypedColumn<XentInput, Double> typed = XentAggregator.metric(SCCE, options, false).toColumn();
        String[] names = {"xent SQL aggregate", "xent Dataset scan", "xent typed Aggregator", "MLlib logLoss"};
        List<List<Double>> times = new ArrayList<>();
        double[] values = new double[names.length];
        for (int k = 0; k < names.length; k++) {
            times.add(new ArrayList<>());
        }
        for (int run = -1; run < runs; run++) {
            StringBuilder line = new StringBuilder(run < 0 ? "warm-up:" : "run " + (run + 1) + ":");
            for (int k = 0; k < names.length; k++) {
                long s = System.nanoTime();
                switch (k) {
                    case 0: values[k] = data.select(sqlAggregate).first().getStruct(0).getDouble(1); break;
                    case 1: values[k] = XentFunctions.aggregate(data, SCCE, false,
                            options, "label", "probability", null, null).getResult(); break;
                    case 2: values[k] = beans.select(typed).first(); break;
                    default: values[k] = mllib.evaluate(data); break;
                }
                double seconds = (System.nanoTime() - s) / 1e9;
                line.append(String.format(Locale.ROOT, " %s %.2f s%s", names[k], seconds,
                        k + 1 < names.length ? "," : ""));
                if (run >= 0) {
                    times.get(k).add(seconds);
                }
            }
            System.out.println(line);
        }
        double ml = median(times.get(names.length - 1));
        StringBuilder summary = new StringBuilder(String.format(Locale.ROOT, "median of %d runs (rows/s):", runs));
        for (int k = 0; k < names.length; k++) {
            double t = median(times.get(k));
            summary.append(String.format(Locale.ROOT, " %s %,.0f", names[k], count / t))
                    .append(k + 1 < names.length ? String.format(Locale.ROOT, " (%.2fx MLlib);", ml / t) : "");
        }
        System.out.println(summary);
        StringBuilder results = new StringBuilder("results:");
        for (int k = 0; k < names.length; k++) {
            results.append(String.format(Locale.ROOT, " %s %.10f%s", names[k], values[k],
                    k + 1 < names.length ? "," : ""));
        }
        System.out.println(results.append(" (Keras rounds each value to float32 and renormalises by the row sum;"
                + " MLlib does neither)"));
        System.out.printf(Locale.ROOT, "load average at the end: %s%n", loadAverage());
        spark.stop();
    }

    /** The rows as the typed Aggregator's input beans: the label, the prediction in {@code field}, nulls elsewhere. */
    private static Dataset<XentInput> asInputs(Dataset<Row> data, String field) {
        List<Column> cols = new ArrayList<>();
        for (StructField f : Binding.INPUT_SCHEMA.fields()) {
            cols.add(f.name().equals("label") ? data.col("label").cast("double").as("label")
                    : f.name().equals(field) ? data.col("probability").as(field)
                    : org.apache.spark.sql.functions.lit(null).cast(f.dataType()).as(f.name()));
        }
        return data.select(cols.toArray(new Column[0])).as(XentInput.encoder());
    }

    /** Rows with probabilities from a fixed per-partition seed: label uniform, probabilities a normalised draw. */
    private static Iterator<XentInput> generate(Iterator<Long> ids, int classes) {
        List<XentInput> out = new ArrayList<>();
        long state = -1;
        while (ids.hasNext()) {
            long id = ids.next();
            if (state == -1) {
                state = id * 0x9E3779B97F4A7C15L + 1;
            }
            float[] p = new float[classes];
            float sum = 0;
            for (int k = 0; k < classes; k++) {
                state = state * 6364136223846793005L + 1442695040888963407L;
                p[k] = ((state >>> 40) + 1) / (float) (1L << 24);
                sum += p[k];
            }
            for (int k = 0; k < classes; k++) {
                p[k] /= sum;
            }
            state = state * 6364136223846793005L + 1442695040888963407L;
            out.add(XentInput.sparse((double) ((state >>> 33) % classes), p));
        }
        return out.iterator();
    }

    private static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean()
                    .getSystemLoadAverage());
        }
    }
}
