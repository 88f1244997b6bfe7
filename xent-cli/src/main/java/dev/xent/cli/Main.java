package dev.xent.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Entry point of {@code xent.jar}: runs the command line and exits with its code (0, 1 bad data, 2 bad usage). */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
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
