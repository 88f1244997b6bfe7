package dev.xent.spark.cli;

import dev.xent.catalog.Arguments;
import dev.xent.catalog.KerasFunction;
import dev.xent.cli.ConfigInput;
import dev.xent.cli.KerasOptions;
import dev.xent.ndarray.DType;
import dev.xent.spark.XentFunctions;
import dev.xent.spark.XentOptions;
import dev.xent.spark.XentSummary;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What {@code xent spark metric} and {@code xent spark loss} share: the table, the columns and Keras's options,
 * read as {@code xent metric} and {@code xent loss} read them ({@code NAME}, {@code --config} and the options over
 * its keys, through xent-cli's {@link ConfigInput}); the Spark session; the summary over the table.
 */
abstract class SparkCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    SparkCommand(KerasOptions keras) {
        this.keras = keras;
    }

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

    @Mixin
    KerasOptions keras;

    @Option(names = "--skip-nulls", order = 32,
            description = "Skip rows with a null label, prediction, weight or shape (their number goes to stderr)"
                    + " instead of failing.")
    boolean skipNulls;

    @Option(names = "--master", paramLabel = "URL", order = 40, defaultValue = "local[*]",
            description = "Spark master URL (default local[*]).")
    String master;

    @Option(names = "--partitions", paramLabel = "N", order = 41,
            description = "Repartition the input into N partitions first (the result does not depend on it).")
    Integer partitions;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", order = 42,
            description = "A Spark configuration property; repeatable.")
    Map<String, String> conf;

    /** NAME: a catalogue function or class name, or null (then {@code --config}'s class_name). */
    abstract String name();

    /** Whether this is {@code xent spark loss}. */
    abstract boolean isLoss();

    /** What a command runs: the aggregation's options, and the JSON object it prints for the summary. */
    record Job(XentOptions options, Function<XentSummary, String> json) {}

    /**
     * The job for the core metric or loss built from the config with the options over it (its {@code getConfig()}
     * is what the JSON shows, as {@code xent metric} and {@code xent loss} show it).
     */
    abstract Job job(KerasFunction f, ConfigInput cfg);

    @Override
    public final Integer call() {
        keras.checkValues(this::usage);
        if (partitions != null && partitions < 1) {
            throw usage("--partitions (" + partitions + ") must be at least 1");
        }
        String fmt = format != null ? format.toLowerCase(Locale.ROOT) : formatOf(input);
        if (!fmt.equals("parquet") && !fmt.equals("orc") && !fmt.equals("json")) {
            throw usage("--format (" + fmt + ") must be parquet, orc or json");
        }
        ConfigInput cfg = keras.config();
        KerasFunction f = keras.resolve(name(), cfg, isLoss(), this::usage);
        Job job = job(f, cfg);
        if (!input.contains("://") || input.startsWith("file:")) {
            java.nio.file.Path local = java.nio.file.Path.of(input.startsWith("file:")
                    ? java.net.URI.create(input).getPath() : input);
            if (!java.nio.file.Files.exists(local)) {
                throw new IllegalArgumentException(input + ": no such file or directory");
            }
        }
        // A session that already runs in this JVM (an embedding application, tests) is used as is and left running.
        boolean ownSession = SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = ownSession ? newSession() : SparkSession.getDefaultSession().get();
        try {
            Dataset<Row> data = spark.read().format(fmt).load(input);
            if (partitions != null) {
                data = data.repartition(partitions);
            }
            XentSummary s = XentFunctions.aggregate(data, f, isLoss(),
                    job.options(), labelCol, predictionCol, weightCol, shapeCol);
            PrintWriter out = spec.commandLine().getOut();
            out.println(job.json().apply(s));
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

    /**
     * The aggregation's options: the core object's arguments (Keras's and the extensions, by key, whatever the
     * function) and dtype, plus this command's own flags.
     */
    XentOptions.Builder optionsOf(Arguments args, DType type) {
        return XentOptions.builder().setAll(args.asMap()).dtype(type).skipNulls(skipNulls);
    }

    /** The newest Java feature release Spark 4.0 starts on: it calls {@code Subject.getSubject}, refused since 23. */
    static final int NEWEST_JAVA = 22;

    private SparkSession newSession() {
        int java = Runtime.version().feature();
        if (java > NEWEST_JAVA) {
            throw usage("Spark 4.0 runs on Java 17 to " + NEWEST_JAVA + ", and this is Java " + java
                    + "; point JAVA_HOME at a JDK 17 or 21");
        }
        SparkSession.Builder b = SparkSession.builder().appName("xent spark " + spec.name()).master(master)
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

    ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
