package dev.xent.catalog;

import java.util.List;
import java.util.Objects;

/**
 * One argument of a Keras function, as its metric and loss classes take it: the Keras name (the config key), the
 * JSON type, Keras's default, and the rule a value must follow. An argument that Keras lacks (an option of xent's
 * own, such as {@code normalize_before_clip}) is an <em>extension</em>: a builder option and a command-line flag,
 * never a config key.
 *
 * <p>Immutable and thread-safe.
 */
public final class Argument {

    /** The JSON type of a value. */
    public enum Type {
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** A whole number. */
        INTEGER,
        /** A whole number or {@code null} (such as {@code ignore_class}). */
        OPTIONAL_INTEGER,
        /** A number, kept as given: Keras writes the int {@code 0} and the float {@code 0.0} differently. */
        NUMBER,
        /** A number, or a list of numbers (one per class, such as the categorical focal loss's {@code alpha}). */
        NUMBER_OR_LIST
    }

    /** A rule on a value: {@code null} when it holds, else the rule's text, e.g. {@code "must be in [0, 1]"}. */
    @FunctionalInterface
    interface Rule {
        String check(Object value);
    }

    private final String key;
    private final Type type;
    private final Object defaultValue;
    private final boolean extension;
    private final String description;
    private final Rule rule;

    Argument(String key, Type type, Object defaultValue, boolean extension, String description, Rule rule) {
        this.key = Objects.requireNonNull(key);
        this.type = Objects.requireNonNull(type);
        this.defaultValue = defaultValue;
        this.extension = extension;
        this.description = description;
        this.rule = rule;
    }

    /** Keras's name: the config key and keyword argument, such as {@code label_smoothing}. */
    public String key() {
        return key;
    }

    /** The command-line option: {@code --} and the key with dashes, such as {@code --label-smoothing}. */
    public String optionName() {
        return "--" + key.replace('_', '-');
    }

    /** The Java name of the builder method and getter, such as {@code labelSmoothing}. */
    public String javaName() {
        StringBuilder sb = new StringBuilder();
        boolean upper = false;
        for (char c : key.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }

    public Type type() {
        return type;
    }

    /** Keras's default for the function (a class may write another type of it, such as the int {@code 0}). */
    public Object defaultValue() {
        return defaultValue;
    }

    /** Whether this is xent's own option, not Keras's: never written to or read from a config. */
    public boolean isExtension() {
        return extension;
    }

    /** One sentence for help texts. */
    public String description() {
        return description;
    }

    /**
     * The value {@code value} converted to this argument's type and checked against its rule, with {@code owner}
     * (a class or function name) in the message.
     *
     * @throws IllegalArgumentException naming the argument, the value and the rule
     */
    public Object checked(Object value, String owner) {
        Object v = convert(value, owner);
        if (rule != null && v != null) {
            String broken = rule.check(v);
            if (broken != null) {
                throw new IllegalArgumentException(javaName() + " (" + show(value) + ") " + broken);
            }
        }
        return v;
    }

    private Object convert(Object value, String owner) {
        switch (type) {
            case BOOLEAN:
                if (value instanceof Boolean) {
                    return value;
                }
                throw wrongType(value, owner, "must be true or false");
            case INTEGER:
            case OPTIONAL_INTEGER:
                if (value == null && type == Type.OPTIONAL_INTEGER) {
                    return null;
                }
                if (value instanceof Number && isWhole((Number) value)) {
                    return ((Number) value).intValue();
                }
                throw wrongType(value, owner, type == Type.INTEGER ? "must be an integer" : "must be an integer or null");
            case NUMBER:
                if (value instanceof Number && !(value instanceof Boolean)) {
                    return value;
                }
                throw wrongType(value, owner, "must be a number");
            case NUMBER_OR_LIST:
                if (value instanceof Number) {
                    return value;
                }
                if (value instanceof double[]) {
                    return List.of(box((double[]) value));
                }
                if (value instanceof List && !((List<?>) value).isEmpty()) {
                    for (Object o : (List<?>) value) {
                        if (!(o instanceof Number)) {
                            throw wrongType(value, owner, "must be a number or a non-empty list of numbers");
                        }
                    }
                    return List.copyOf((List<?>) value);
                }
                throw wrongType(value, owner, "must be a number or a non-empty list of numbers");
            default:
                throw new AssertionError(type);
        }
    }

    private static Double[] box(double[] d) {
        Double[] out = new Double[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = d[i];
        }
        return out;
    }

    private static boolean isWhole(Number n) {
        double d = n.doubleValue();
        return d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE;
    }

    private IllegalArgumentException wrongType(Object value, String owner, String rule) {
        return new IllegalArgumentException(owner + " config '" + key + "' (" + show(value) + ") " + rule);
    }

    static String show(Object value) {
        return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
    }

    @Override
    public String toString() {
        return key + (extension ? " (xent extension)" : "") + " = " + defaultValue;
    }
}
