package dev.xent.cli;

import dev.xent.catalog.KerasFunction;
import dev.xent.metrics.MeanMetricWrapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code xent metric NAME --y-true FILE --y-pred FILE ...}: a Keras metric, streamed over the files. */
@Command(name = "metric", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Computes a Keras metric (keras.metrics.NAME) over NumPy files; prints one JSON object.",
                "Its keys: class_name, config (Keras's get_config()), result, total, count. NaN and infinities are"
                        + " written as the strings \"NaN\", \"Infinity\", \"-Infinity\".",
                "Options a metric lacks are refused (exit 2); each option's help names the functions that take it."},
        footer = {"",
                "FILE is a .npy of dtype float16/32/64, int8/16/32/64, uint8/16/32/64 or bool, in C or Fortran order,"
                        + " either byte order, or ARCHIVE.npz:KEY for one array of an .npz (stored or deflated).",
                "Inputs are read in chunks of --batch-size rows of the first axis, with one update_state per chunk,"
                        + " so memory is bounded by the chunk whatever the file size.",
                "A scalar (rank-0) sample weight is applied to each chunk, as Keras applies it to each batch: the"
                        + " result then depends on --batch-size, as Keras's depends on the batch size.",
                "Integer and bool predictions are converted to float32; float16 predictions are computed in float32"
                        + " (Keras would compute in float16). Labels stay integers.",
                "",
                "Example: xent metric sparse_categorical_crossentropy --y-true y_true.npy --y-pred y_pred.npy",
                "",
                "Exit codes: 0 success; 1 bad data (one line 'xent: error: ...' on stderr); 2 bad usage."})
final class MetricCommand extends EvaluateCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", completionCandidates = KerasOptions.MetricNames.class,
            description = {"The metric: one of ${COMPLETION-CANDIDATES}. A function Keras has no metric class for gives"
                    + " the MeanMetricWrapper of the function, as Keras's compile(metrics=[NAME]). May be omitted when"
                    + " --config has a class_name."})
    String name;

    @Option(names = "--reduction", hidden = true, paramLabel = "R")
    String reduction;

    @Option(names = "--output", hidden = true, paramLabel = "FILE")
    String output;

    @Option(names = "--gradient", hidden = true, paramLabel = "FILE")
    String gradient;

    MetricCommand() {
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
    void checkOptionValues() {
        if (reduction != null) {
            throw usage("--reduction applies to 'xent loss' only: a metric always averages per sample");
        }
        if (output != null) {
            throw usage("--output applies to 'xent loss --reduction none' only");
        }
        if (gradient != null) {
            throw usage("--gradient applies to 'xent loss' only");
        }
        super.checkOptionValues();
    }

    @Override
    int evaluate(KerasFunction f, ConfigInput cfg) {
        MeanMetricWrapper metric = keras.newMetric(f, cfg, this::usage);
        try (Inputs in = Inputs.open(yTrue, yPred, sampleWeight)) {
            Plan plan = Plan.of(in, false, f, metric.arguments(), null, batchSize);
            withOneShotKernel(in, metric.arguments(), () -> {
                forEachChunk(in, plan, c -> metric.updateState(c.yTrue, c.yPred, c.weight));
                return null;
            });
        }
        print(JsonResult.metric(metric, metric.result(), metric.total(), metric.count()));
        return 0;
    }
}
