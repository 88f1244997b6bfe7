package dev.xent.cli;

import dev.xent.internal.Printable;
import dev.xent.ndarray.InvalidElementException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns exceptions into the one-line messages of {@code xent: error: ...}. */
final class Errors {

    private static final Pattern ARGUMENT = Pattern.compile("\\b(yTrue|yPred|sampleWeight)\\b");

    private Errors() {}

    /** The exception's message on one line, or its class name when it has none. */
    static String describe(Throwable e) {
        if (e instanceof NoSuchFileException) {
            NoSuchFileException f = (NoSuchFileException) e;
            return f.getFile() + ": " + (f.getReason() == null ? "no such file" : f.getReason());
        }
        if (e instanceof FileSystemException) {
            FileSystemException f = (FileSystemException) e;
            return f.getFile() + ": " + (f.getReason() == null ? e.getClass().getSimpleName() : f.getReason());
        }
        String m = e.getMessage();
        return oneLine(m == null || m.isBlank() ? e.getClass().getSimpleName() : m);
    }

    /**
     * {@code s} as one printable line: line breaks, tabs, escape sequences and every other control character
     * written as {@code \}{@code uXXXX} ({@link Printable}), so that a file name, a config key or a NAME holding
     * them can neither break the one-line message nor act on the terminal. Every message the command line prints
     * on stderr goes through here (more than once is harmless: escaped text has nothing left to escape).
     */
    static String oneLine(String s) {
        return Printable.escape(s).strip();
    }

    /** Names of the inputs in messages: the files as given on the command line. */
    static final class Names {
        final String yTrue;
        final String yPred;
        final String sampleWeight;

        Names(String yTrue, String yPred, String sampleWeight) {
            this.yTrue = yTrue;
            this.yPred = yPred;
            this.sampleWeight = sampleWeight;
        }

        String of(String argument) {
            switch (argument) {
                case "yTrue": return yTrue;
                case "yPred": return yPred;
                case "sampleWeight": return sampleWeight == null ? argument : sampleWeight;
                default: return argument;
            }
        }
    }

    /**
     * A bad element found by xent-core in a chunk that starts at row {@code rowOffset}, as
     * {@code FILE: label 7 at index 65548 is out of range [0, 3)}.
     */
    static DataException element(InvalidElementException e, long rowOffset, Names names) {
        InvalidElementException at = rowOffset == 0 ? e : e.withRowOffset(rowOffset);
        String message = at.getMessage();
        String prefix = at.argument() + " ";
        String rest = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
        return new DataException(names.of(at.argument()) + ": " + oneLine(rest), e);
    }

    /**
     * Any other bad input found by xent-core (shapes, weights, values): its message with the argument names
     * replaced by the files' names; {@code where} (may be empty) says which rows were being computed.
     */
    static DataException argument(IllegalArgumentException e, Names names, String where) {
        Matcher m = ARGUMENT.matcher(describe(e));
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(names.of(m.group(1))));
        }
        m.appendTail(sb);
        return new DataException(sb + where, e);
    }
}
