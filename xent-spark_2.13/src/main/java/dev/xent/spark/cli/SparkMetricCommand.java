package dev.xent.spark.cli;

import dev.xent.metrics.Metric;
import dev.xent.ndarray.DType;
import dev.xent.spark.Crossentropy;
import dev.xent.spark.XentFunctions;
import dev.xent.spark.XentOptions;
import dev.xent.spark.XentSummary;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code xent spark metric NAME --input PATH --label-col C --prediction-col C ...}: a Keras metric over a table
 * Spark reads, printing the same JSON object as {@code xent metric}.
 */
@Command(name = "metric", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Computes a Keras metric (keras.metrics.NAME) over a Parquet, ORC or JSON table with Spark and"
                + " prints one JSON object:",
                "{\"class_name\": ..., \"config\": get_config(), \"result\": ..., \"total\": ..., \"count\": ...}.",
                "NaN and infinities are written as the strings \"NaN\", \"Infinity\", \"-Infinity\"."},
        footer = {"",
                "Predictions: array<float> (computed in float32), array<double> or an ML vector (float64). Sparse"
                        + " labels: int, bigint or whole doubles; categorical labels: numeric arrays.",
                "Segmentation rows: a flattened row-major prediction plus --shape-col (such as [4, 4, 3]); a sparse"
                        + " label is then the flattened map of class indices.",
                "",
                "Example: xent spark metric sparse_categorical_crossentropy --input preds.parquet --label-col label"
                        + " --prediction-col probability",
                "",
                "Exit codes: 0 success; 1 bad data (one line 'xent: error: ...' on stderr); 2 bad usage."})
public final class SparkMetricCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME",
            description = "sparse_categorical_crossentropy or categorical_crossentropy (or the class name).")
    String name;

    @Option(names = "--input", required = true, paramLabel = "PATH", order = 1,
            description = "A table Spark reads: a file or directory; the format comes from --format or the extension"
                    + " (.parquet, .orc, .json, .jsonl; a directory without one is Parquet).")
    String input;

    @Option(names = "--format", paramLabel = "FMT", order = 2,
            description = "parquet, orc or json, overriding the extension.")
    String format;

    @Option(names = "--label-col", required = true, paramLabel = "C", order = 3, description = "The label column.")
    String labelCol;

    @Option(names = "--prediction-col", required = true, paramLabel = "C", order = 4,
            description = "The prediction column: probabilities, or logits with --from-logits.")
    String predictionCol;

    @Option(names = "--weight-col", paramLabel = "C", order = 5, description = "A per-row sample weight column.")
    String weightCol;

    @Option(names = "--shape-col", paramLabel = "C", order = 6,
            description = "A column with each row's prediction shape, class axis included (segmentation maps).")
    String shapeCol;

    @Option(names = "--from-logits", order = 10, description = "Predictions are logits (from_logits=True).")
    boolean fromLogits;

    @Option(names = "--ignore-class", paramLabel = "INT", order = 11,
            description = "Sparse only: a label value whose entries are ignored (ignore_class).")
    Integer ignoreClass;

    @Option(names = "--axis", paramLabel = "INT", order = 12, defaultValue = "-1",
            description = "The class axis in the batch (rows, ...shape) (default -1).")
    int axis;

    @Option(names = "--label-smoothing", paramLabel = "FLOAT", order = 13,
            description = "Categorical only: label smoothing in [0, 1].")
    Double labelSmoothing;

    @Option(names = "--dtype", paramLabel = "float32|float64", order = 14, defaultValue = "float32",
            description = "The metric state's dtype (default float32).")
    String dtype;

    @Option(names = "--normalize-before-clip", order = 15,
            description = "Sparse only: divide probabilities by the row sum, then clip (Keras on JAX/PyTorch).")
    boolean normalizeBeforeClip;

    @Option(names = "--exclude-ignored-from-count", order = 16,
            description = "Sparse only: leave --ignore-class entries out of count even without weights (tf.keras 2).")
    boolean excludeIgnoredFromCount;

    @Option(names = "--skip-nulls", order = 17,
            description = "Skip rows with a null label, prediction, weight or shape (their number goes to stderr)"
                    + " instead of failing.")
    boolean skipNulls;

    @Option(names = "--master", paramLabel = "URL", order = 20, defaultValue = "local[*]",
            description = "Spark master URL (default local[*]).")
    String master;

    @Option(names = "--partitions", paramLabel = "N", order = 21,
            description = "Repartition the input into N partitions first (the result does not depend on it).")
    Integer partitions;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", order = 22,
            description = "A Spark configuration property; repeatable.")
    Map<String, String> conf;

    @Override
    public Integer call() {
        Crossentropy kind;
        try {
            kind = Crossentropy.fromName(name);
        } catch (IllegalArgumentException e) {
            throw usage("NAME (" + name + ") must be one of sparse_categorical_crossentropy,"
                    + " SparseCategoricalCrossentropy, categorical_crossentropy, CategoricalCrossentropy");
        }
        XentOptions options = options(kind);
        String fmt = format != null ? format.toLowerCase(Locale.ROOT) : formatOf(input);
        if (!fmt.equals("parquet") && !fmt.equals("orc") && !fmt.equals("json")) {
            throw usage("--format (" + fmt + ") must be parquet, orc or json");
        }
        if (!input.contains("://") || input.startsWith("file:")) {
            java.nio.file.Path local = java.nio.file.Path.of(input.startsWith("file:")
                    ? java.net.URI.create(input).getPath() : input);
            if (!java.nio.file.Files.exists(local)) {
                throw new IllegalArgumentException(input + ": no such file or directory");
            }
        }
        if (partitions != null && partitions < 1) {
            throw usage("--partitions (" + partitions + ") must be at least 1");
        }
        // A session that already runs in this JVM (an embedding application, tests) is used as is and left running.
        boolean ownSession = SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = ownSession ? newSession() : SparkSession.getDefaultSession().get();
        try {
            Dataset<Row> data = spark.read().format(fmt).load(input);
            if (partitions != null) {
                data = data.repartition(partitions);
            }
            XentSummary s = XentFunctions.aggregate(data, kind, false, options, labelCol, predictionCol, weightCol,
                    shapeCol);
            Metric metric = options.metric(kind);
            PrintWriter out = spec.commandLine().getOut();
            out.println(Json.metric(kind.className(), metric.getConfig(), s.getResult(), s.getTotal(),
                    s.getCount()));
            out.flush();
            if (s.getSkipped() > 0) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("xent: skipped " + s.getSkipped() + " of " + s.getRows() + " rows with nulls");
                err.flush();
            }
            return 0;
        } finally {
            if (ownSession) {
                spark.stop();
            }
        }
    }

    private XentOptions options(Crossentropy kind) {
        if (kind == Crossentropy.SPARSE_CATEGORICAL && labelSmoothing != null) {
            throw usage("--label-smoothing applies to categorical_crossentropy only");
        }
        if (kind == Crossentropy.CATEGORICAL && (ignoreClass != null || normalizeBeforeClip
                || excludeIgnoredFromCount)) {
            throw usage("--ignore-class, --normalize-before-clip and --exclude-ignored-from-count apply to"
                    + " sparse_categorical_crossentropy only");
        }
        if (labelSmoothing != null && !(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw usage("--label-smoothing (" + labelSmoothing + ") must be in [0, 1]");
        }
        if (!dtype.equals("float32") && !dtype.equals("float64")) {
            throw usage("--dtype (" + dtype + ") must be float32 or float64");
        }
        return XentOptions.builder().fromLogits(fromLogits).ignoreClass(ignoreClass)
                .labelSmoothing(labelSmoothing == null ? 0 : labelSmoothing).axis(axis)
                .dtype(DType.fromKerasName(dtype)).normalizeBeforeClip(normalizeBeforeClip)
                .excludeIgnoredFromCount(excludeIgnoredFromCount).skipNulls(skipNulls).build();
    }

    private SparkSession newSession() {
        SparkSession.Builder b = SparkSession.builder().appName("xent spark metric").master(master)
                .config("spark.ui.enabled", "false");
        if (conf != null) {
            conf.forEach(b::config);
        }
        SparkSession s = b.getOrCreate();
        s.sparkContext().setLogLevel("WARN");
        return s;
    }

    static String formatOf(String path) {
        String p = path.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
        if (p.endsWith(".orc")) {
            return "orc";
        }
        if (p.endsWith(".json") || p.endsWith(".jsonl") || p.endsWith(".ndjson")) {
            return "json";
        }
        return "parquet";
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
