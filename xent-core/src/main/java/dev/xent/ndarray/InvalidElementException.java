package dev.xent.ndarray;

import java.util.Arrays;

/**
 * A bad element of an input, such as a label out of range: its argument, position, value and the rule it breaks,
 * kept apart so that a caller feeding data in chunks can report the position in the whole input
 * ({@link #withRowOffset}).
 *
 * <p>Message shape: {@code yTrue label 7 at index (1, 4) is out of range [0, 3)}.
 */
public final class InvalidElementException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String argument;
    private final String what;
    private final long[] position;
    private final String value;
    private final String rule;

    public InvalidElementException(String argument, String what, long[] position, String value, String rule) {
        super(render(argument, what, position, value, rule));
        this.argument = argument;
        this.what = what;
        this.position = position.clone();
        this.value = value;
        this.rule = rule;
    }

    private static String render(String argument, String what, long[] position, String value, String rule) {
        return argument + " " + what + " " + value + " at index " + format(position) + " " + rule;
    }

    static String format(long[] position) {
        if (position.length == 1) {
            return Long.toString(position[0]);
        }
        String s = Arrays.toString(position);
        return "(" + s.substring(1, s.length() - 1) + ")";
    }

    /** The argument's name, such as {@code yTrue}. */
    public String argument() {
        return argument;
    }

    /** Row-major coordinates of the element in the argument. */
    public long[] position() {
        return position.clone();
    }

    /** The offending value, as text. */
    public String value() {
        return value;
    }

    /** The rule broken, such as {@code is out of range [0, 3)}. */
    public String rule() {
        return rule;
    }

    /** The same error with the first coordinate moved by {@code rows} (for a chunk starting at that row). */
    public InvalidElementException withRowOffset(long rows) {
        long[] p = position.clone();
        if (p.length > 0) {
            p[0] += rows;
        }
        return new InvalidElementException(argument, what, p, value, rule);
    }
}
