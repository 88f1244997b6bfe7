package dev.xent.spark.cli;

import dev.xent.catalog.KerasFunction;
import dev.xent.cli.ConfigInput;
import dev.xent.cli.JsonResult;
import dev.xent.cli.KerasOptions;
import dev.xent.losses.Loss;
import dev.xent.losses.Reduction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
                "A row is a sample. Predictions: array<float> (computed in float32), array<double> or an ML vector"
                        + " (float64), or a number (a one-element class axis); the loss dtype is the config's (float32"
                        + " by default), as in xent loss. Labels as for xent spark metric.",
                "",
                "Example: xent spark loss sparse_categorical_crossentropy --input preds.parquet --label-col label"
                        + " --prediction-col probability --reduction sum",
                "",
                "Exit codes: 0 success; 1 bad data (one line 'xent: error: ...' on stderr); 2 bad usage."})
final class SparkLossCommand extends SparkCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", completionCandidates = KerasOptions.LossNames.class,
            description = {"The loss: one of ${COMPLETION-CANDIDATES}. May be omitted when --config has a"
                    + " class_name."})
    String name;

    @Option(names = "--reduction", paramLabel = "R", order = 60,
            description = "sum_over_batch_size (default), sum, mean or mean_with_sample_weight.")
    String reduction;

    SparkLossCommand() {
        super(KerasOptions.forLosses());
    }

    @Override
    String name() {
        return name;
    }

    @Override
    boolean isLoss() {
        return true;
    }

    @Override
    Job job(KerasFunction f, ConfigInput cfg) {
        Loss loss = keras.newLoss(f, cfg, reduction, this::usage);
        if (loss.reduction() == Reduction.NONE) {
            throw usage("the reduction none has no single result over a table: xent spark loss prints reduced losses"
                    + " (sum_over_batch_size, sum, mean, mean_with_sample_weight); per-row values come from the SQL"
                    + " function xent_" + f.name() + "_values");
        }
        return new Job(optionsOf(loss.arguments(), loss.dtype()).reduction(loss.reduction()).build(),
                s -> JsonResult.loss(loss, s.getResult()));
    }
}
