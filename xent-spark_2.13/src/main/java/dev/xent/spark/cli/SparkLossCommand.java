package dev.xent.spark.cli;

import dev.xent.cli.ConfigInput;
import dev.xent.cli.JsonResult;
import dev.xent.cli.KerasClass;
import dev.xent.losses.CategoricalCrossentropy;
import dev.xent.losses.Loss;
import dev.xent.losses.Reduction;
import dev.xent.losses.SparseCategoricalCrossentropy;
import dev.xent.spark.XentOptions;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code xent spark loss NAME --input PATH --label-col C --prediction-col C ...}: a reduced Keras loss over a table
 * Spark reads, printing the same JSON object as {@code xent loss}. The reduction {@code none} has no single result
 * over a table and is refused (the SQL function {@code xent_NAME_values} gives per-row values).
 */
@Command(name = "loss", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Computes a reduced Keras loss (keras.losses.NAME) over a Parquet, ORC or JSON table with"
                + " Spark and prints one JSON object:",
                "{\"class_name\": ..., \"config\": get_config(), \"result\": ...}.",
                "NaN and infinities are written as the strings \"NaN\", \"Infinity\", \"-Infinity\"."},
        footer = {"",
                "The reduction is exact over the whole table, whatever its partitioning; --reduction none (per-row"
                        + " values) is not available here: use the SQL function xent_NAME_values.",
                "Predictions: array<float> (computed in float32), array<double> or an ML vector (float64); the loss"
                        + " dtype is the config's (float32 by default), as in xent loss.",
                "",
                "Example: xent spark loss sparse_categorical_crossentropy --input preds.parquet --label-col label"
                        + " --prediction-col probability --reduction sum",
                "",
                "Exit codes: 0 success; 1 bad data (one line 'xent: error: ...' on stderr); 2 bad usage."})
final class SparkLossCommand extends SparkCommand {

    @Option(names = "--reduction", paramLabel = "R", order = 17,
            description = "sum_over_batch_size (default), sum, mean or mean_with_sample_weight.")
    String reduction;

    @Override
    boolean isLoss() {
        return true;
    }

    @Override
    Map<String, Object> overridden(ConfigInput cfg) {
        Map<String, Object> c = super.overridden(cfg);
        if (reduction != null) {
            c.put("reduction", reduction);
        }
        return c;
    }

    @Override
    Job job(KerasClass cls, ConfigInput cfg) {
        Loss loss;
        XentOptions.Builder options;
        if (cls == KerasClass.SPARSE) {
            SparseCategoricalCrossentropy l = cfg.build(overridden(cfg), SparseCategoricalCrossentropy::fromConfig,
                    this::usage);
            options = optionsOf(l.arguments(), l.dtype());
            loss = l;
        } else {
            CategoricalCrossentropy l = cfg.build(overridden(cfg), CategoricalCrossentropy::fromConfig, this::usage);
            options = optionsOf(l.arguments(), l.dtype());
            loss = l;
        }
        if (loss.reduction() == Reduction.NONE) {
            throw usage("the reduction none has no single result over a table: xent spark loss prints reduced losses"
                    + " (sum_over_batch_size, sum, mean, mean_with_sample_weight); per-row values come from the SQL"
                    + " function xent_" + cls.snakeName + "_values");
        }
        return new Job(options.reduction(loss.reduction()).build(),
                s -> JsonResult.loss(cls.className, loss.getConfig(), s.getResult()));
    }
}
