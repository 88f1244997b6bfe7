package dev.xent.npy;

import java.io.IOException;

/**
 * A {@code .npy} or {@code .npz} file that cannot be read as asked: a malformed or unsupported header, a size that
 * does not match the header, a value that does not fit the target type, a damaged zip archive, or an I/O failure
 * while reading. The message is one line that starts with the file name (as given to
 * {@link NpyArrayFile#open(String)}) and says where, what was found and what the rule is, for example
 * {@code y_pred.npy: header at byte 10: shape (3, -1) has a negative dimension}.
 */
public final class NpyFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** An exception with a one-line message that starts with the file name. */
    public NpyFormatException(String message) {
        super(message);
    }

    /** An exception with a one-line message that starts with the file name, caused by {@code cause}. */
    public NpyFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
