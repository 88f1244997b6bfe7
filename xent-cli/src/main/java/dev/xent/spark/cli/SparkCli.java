package dev.xent.spark.cli;

import dev.xent.cli.DataException;
import dev.xent.runtime.KernelInfo;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code xent spark}: entry point of the Spark command line, which the {@code xent} launcher runs in its own JVM
 * with Spark on the classpath. Exit codes as {@code xent}: 0 success, 1 bad data, 2 bad usage.
 *
 * <pre>{@code
 * xent spark metric sparse_categorical_crossentropy --input preds.parquet --label-col label \
 *     --prediction-col probability
 * # {"class_name":"SparseCategoricalCrossentropy","config":{...},"result":0.41,"total":...,"count":...}
 * xent spark loss sparse_categorical_crossentropy --input preds.parquet --label-col label \
 *     --prediction-col probability --reduction sum
 * # {"class_name":"SparseCategoricalCrossentropy","config":{...},"result":820.5}
 * }</pre>
 */
@Command(name = "xent spark", mixinStandardHelpOptions = true,
        subcommands = {SparkMetricCommand.class, SparkLossCommand.class},
        description = "Keras-exact cross-entropy metrics and losses over tables, computed with Apache Spark.",
        footer = {"", "Exit codes: 0 success; 1 bad data (one line 'xent: error: ...' on stderr); 2 bad usage."})
public final class SparkCli implements Callable<Integer> {

    /** Spark's own logging configuration, unless the caller gave one: warnings only, on stderr. */
    static final String LOG_CONFIG = "classpath:dev/xent/spark/cli/log4j2-cli.properties";

    /**
     * The library's kernel logger, held so that its level stays set: the launcher adds the Vector API, and errors are
     * one line on stderr (as in {@code xent}; a level set by a logging configuration is kept).
     */
    private static final Logger KERNELS_LOG = Logger.getLogger(KernelInfo.LOGGER);

    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print the stack trace of an error after its message.")
    boolean verbose;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: metric or loss");
    }

    public static void main(String[] args) {
        if (KERNELS_LOG.getLevel() == null) {
            KERNELS_LOG.setLevel(Level.SEVERE);
        }
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", LOG_CONFIG);
        }
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = newCommandLine(out, err).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** The command line, printing results to {@code out} and errors to {@code err}. */
    public static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new SparkCli());
        cl.setExpandAtFiles(false); // @FILE is --config's
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("xent: error: " + oneLine(String.valueOf(ex.getMessage())));
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            c.getErr().flush();
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            Throwable e = rootCause(ex);
            String m = e.getMessage();
            c.getErr().println("xent: error: " + oneLine(m == null || m.isBlank() ? e.getClass().getName() : m));
            if (parseResult.hasMatchedOption("--verbose")
                    || (parseResult.subcommand() != null && parseResult.subcommand().hasMatchedOption("--verbose"))) {
                ex.printStackTrace(c.getErr());
            }
            c.getErr().flush();
            return 1;
        });
        return cl;
    }

    /**
     * The cause that says what went wrong: the first {@link IllegalArgumentException} (Spark wraps a task's in
     * {@code SparkException}s, whose messages repeat the stage and task) or {@link DataException} (a bad
     * {@code --config}), else the innermost.
     */
    static Throwable rootCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IllegalArgumentException || t instanceof DataException) {
                return t;
            }
        }
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    static String oneLine(String s) {
        return s.replaceAll("\\s*[\\r\\n\\t]+\\s*", " ").strip();
    }
}
