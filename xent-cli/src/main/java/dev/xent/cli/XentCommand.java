package dev.xent.cli;

import dev.xent.internal.Printable;
import dev.xent.npy.NpyArrayFile;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExecutionStrategy;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code xent}: the top-level command, with the subcommands {@code metric} and {@code loss}.
 *
 * <pre>{@code
 * StringWriter out = new StringWriter();
 * StringWriter err = new StringWriter();
 * int code = XentCommand.newCommandLine(new PrintWriter(out), new PrintWriter(err))
 *     .execute("metric", "sparse_categorical_crossentropy", "--y-true", "y_true.npy", "--y-pred", "y_pred.npy");
 * // code 0; out: {"class_name":"SparseCategoricalCrossentropy","config":{...},"result":1.1769392...,...}
 * }</pre>
 */
@Command(name = "xent", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        subcommands = {MetricCommand.class, LossCommand.class, KerasEvaluateCommand.class},
        description = "Keras-exact metrics and losses (cross-entropies, focal, KL divergence, Poisson, accuracies)"
                + " over NumPy .npy/.npz files.",
        footer = {"", "Exit codes: 0 success; 1 bad data (one line 'xent: error: ...' on stderr naming the file, the"
                + " position, the value and the rule); 2 bad usage.",
                "Run 'xent metric --help' or 'xent loss --help' for the options."})
public final class XentCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Print the stack trace of an error after its message.")
    boolean verbose;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: metric or loss");
    }

    /**
     * The command line, printing to {@code out} (the JSON result, help, version) and {@code err} (errors), with
     * xent's exit codes and one-line error messages. {@code @FILE} arguments are not expanded (they are
     * {@code --config @FILE}).
     */
    public static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new XentCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExpandAtFiles(false);
        cl.setParameterExceptionHandler(USAGE_ERROR);
        cl.setExecutionExceptionHandler(DATA_ERROR);
        cl.setExecutionStrategy(RUN_GUARDED);
        return cl;
    }

    /**
     * picocli's handlers see only {@link Exception}s: an {@link Error} thrown by a command (an OutOfMemoryError, the
     * InternalError of a memory-mapped input truncated while being read) would escape {@code execute} with a stack
     * trace. Here it becomes one line and exit code 1.
     */
    private static final IExecutionStrategy RUN_GUARDED = parseResult -> {
        try {
            return new CommandLine.RunLast().execute(parseResult);
        } catch (Error e) {
            PrintWriter err = parseResult.commandSpec().commandLine().getErr();
            return fatal(e, err, verbose(parseResult), inputs(parseResult));
        }
    };

    /**
     * Prints {@code e} as one {@code xent: error: ...} line (and its stack trace if {@code verbose}); returns 1.
     * {@code inputs} are the input files given, to name the one a memory-mapped read fault came from.
     */
    static int fatal(Error e, PrintWriter err, boolean verbose, List<String> inputs) {
        String message;
        if (e instanceof OutOfMemoryError) {
            message = outOfMemory();
        } else if (NpyArrayFile.isMappedReadFault(e)) {
            message = changedInput(e, inputs);
        } else {
            message = "internal error: " + Errors.describe(e) + " (" + e.getClass().getName()
                    + (verbose ? ")" : "; run with --verbose for the stack trace)");
        }
        err.println("xent: error: " + Errors.oneLine(message));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    /** What to do when the heap is exhausted, with the heap's current maximum. */
    static String outOfMemory() {
        return "out of memory (the Java heap's maximum is " + (Runtime.getRuntime().maxMemory() >> 20)
                + " MiB); give Java more heap, e.g. XENT_JAVA_OPTS=-Xmx8g, or read fewer rows at a time with"
                + " --batch-size";
    }

    /**
     * The message for a fault reading memory-mapped input: the file that no longer matches its header (opened
     * again to find out, as the reading command has closed it), else all inputs.
     */
    private static String changedInput(Error e, List<String> inputs) {
        for (String spec : inputs) {
            try (NpyArrayFile f = NpyArrayFile.open(spec)) {
                // still readable as it was opened
            } catch (java.io.IOException | RuntimeException ex) {
                String m = Errors.describe(ex);
                String named = Printable.escape(spec) + ": ";
                String rest = m.startsWith(named) ? m.substring(named.length()) : m;
                return spec + ": the file changed while being read (reading its memory-mapped data failed); now "
                        + rest;
            }
        }
        return "an input file changed while being read (reading memory-mapped data failed: " + e.getMessage()
                + ")" + (inputs.isEmpty() ? "" : "; inputs: " + String.join(", ", inputs))
                + "; do not modify the inputs while xent runs";
    }

    /** The values of the input options (--y-true, --y-pred, --sample-weight) of the command that ran. */
    private static List<String> inputs(ParseResult parseResult) {
        List<String> out = new ArrayList<>();
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            for (String name : new String[] {"--y-true", "--y-pred", "--sample-weight"}) {
                OptionSpec o = p.matchedOption(name);
                if (o != null && o.getValue() != null) {
                    out.add(String.valueOf((Object) o.getValue()));
                }
            }
        }
        return out;
    }

    /** Bad usage: the message, a hint, exit code 2. */
    private static final IParameterExceptionHandler USAGE_ERROR = (ex, args) -> {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("xent: error: " + Errors.oneLine(String.valueOf(ex.getMessage())));
        if (ex instanceof UnmatchedArgumentException) {
            UnmatchedArgumentException u = (UnmatchedArgumentException) ex;
            if (!u.getSuggestions().isEmpty()) {
                err.println("Did you mean: " + Errors.oneLine(String.join(", ", u.getSuggestions())) + "?");
            }
        }
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    };

    /** Bad data, or any other failure: one line, a stack trace only with --verbose, exit code 1. */
    private static final IExecutionExceptionHandler DATA_ERROR = (ex, cl, parseResult) -> {
        PrintWriter err = cl.getErr();
        Throwable e = ex;
        if (e instanceof CommandLine.ExecutionException && e.getCause() != null) {
            e = e.getCause();
        }
        String message;
        if (e instanceof DataException) {
            message = e.getMessage();
        } else if (e instanceof java.io.IOException || e instanceof IllegalArgumentException) {
            message = Errors.describe(e);
        } else {
            message = "internal error: " + Errors.describe(e) + " (" + e.getClass().getName()
                    + "; run with --verbose for the stack trace)";
        }
        err.println("xent: error: " + Errors.oneLine(message));
        if (verbose(parseResult)) {
            e.printStackTrace(err);
        }
        err.flush();
        return 1;
    };

    private static boolean verbose(ParseResult parseResult) {
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
