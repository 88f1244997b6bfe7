package dev.xent.cli;

import dev.xent.internal.kernel.Kernels;
import dev.xent.metrics.CategoricalCrossentropy;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.metrics.SparseCategoricalCrossentropy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code xent metric NAME --y-true FILE --y-pred FILE ...}: a Keras metric, streamed over the files. */
@Command(name = "metric", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Computes a Keras metric (keras.metrics.NAME) over NumPy files; prints one JSON object.",
                "Its keys: class_name, config (Keras's get_config()), result, total, count. NaN and infinities are"
                        + " written as the strings \"NaN\", \"Infinity\", \"-Infinity\"."},
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

    @Option(names = "--exclude-ignored-from-count", order = 31,
            description = "Sparse only, not Keras 3: leave --ignore-class entries out of count even without a sample"
                    + " weight (tf.keras 2 and PyTorch's ignore_index). Not in the config.")
    boolean excludeIgnoredFromCount;

    @Option(names = "--reduction", hidden = true, paramLabel = "R")
    String reduction;

    @Option(names = "--output", hidden = true, paramLabel = "FILE")
    String output;

    @Override
    boolean isLoss() {
        return false;
    }

    @Override
    void checkApplicable(KerasClass cls) {
        if (reduction != null) {
            throw usage("--reduction applies to 'xent loss' only: a metric always averages per sample");
        }
        if (output != null) {
            throw usage("--output applies to 'xent loss --reduction none' only");
        }
        super.checkApplicable(cls);
        if (cls == KerasClass.CATEGORICAL && excludeIgnoredFromCount) {
            throw usage("--exclude-ignored-from-count applies to sparse_categorical_crossentropy only");
        }
    }

    @Override
    int evaluate(KerasClass cls, ConfigInput cfg) {
        MeanMetricWrapper metric;
        int axis;
        boolean fromLogits;
        if (cls == KerasClass.SPARSE) {
            SparseCategoricalCrossentropy m = build(cfg, overridden(cfg.config),
                    SparseCategoricalCrossentropy::fromConfig);
            if (normalizeBeforeClip || excludeIgnoredFromCount) {
                m = m.toBuilder().normalizeBeforeClip(normalizeBeforeClip)
                        .excludeIgnoredFromCount(excludeIgnoredFromCount).build();
            }
            metric = m;
            axis = m.axis();
            fromLogits = m.fromLogits();
        } else {
            CategoricalCrossentropy m = build(cfg, overridden(cfg.config), CategoricalCrossentropy::fromConfig);
            if (smoothOverClassAxis) {
                m = m.toBuilder().smoothOverClassAxis(true).build();
            }
            metric = m;
            axis = m.axis();
            fromLogits = m.fromLogits();
        }
        try (Inputs in = Inputs.open(yTrue, yPred, sampleWeight)) {
            Plan plan = Plan.of(in, false, cls, axis, null, batchSize);
            Kernels.with(oneShotKernel(in, fromLogits), () -> {
                forEachChunk(in, plan, c -> metric.updateState(c.yTrue, c.yPred, c.weight));
                return null;
            });
        }
        print(JsonResult.metric(cls.className, metric.getConfig(), metric.result(), metric.total(), metric.count()));
        return 0;
    }
}
