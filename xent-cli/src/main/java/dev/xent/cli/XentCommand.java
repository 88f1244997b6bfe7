package dev.xent.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
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
        subcommands = {MetricCommand.class, LossCommand.class, dev.xent.keras.cli.EvaluateCommand.class},
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
        return cl;
    }

    /** Bad usage: the message, a hint, exit code 2. */
    private static final IParameterExceptionHandler USAGE_ERROR = (ex, args) -> {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("xent: error: " + Errors.oneLine(String.valueOf(ex.getMessage())));
        if (ex instanceof UnmatchedArgumentException) {
            UnmatchedArgumentException u = (UnmatchedArgumentException) ex;
            if (!u.getSuggestions().isEmpty()) {
                err.println("Did you mean: " + String.join(", ", u.getSuggestions()) + "?");
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
        } else if (e instanceof OutOfMemoryError) {
            message = "out of memory; lower --batch-size or give Java more heap (XENT_JAVA_OPTS=-Xmx8g)";
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
