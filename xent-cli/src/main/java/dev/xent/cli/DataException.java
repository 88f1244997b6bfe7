package dev.xent.cli;

/**
 * Bad data (exit code 1): a file that cannot be read, a malformed array, shapes that do not fit, a label out of
 * range, a bad {@code --config}. The message is one line that names the file, the position, the value and the rule;
 * the command line prints it after {@code xent: error: }.
 */
public final class DataException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    DataException(String message) {
        super(message);
    }

    DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
