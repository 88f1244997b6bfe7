package dev.xent.cli;

import dev.xent.catalog.Arguments;
import dev.xent.catalog.KerasFunction;
import dev.xent.internal.kernel.Kernels;
import dev.xent.ndarray.InvalidElementException;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What {@code xent metric} and {@code xent loss} share: the contract's options, the catalogue's options and
 * {@code --config} ({@link KerasOptions}), the checks that make bad usage exit 2, and the chunk loop that reports bad
 * data as one line (exit 1). Nothing here, nor in the commands, depends on which function is named.
 */
abstract class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--y-true", required = true, paramLabel = "FILE", order = 1,
            description = "Targets: class indices (sparse_* functions) or targets of y_pred's shape (the others).")
    String yTrue;

    @Option(names = "--y-pred", required = true, paramLabel = "FILE", order = 2,
            description = "Predictions: probabilities (or scores), or logits with --from-logits.")
    String yPred;

    @Option(names = "--sample-weight", paramLabel = "FILE", order = 3,
            description = "Sample weights: a scalar, per sample (batch,), or per element, as Keras broadcasts them.")
    String sampleWeight;

    @Mixin
    KerasOptions keras;

    @Option(names = "--batch-size", paramLabel = "ROWS", order = 70,
            description = "Rows of the first axis per chunk (default: about 32 MiB of predictions).")
    Integer batchSize;

    EvaluateCommand(KerasOptions keras) {
        this.keras = keras;
    }

    /** NAME, or null. */
    abstract String name();

    /** Whether this is {@code xent loss}. */
    abstract boolean isLoss();

    /** Builds the object, runs it over the inputs and prints the JSON; returns the exit code. */
    abstract int evaluate(KerasFunction f, ConfigInput cfg);

    @Override
    public final Integer call() {
        checkOptionValues();
        ConfigInput cfg = keras.config();
        KerasFunction f = keras.resolve(name(), cfg, isLoss(), this::usage);
        try {
            return evaluate(f, cfg);
        } catch (OutOfMemoryError e) {
            throw new DataException("out of memory" + (batchSize == null ? "" : " with --batch-size " + batchSize)
                    + "; lower --batch-size or give Java more heap (XENT_JAVA_OPTS=-Xmx8g)", e);
        } catch (UnsupportedOperationException e) {
            throw usage(KerasOptions.owner(f, isLoss()) + " is not computed by this version of xent ("
                    + Errors.describe(e) + ")");
        }
    }

    ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** Values the options must have whatever the function. */
    void checkOptionValues() {
        requirePath("--y-true", yTrue);
        requirePath("--y-pred", yPred);
        requirePath("--sample-weight", sampleWeight);
        keras.checkValues(this::usage);
        if (batchSize != null && batchSize < 1) {
            throw usage("--batch-size (" + batchSize + ") must be at least 1");
        }
    }

    /** Refuses an empty file name given to {@code option} (null: not given). */
    void requirePath(String option, String value) {
        if (value != null && value.isEmpty()) {
            throw usage(option + ": the path is empty; give a file name");
        }
    }

    /**
     * Runs {@code body} with the kernel for this run: chosen for the run's size on first use (see
     * {@link OneShotKernel}), so a function that does not use the cross-entropy kernel never loads it.
     */
    static <T> T withOneShotKernel(Inputs in, Arguments args, Kernels.Job<T, RuntimeException> body) {
        boolean logits = Boolean.TRUE.equals(args.asMap().get("from_logits"));
        return Kernels.with(new OneShotKernel(in.yPred.elementCount(), logits), body);
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
