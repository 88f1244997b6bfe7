package dev.xent.spark.bench;

import dev.xent.spark.Crossentropy;
import dev.xent.spark.XentFunctions;
import dev.xent.spark.XentInput;
import dev.xent.spark.XentOptions;
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
import org.apache.spark.storage.StorageLevel;

/**
 * Rows per second of the xent sparse categorical cross-entropy, as the {@code Aggregator} (what the SQL functions
 * run) and as {@link XentFunctions#aggregate} (the Dataset scan the evaluator and the command line run), against MLlib's
 * {@code MulticlassClassificationEvaluator(metricName = "logLoss")}, on the same cached DataFrame in the same run
 * (not a unit test). Both compute the mean of {@code -log p[label]}; the results are printed side by side as a check.
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
        Column aggregator = XentFunctions.column(data, Crossentropy.SPARSE_CATEGORICAL, false, options, "label",
                "probability", null, null);
        List<Double> aggTimes = new ArrayList<>();
        List<Double> scanTimes = new ArrayList<>();
        List<Double> mllibTimes = new ArrayList<>();
        double aggValue = 0;
        double scanValue = 0;
        double mllibValue = 0;
        for (int run = -1; run < runs; run++) {
            long s = System.nanoTime();
            aggValue = data.select(aggregator).first().getStruct(0).getDouble(1);
            double aggSeconds = (System.nanoTime() - s) / 1e9;
            s = System.nanoTime();
            scanValue = XentFunctions.aggregate(data, Crossentropy.SPARSE_CATEGORICAL, false, options, "label",
                    "probability", null, null).getResult();
            double scanSeconds = (System.nanoTime() - s) / 1e9;
            s = System.nanoTime();
            mllibValue = mllib.evaluate(data);
            double mllibSeconds = (System.nanoTime() - s) / 1e9;
            System.out.printf(Locale.ROOT, "%s: xent Aggregator %.2f s, xent Dataset scan %.2f s, MLlib logLoss %.2f s%n",
                    run < 0 ? "warm-up" : "run " + (run + 1), aggSeconds, scanSeconds, mllibSeconds);
            if (run >= 0) {
                aggTimes.add(aggSeconds);
                scanTimes.add(scanSeconds);
                mllibTimes.add(mllibSeconds);
            }
        }
        double agg = median(aggTimes);
        double scan = median(scanTimes);
        double ml = median(mllibTimes);
        System.out.printf(Locale.ROOT, "median of %d runs (rows/s): xent Aggregator %,.0f (%.2fx MLlib); xent Dataset"
                + " scan %,.0f (%.2fx MLlib); MLlib logLoss %,.0f%n", runs, count / agg, ml / agg, count / scan,
                ml / scan, count / ml);
        System.out.printf(Locale.ROOT, "results: xent Aggregator %.10f, xent scan %.10f, MLlib %.10f (Keras rounds each"
                + " value to float32 and renormalises by the row sum; MLlib does neither)%n", aggValue, scanValue,
                mllibValue);
        System.out.printf(Locale.ROOT, "load average at the end: %s%n", loadAverage());
        spark.stop();
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
