package dev.xent.cli;

import dev.xent.runtime.KernelInfo;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Entry point of {@code xent.jar}: runs the command line and exits with its code (0, 1 bad data, 2 bad usage). */
public final class Main {

    /**
     * The library's kernel logger, held so that its level stays set: the launcher adds the Vector API itself, and
     * where a JDK lacks it the library's warning about SIMD would be a second line on stderr, whose only line is an
     * error's. A level set by a logging configuration is kept.
     */
    private static final Logger KERNELS_LOG = Logger.getLogger(KernelInfo.LOGGER);

    private Main() {}

    public static void main(String[] args) {
        if (KERNELS_LOG.getLevel() == null) {
            KERNELS_LOG.setLevel(Level.SEVERE);
        }
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code;
        try {
            code = XentCommand.newCommandLine(out, err).execute(args);
        } catch (Error e) { // outside a command's execution (parsing, help): the command line catches the rest
            code = XentCommand.fatal(e, err, java.util.Arrays.asList(args).contains("--verbose"), java.util.List.of());
        }
        out.flush();
        err.flush();
        System.exit(code);
    }
}
