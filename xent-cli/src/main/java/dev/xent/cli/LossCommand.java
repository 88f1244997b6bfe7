package dev.xent.cli;

import dev.xent.catalog.KerasFunction;
import dev.xent.losses.Loss;
import dev.xent.losses.LossState;
import dev.xent.losses.Reduction;
import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import dev.xent.npy.NpyWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code xent loss NAME --y-true FILE --y-pred FILE ...}: a Keras loss, reduced exactly over chunks of the files. */
@Command(name = "loss", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Computes a Keras loss (keras.losses.NAME) over NumPy files; prints one JSON object.",
                "Its keys: class_name, config (Keras's get_config()), result. With --reduction none, result is null"
                        + " and the per-element losses go to --output as a float32 .npy of Keras's output shape,"
                        + " written atomically. NaN and infinities are written as the strings \"NaN\","
                        + " \"Infinity\", \"-Infinity\".",
                "Options a loss lacks are refused (exit 2); each option's help names the functions that take it."},
        footer = {"",
                "FILE is a .npy of dtype float16/32/64, int8/16/32/64, uint8/16/32/64 or bool, in C or Fortran order,"
                        + " either byte order, or ARCHIVE.npz:KEY for one array of an .npz (stored or deflated).",
                "Inputs are read in chunks of --batch-size rows; the reduced loss is exactly that of the whole input"
                        + " (one call). A sample weight without a batch axis is applied to every chunk, except where"
                        + " that would change the result (mean_with_sample_weight, or a weight of higher rank than the"
                        + " losses): then the inputs are read at once.",
                "Predictions are cast to the loss dtype (float32 by default), as Keras does; labels stay integers.",
                "",
                "Example: xent loss sparse_categorical_crossentropy --y-true y_true.npy --y-pred y_pred.npy"
                        + " --reduction none --output losses.npy",
                "",
                "Exit codes: 0 success; 1 bad data (one line 'xent: error: ...' on stderr); 2 bad usage."})
final class LossCommand extends EvaluateCommand {

    static final String REDUCTIONS = "sum_over_batch_size, sum, mean, mean_with_sample_weight, none";

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", completionCandidates = KerasOptions.LossNames.class,
            description = {"The loss: one of ${COMPLETION-CANDIDATES}. May be omitted when --config has a"
                    + " class_name."})
    String name;

    @Option(names = "--reduction", paramLabel = "R", order = 60,
            description = "sum_over_batch_size (default), sum, mean, mean_with_sample_weight or none.")
    String reduction;

    @Option(names = "--output", paramLabel = "FILE.npy", order = 61,
            description = "With --reduction none (required then): where to write the per-element losses.")
    String output;

    @Option(names = "--gradient", paramLabel = "FILE.npy", order = 62,
            description = "Also write d(loss)/d(y_pred) to FILE.npy (y_pred's shape, the loss dtype): what"
                    + " tf.GradientTape gives through the Keras loss; with --reduction none, the gradient of the sum.")
    String gradient;

    LossCommand() {
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
    void checkOptionValues() {
        super.checkOptionValues();
        if (reduction != null && !java.util.List.of(REDUCTIONS.split(", ")).contains(reduction)) {
            throw usage("--reduction (" + reduction + ") must be one of " + REDUCTIONS);
        }
        requirePath("--output", output);
        requirePath("--gradient", gradient);
        new DistinctFiles().output("--output", output).output("--gradient", gradient)
                .input("--y-true", yTrue).input("--y-pred", yPred).input("--sample-weight", sampleWeight)
                .config(keras.config).check(this::usage);
    }

    @Override
    int evaluate(KerasFunction f, ConfigInput cfg) {
        Loss loss = keras.newLoss(f, cfg, reduction, this::usage);
        Reduction r = loss.reduction();
        if (r == Reduction.NONE && output == null) {
            throw usage("--output FILE.npy is required when the reduction is none");
        }
        if (r != Reduction.NONE && output != null) {
            throw usage("--output is written only with --reduction none (the reduction is " + r.kerasName() + ")");
        }
        if (gradient != null && !loss.function().hasGradient()) {
            throw usage("--gradient: " + loss.function().lossClassName() + " has no gradient in this version of"
                    + " xent; run without --gradient");
        }
        Double result;
        try (Inputs in = Inputs.open(yTrue, yPred, sampleWeight)) {
            Plan plan = Plan.of(in, true, f, loss.arguments(), r, batchSize);
            result = withOneShotKernel(in, loss.arguments(), () -> compute(in, plan, loss, r));
        }
        print(JsonResult.loss(loss, result));
        return 0;
    }

    /** The reduced loss (null for reduction none, whose values go to --output), and the gradient if asked for. */
    private Double compute(Inputs in, Plan plan, Loss loss, Reduction r) {
        Double result = null;
        LossState whole = null;
        if (r == Reduction.NONE) {
            writeValues(in, plan, loss);
        } else {
            LossState[] state = {LossState.zero(r)};
            forEachChunk(in, plan, c -> state[0] = state[0].plus(loss.partial(c.yTrue, c.yPred, c.weight)));
            result = state[0].result();
            whole = state[0];
        }
        if (gradient != null) {
            writeGradient(in, plan, loss, whole);
        }
        return result;
    }

    /** Streams each chunk's per-element losses into {@code --output}, which appears only when complete. */
    private void writeValues(Inputs in, Plan plan, Loss loss) {
        Path path = Path.of(output);
        Path dir = path.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new DataException(output + ": directory " + dir + " does not exist");
        }
        NpyWriter[] writer = {null};
        boolean done = false;
        try {
            forEachChunk(in, plan, c -> {
                NdArray values = loss.call(c.yTrue, c.yPred, c.weight);
                try {
                    if (writer[0] == null) {
                        writer[0] = create(path, values.shape(), plan.chunked ? plan.rows : -1);
                    }
                    writer[0].write(values);
                } catch (IOException e) {
                    throw new DataException(output + ": cannot write: " + Errors.describe(e), e);
                }
            });
            if (writer[0] != null) {
                writer[0].close();
            }
            done = true;
        } catch (IOException e) {
            throw new DataException(output + ": cannot write: " + Errors.describe(e), e);
        } finally {
            if (!done && writer[0] != null) {
                try {
                    writer[0].close(); // discards the temporary file: fewer elements than the shape holds
                } catch (IOException | RuntimeException ignored) {
                    // the error being reported matters more
                }
            }
        }
    }

    /**
     * A second pass writing {@code d(loss)/d(y_pred)} into {@code --gradient}: each chunk's part of the whole input's
     * gradient ({@code whole} is the sum of the chunks' partial states; null for reduction none).
     */
    private void writeGradient(Inputs in, Plan plan, Loss loss, LossState whole) {
        Path path = Path.of(gradient);
        Path dir = path.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new DataException(gradient + ": directory " + dir + " does not exist");
        }
        NpyWriter[] writer = {null};
        boolean done = false;
        try {
            writer[0] = NpyWriter.create(path, loss.dtype(), in.yPred.shape());
            forEachChunk(in, plan, c -> {
                NdArray g = whole == null ? loss.gradient(c.yTrue, c.yPred, c.weight)
                        : loss.gradient(c.yTrue, c.yPred, c.weight, whole);
                try {
                    writer[0].write(g);
                } catch (IOException e) {
                    throw new DataException(gradient + ": cannot write: " + Errors.describe(e), e);
                }
            });
            writer[0].close();
            done = true;
        } catch (IOException e) {
            throw new DataException(gradient + ": cannot write: " + Errors.describe(e), e);
        } finally {
            if (!done && writer[0] != null) {
                try {
                    writer[0].close(); // discards the temporary file: fewer elements than the shape holds
                } catch (IOException | RuntimeException ignored) {
                    // the error being reported matters more
                }
            }
        }
    }

    /** The writer for the whole output: the first chunk's shape with {@code rows} rows (when chunked). */
    private static NpyWriter create(Path path, int[] chunkShape, long rows) throws IOException {
        long[] shape = new long[chunkShape.length];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = chunkShape[i];
        }
        if (rows >= 0 && shape.length > 0) {
            shape[0] = rows;
        }
        return NpyWriter.create(path, DType.FLOAT32, shape);
    }
}
