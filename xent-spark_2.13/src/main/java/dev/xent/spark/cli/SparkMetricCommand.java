package dev.xent.spark.cli;

import dev.xent.cli.ConfigInput;
import dev.xent.cli.JsonResult;
import dev.xent.cli.KerasClass;
import dev.xent.metrics.CategoricalCrossentropy;
import dev.xent.metrics.SparseCategoricalCrossentropy;
import dev.xent.spark.XentOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
final class SparkMetricCommand extends SparkCommand {

    @Option(names = "--exclude-ignored-from-count", order = 31,
            description = "Sparse only: leave --ignore-class entries out of count even without weights (tf.keras 2).")
    boolean excludeIgnoredFromCount;

    @Override
    boolean isLoss() {
        return false;
    }

    @Override
    void checkApplicable(KerasClass cls) {
        super.checkApplicable(cls);
        if (cls == KerasClass.CATEGORICAL && excludeIgnoredFromCount) {
            throw usage("--exclude-ignored-from-count applies to sparse_categorical_crossentropy only");
        }
    }

    @Override
    Job job(KerasClass cls, ConfigInput cfg) {
        if (cls == KerasClass.SPARSE) {
            SparseCategoricalCrossentropy m = cfg.build(overridden(cfg), SparseCategoricalCrossentropy::fromConfig,
                    this::usage);
            XentOptions.Builder b = optionsOf(m.arguments(), m.dtype());
            XentOptions options = (excludeIgnoredFromCount ? b.excludeIgnoredFromCount(true) : b).build();
            return new Job(options, s -> JsonResult.metric(cls.className, m.getConfig(), s.getResult(), s.getTotal(),
                    s.getCount()));
        }
        CategoricalCrossentropy m = cfg.build(overridden(cfg), CategoricalCrossentropy::fromConfig, this::usage);
        XentOptions options = optionsOf(m.arguments(), m.dtype()).build();
        return new Job(options, s -> JsonResult.metric(cls.className, m.getConfig(), s.getResult(), s.getTotal(),
                s.getCount()));
    }
}
