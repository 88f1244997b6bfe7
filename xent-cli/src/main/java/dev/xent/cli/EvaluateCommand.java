package dev.xent.cli;

import dev.xent.internal.kernel.CrossEntropyKernel;
import dev.xent.internal.kernel.Kernels;
import dev.xent.ndarray.InvalidElementException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What {@code xent metric} and {@code xent loss} share: the contract's options, {@code --config} merging, the
 * checks that make bad usage exit 2, and the chunk loop that reports bad data as one line (exit 1).
 */
abstract class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME",
            description = {"sparse_categorical_crossentropy or categorical_crossentropy (or the class name,"
                    + " SparseCategoricalCrossentropy or CategoricalCrossentropy). May be omitted when --config has"
                    + " a class_name."})
    String className;

    @Option(names = "--y-true", required = true, paramLabel = "FILE", order = 1,
            description = "Targets: class indices (sparse) or one-hot/soft targets of y_pred's shape (categorical).")
    String yTrue;

    @Option(names = "--y-pred", required = true, paramLabel = "FILE", order = 2,
            description = "Predictions: probabilities, or logits with --from-logits.")
    String yPred;

    @Option(names = "--sample-weight", paramLabel = "FILE", order = 3,
            description = "Sample weights: a scalar, per sample (batch,), or per element, as Keras broadcasts them.")
    String sampleWeight;

    @Mixin
    KerasOptions keras;

    @Option(names = "--batch-size", paramLabel = "ROWS", order = 20,
            description = "Rows of the first axis per chunk (default: about 32 MiB of predictions).")
    Integer batchSize;

    @Option(names = "--normalize-before-clip", order = 30,
            description = "Sparse only, not Keras's TensorFlow order: with probabilities, divide by the row sum then"
                    + " clip (Keras on JAX, NumPy and PyTorch) instead of clip, log, renormalise. Not in the config.")
    boolean normalizeBeforeClip;

    @Option(names = "--smooth-over-class-axis", order = 32,
            description = "Categorical only, not Keras 3.15: with --label-smoothing and --axis other than -1, smooth"
                    + " over the class axis's size (the upstream fix) instead of the last axis's. Not in the config.")
    boolean smoothOverClassAxis;

    /** Whether this is {@code xent loss}. */
    abstract boolean isLoss();

    /** Builds the object, runs it over the inputs and prints the JSON; returns the exit code. */
    abstract int evaluate(KerasClass cls, ConfigInput cfg);

    @Override
    public final Integer call() {
        checkOptionValues();
        ConfigInput cfg = keras.config();
        KerasClass cls = resolveClass(cfg);
        checkApplicable(cls);
        try {
            return evaluate(cls, cfg);
        } catch (OutOfMemoryError e) {
            throw new DataException("out of memory" + (batchSize == null ? "" : " with --batch-size " + batchSize)
                    + "; lower --batch-size or give Java more heap (XENT_JAVA_OPTS=-Xmx8g)", e);
        }
    }

    ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** Values the options must have whatever the class. */
    void checkOptionValues() {
        keras.checkValues(this::usage);
        if (batchSize != null && batchSize < 1) {
            throw usage("--batch-size (" + batchSize + ") must be at least 1");
        }
    }

    private KerasClass resolveClass(ConfigInput cfg) {
        return cfg.resolveClass(className, isLoss(), this::usage);
    }

    /** Options that do not apply to the class are usage errors. */
    void checkApplicable(KerasClass cls) {
        keras.checkApplicable(cls, this::usage);
        if (cls == KerasClass.SPARSE && smoothOverClassAxis) {
            throw usage("--smooth-over-class-axis applies to categorical_crossentropy only");
        }
        if (cls == KerasClass.CATEGORICAL && normalizeBeforeClip) {
            throw usage("--normalize-before-clip applies to sparse_categorical_crossentropy only (categorical"
                    + " always normalises before clipping)");
        }
    }

    /** The config with the command line's options over its keys. */
    Map<String, Object> overridden(Map<String, Object> base) {
        return keras.overridden(base);
    }

    /**
     * {@code fromConfig} of the config, then of the config with the options over it: a bad config is bad data
     * (exit 1), a bad option value is bad usage (exit 2).
     */
    <T> T build(ConfigInput cfg, Map<String, Object> overridden, Function<Map<String, ?>, T> fromConfig) {
        return cfg.build(overridden, fromConfig, this::usage);
    }

    /**
     * The kernel for this run's computation: a command-line run is one job in its own process, so below a size the
     * SIMD kernel's scalar twin alone finishes first (see {@link Kernels#forOneShot}).
     */
    static CrossEntropyKernel oneShotKernel(Inputs in, boolean fromLogits) {
        return Kernels.forOneShot(in.yPred.elementCount(), fromLogits);
    }

    /** What the loop does with each chunk. */
    interface ChunkConsumer {
        void accept(ChunkReader.Chunk chunk) throws IOException;
    }

    /**
     * Feeds the chunks to {@code consumer}, with a progress bar on a terminal; bad elements and shapes found in a
     * chunk become one-line errors naming the file and the absolute position.
     */
    void forEachChunk(Inputs in, Plan plan, ChunkConsumer consumer) {
        Progress progress = Progress.forTerminal(spec.commandLine().getErr(), plan.chunked ? plan.rows : 0);
        try (ChunkReader reader = new ChunkReader(in, plan)) {
            while (true) {
                ChunkReader.Chunk c;
                try {
                    c = reader.next();
                } catch (IOException e) {
                    throw new DataException(Errors.describe(e), e);
                }
                if (c == null) {
                    break;
                }
                try {
                    consumer.accept(c);
                } catch (InvalidElementException e) {
                    boolean shifted = plan.chunked && !("sampleWeight".equals(e.argument())
                            && plan.weightMode != Plan.WeightMode.SLICE);
                    throw Errors.element(e, shifted ? c.start : 0, in.names);
                } catch (IllegalArgumentException e) {
                    boolean part = plan.chunked && c.rows != plan.rows;
                    throw Errors.argument(e, in.names, part
                            ? " (in rows [" + c.start + ", " + (c.start + c.rows) + ") of the inputs)" : "");
                } catch (IOException e) {
                    throw new DataException(Errors.describe(e), e);
                }
                progress.update(c.start + c.rows);
            }
        } finally {
            progress.finish();
        }
    }

    void print(String json) {
        spec.commandLine().getOut().println(json);
        spec.commandLine().getOut().flush();
    }
}
