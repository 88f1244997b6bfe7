package dev.xent.cli;

import dev.xent.internal.Printable;
import dev.xent.internal.kernel.Kernels;
import dev.xent.keras.CompileConfig;
import dev.xent.keras.KerasModelFile;
import dev.xent.metrics.CompiledMetrics;
import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import dev.xent.npy.NpyArrayFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code xent evaluate --model FILE.keras --y-true FILE --y-pred FILE [--sample-weight FILE] [--batch-size N]
 * [--skip-unsupported]}:
 * prints one JSON object equal to {@code model.evaluate(x, y, sample_weight=..., batch_size=N, return_dict=True)}
 * for a model whose outputs are the given predictions, with the loss and metrics of the model's
 * {@code compile_config}.
 *
 * <pre>{@code
 * $ ./xent evaluate --model model.keras --y-true y_true.npy --y-pred y_pred.npy
 * {"accuracy":0.6666666865348816,"loss":0.5108255743980408}
 * }</pre>
 *
 * <p>Keys are sorted, as {@code evaluate(return_dict=True)} sorts them; values are the float32 results widened to
 * double, as Keras returns them; NaN and infinities are the strings {@code "NaN"}, {@code "Infinity"},
 * {@code "-Infinity"}. Predictions are rounded to float32, as a float32 model outputs them. Inputs are read batch
 * by batch, so files larger than memory work. Exit codes: 0; 1 for bad data or an unsupported model (one line
 * {@code xent: error: ...}); 2 for bad usage.
 *
 * <p>Every function of xent's catalogue is resolved in every form Keras writes it (see {@link CompileConfig}). A model
 * compiled with something else (AUC, mean squared error, custom objects) is refused with one line naming every such
 * entry, unless {@code --skip-unsupported} is given: then the rest is computed and the skipped entries follow the
 * results, each with the key {@code evaluate} reports it under:
 *
 * <pre>{@code
 * {"accuracy":0.29729729890823364,"loss":1.621732234954834,"skipped":[{"entry":"compile_config.metrics[1]",
 *  "identifier":"mse","key":"mse","reason":"not a metric xent computes"}]}
 * }</pre>
 *
 * Every value printed is then the one Keras reports under its key. A skipped loss leaves {@code "loss"} out (the
 * metrics do not depend on it). {@code "skipped"} is present, possibly empty, whenever the option is given.
 *
 * <p>A config without a loss is refused, with or without metrics, as Keras's {@code evaluate} on TensorFlow (and
 * PyTorch and NumPy) refuses it: {@code No loss to compute} (on JAX, Keras reports a loss of 0 when there are
 * metrics).
 *
 * <p>Keras's {@code loss} also adds the model's own losses (weight regularizers, {@code add_loss}), which depend on
 * the weights rather than the predictions; for such a model the {@code loss} printed here is the compiled loss
 * alone. The metrics are unaffected.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a compiled Keras model's loss and metrics on predictions, as"
                + " model.evaluate(x, y, batch_size=N, return_dict=True) reports them for a model whose outputs are"
                + " the predictions. Prints one JSON object."})
public final class KerasEvaluateCommand implements Callable<Integer> {

    /** The output key of {@code --skip-unsupported}'s list. */
    static final String SKIPPED = "skipped";

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE.keras",
            description = "A Keras 3 .keras archive saved after compile(); its compile_config gives the loss, metrics,"
                    + " weighted_metrics and loss_weights. Single-output models only.")
    Path model;

    @Option(names = "--y-true", required = true, paramLabel = "FILE",
            description = "Targets (.npy, or ARCHIVE.npz:KEY): class indices or one-hot rows.")
    String yTrue;

    @Option(names = "--y-pred", required = true, paramLabel = "FILE",
            description = "The model's outputs for the same samples (.npy or ARCHIVE.npz:KEY).")
    String yPred;

    @Option(names = "--sample-weight", paramLabel = "FILE",
            description = "Per-sample weights (.npy or ARCHIVE.npz:KEY), as evaluate(sample_weight=...).")
    String sampleWeight;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
            description = "Samples per batch, as evaluate(batch_size=N) (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--skip-unsupported",
            description = {"Compute what xent supports and list the rest under \"skipped\" (after the results):"
                    + " [{\"entry\": \"compile_config.metrics[1]\", \"identifier\": \"auc\", \"key\": \"auc\","
                    + " \"reason\": ...}], where key is the name evaluate() reports it under. A skipped loss leaves"
                    + " \"loss\" out. Without this option such a model is refused (exit 1) with one line naming every"
                    + " unsupported entry."})
    boolean skipUnsupported;

    @Override
    public Integer call() throws IOException {
        if (batchSize < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-size (" + batchSize + ") must be >= 1");
        }
        String[][] paths = {{"--model", model.toString()}, {"--y-true", yTrue}, {"--y-pred", yPred},
                {"--sample-weight", sampleWeight}};
        for (String[] p : paths) {
            if (p[1] != null && p[1].isEmpty()) {
                throw new ParameterException(spec.commandLine(), p[0] + ": the path is empty; give a file name");
            }
        }
        KerasModelFile file = KerasModelFile.open(model);
        CompileConfig compile = file.compileConfig();
        try (NpyArrayFile t = NpyArrayFile.open(yTrue); NpyArrayFile p = NpyArrayFile.open(yPred);
             NpyArrayFile w = sampleWeight == null ? null : NpyArrayFile.open(sampleWeight)) {
            if (t.shape().length == 0 || p.shape().length == 0) {
                throw new IllegalArgumentException((t.shape().length == 0 ? yTrue : yPred)
                        + ": has shape (); evaluate needs one row per sample");
            }
            if (t.rows() != p.rows()) {
                throw new IllegalArgumentException(yTrue + " has " + t.rows() + " rows but " + yPred + " has "
                        + p.rows() + "; they must have one row per sample");
            }
            if (w != null && (w.shape().length == 0 || w.rows() != p.rows())) {
                throw new IllegalArgumentException(sampleWeight + " must have one weight per sample (" + p.rows()
                        + " rows); it has shape " + shape(w.shape()));
            }
            CompileConfig.Resolution resolution = compile.resolve(intShape(t.shape(), yTrue), intShape(p.shape(), yPred));
            if (!skipUnsupported && !resolution.skipped().isEmpty()) {
                throw new IllegalArgumentException(resolution.unsupportedMessage()
                        + " (--skip-unsupported computes the others and lists these)");
            }
            CompiledMetrics cm = resolution.compiledMetrics();
            if (skipUnsupported && resolution.result().containsKey(SKIPPED)) {
                throw new IllegalArgumentException(model + ": the model has a metric named '" + SKIPPED + "', the key"
                        + " --skip-unsupported lists skipped entries under; evaluate it without --skip-unsupported");
            }
            // One job in its own process: below a size the SIMD kernel's scalar twin alone finishes first. Whether the
            // outputs are logits is not looked up here: this takes the smaller size, that of logits.
            Kernels.with(Kernels.forOneShot(p.elementCount(), true), () -> {
                long n = p.rows();
                for (long from = 0; from < n; from += batchSize) {
                    int count = (int) Math.min(batchSize, n - from);
                    NdArray yt = t.readRows(from, count);
                    NdArray yp = toFloat32(p.readRows(from, count));
                    NdArray sw = w == null ? null : w.readRows(from, count);
                    try {
                        cm.updateState(yt, yp, sw);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(names(e.getMessage()) + " (in the batch of rows [" + from
                                + ", " + (from + count) + "))", e);
                    }
                }
                return null;
            });
            PrintWriter out = spec.commandLine().getOut();
            out.println(skipUnsupported ? json(resolution.result(), resolution.skipped()) : json(resolution.result()));
            out.flush();
        }
        return 0;
    }

    private String names(String message) {
        String m = message == null ? "" : message;
        m = m.replaceAll("\\byTrue\\b", java.util.regex.Matcher.quoteReplacement(yTrue));
        m = m.replaceAll("\\byPred\\b", java.util.regex.Matcher.quoteReplacement(yPred));
        if (sampleWeight != null) {
            m = m.replaceAll("\\bsampleWeight\\b", java.util.regex.Matcher.quoteReplacement(sampleWeight));
        }
        return m;
    }

    private static int[] intShape(long[] shape, String name) {
        int[] s = new int[shape.length];
        for (int i = 0; i < s.length; i++) {
            if (shape[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + ": dimension " + i + " (" + shape[i] + ") is too large");
            }
            s[i] = (int) shape[i];
        }
        return s;
    }

    private static String shape(long[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        String s = java.util.Arrays.toString(shape);
        return "(" + s.substring(1, s.length() - 1) + ")";
    }

    /** A float32 model outputs float32: wider predictions are rounded as Keras's identity model would round them. */
    private static NdArray toFloat32(NdArray a) {
        if (a.dtype() == DType.FLOAT32 || !a.dtype().isFloating()) {
            return a;
        }
        return NdArray.of(a.toFloatArray(), 0, a.shape());
    }

    /** {@code {"a":0.5,...}} sorted by key, float32 values widened to double as Keras returns them. */
    static String json(Map<String, Double> result) {
        return values(result).append('}').toString();
    }

    /** The results, then {@code "skipped":[{"entry":...,"identifier":...,"key":...,"reason":...},...]}. */
    static String json(Map<String, Double> result, List<CompileConfig.Skipped> skipped) {
        StringBuilder sb = values(result);
        if (sb.length() > 1) {
            sb.append(',');
        }
        sb.append('"').append(SKIPPED).append("\":[");
        for (int i = 0; i < skipped.size(); i++) {
            CompileConfig.Skipped s = skipped.get(i);
            sb.append(i == 0 ? "{" : ",{")
                    .append("\"entry\":\"").append(escape(s.entry()))
                    .append("\",\"identifier\":\"").append(escape(s.identifier()))
                    .append("\",\"key\":\"").append(escape(s.key()))
                    .append("\",\"reason\":\"").append(escape(s.reason())).append("\"}");
        }
        return sb.append("]}").toString();
    }

    private static StringBuilder values(Map<String, Double> result) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Double> e : new TreeMap<>(result).entrySet()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"').append(escape(e.getKey())).append("\":").append(number(e.getValue()));
        }
        return sb;
    }

    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "\"NaN\"";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
        }
        return Double.toString((double) (float) v);
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (Printable.isEscaped(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * This command alone, with xent's conventions (for tests and embedding; {@code xent evaluate} registers the
     * command in the xent command line instead): bad usage prints {@code xent: error: ...} and a hint, exit 2; bad
     * data or an unsupported model prints one line {@code xent: error: ...}, exit 1.
     */
    public static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new KerasEvaluateCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter e = ex.getCommandLine().getErr();
            e.println("xent: error: " + oneLine(ex.getMessage()));
            e.println("Try 'xent evaluate --help' for more information.");
            e.flush();
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            PrintWriter e = c.getErr();
            String m = ex instanceof java.nio.file.NoSuchFileException
                    ? ((java.nio.file.NoSuchFileException) ex).getFile() + ": no such file" : ex.getMessage();
            e.println("xent: error: " + oneLine(m == null ? ex.getClass().getSimpleName() : m));
            e.flush();
            return 1;
        });
        return cl;
    }

    /** {@code s} on one line, control characters escaped as the command line escapes every message. */
    private static String oneLine(String s) {
        return Printable.escape(String.valueOf(s)).strip();
    }
}
