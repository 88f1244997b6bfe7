package dev.xent.spark.cli;

import dev.xent.catalog.KerasFunction;
import dev.xent.cli.ConfigInput;
import dev.xent.cli.JsonResult;
import dev.xent.cli.KerasOptions;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.spark.XentOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

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
                "A row is a sample. Predictions: array<float> (computed in float32), array<double> or an ML vector"
                        + " (float64); a number is a one-element class axis (one probability per row for the binary"
                        + " functions). Labels of the sparse functions: int, bigint or whole doubles; of the others:"
                        + " numeric arrays of the prediction's length (or a number with a one-element prediction).",
                "Every row must have the first row's number of classes.",
                "Segmentation rows: a flattened row-major prediction plus --shape-col (such as [4, 4, 3]); a sparse"
                        + " label is then the flattened map of class indices.",
                "",
                "Example: xent spark metric sparse_categorical_crossentropy --input preds.parquet --label-col label"
                        + " --prediction-col probability",
                "",
                "Exit codes: 0 success; 1 bad data (one line 'xent: error: ...' on stderr); 2 bad usage."})
final class SparkMetricCommand extends SparkCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", completionCandidates = KerasOptions.MetricNames.class,
            description = {"The metric: one of ${COMPLETION-CANDIDATES}. A function Keras has no metric class for gives"
                    + " the MeanMetricWrapper of the function, as Keras's compile(metrics=[NAME]). May be omitted when"
                    + " --config has a class_name."})
    String name;

    SparkMetricCommand() {
        super(KerasOptions.forMetrics());
    }

    @Override
    String name() {
        return name;
    }

    @Override
    boolean isLoss() {
        return false;
    }

    @Override
    Job job(KerasFunction f, ConfigInput cfg) {
        MeanMetricWrapper m = keras.newMetric(f, cfg, this::usage);
        XentOptions options = optionsOf(m.arguments(), m.dtype()).build();
        return new Job(options, s -> JsonResult.metric(m, s.getResult(), s.getTotal(), s.getCount()));
    }
}
