package dev.xent.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * Keras's options and {@code --config}, as {@code xent metric|loss} and {@code xent spark metric|loss} take them: a
 * picocli mixin ({@code @Mixin KerasOptions keras}), with the checks of their values and the config they give.
 * Public for {@code xent spark} (module xent-spark_2.13), which must read them exactly as {@code xent} does.
 */
public final class KerasOptions {

    static final List<String> DTYPES = List.of("float32", "float64");

    @Option(names = "--from-logits", negatable = true, order = 10,
            description = "Predictions are logits (from_logits=True); --no-from-logits overrides a --config.")
    Boolean fromLogits;

    @Option(names = "--ignore-class", paramLabel = "INT", order = 11,
            description = "Sparse only: a label value (such as 255 or -1) whose entries are ignored (ignore_class).")
    Integer ignoreClass;

    @Option(names = "--axis", paramLabel = "INT", order = 12,
            description = "The class axis of y_pred (default -1); 1 for channels-first. Sparse with an axis other"
                    + " than -1 gives Keras's value for the class axis moved last (Keras on TensorFlow refuses it).")
    Integer axis;

    @Option(names = "--label-smoothing", paramLabel = "FLOAT", order = 13,
            description = "Categorical only: label smoothing in [0, 1].")
    Double labelSmoothing;

    @Option(names = "--dtype", paramLabel = "float32|float64", order = 14,
            description = "The dtype (default float32): a metric's state, a loss's compute dtype.")
    String dtype;

    @Option(names = "--name", paramLabel = "STR", order = 15, description = "The name in the config.")
    String objectName;

    @Option(names = "--config", paramLabel = "JSON|@FILE", order = 16,
            description = {"What keras.saving.serialize_keras_object(obj) writes, or a bare get_config() dict,"
                    + " inline or in FILE. Options given on the command line override its keys."})
    String config;

    /** Values the options must have whatever the class; {@code usage} makes the bad-usage exception. */
    public void checkValues(Function<String, RuntimeException> usage) {
        if (dtype != null && !DTYPES.contains(dtype)) {
            throw usage.apply("--dtype (" + dtype + ") must be float32 or float64");
        }
        if (labelSmoothing != null && !(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw usage.apply("--label-smoothing (" + labelSmoothing + ") must be in [0, 1]");
        }
    }

    /** The parsed {@code --config}, or {@link ConfigInput#NONE}; a bad one is a {@link DataException}. */
    public ConfigInput config() {
        return config == null ? ConfigInput.NONE : ConfigInput.parse(config);
    }

    /** Options that do not apply to the class are usage errors. */
    public void checkApplicable(KerasClass cls, Function<String, RuntimeException> usage) {
        if (cls == KerasClass.SPARSE && labelSmoothing != null) {
            throw usage.apply("--label-smoothing applies to categorical_crossentropy only (Keras 3.15's"
                    + " sparse_categorical_crossentropy has no label_smoothing)");
        }
        if (cls == KerasClass.CATEGORICAL && ignoreClass != null) {
            throw usage.apply("--ignore-class applies to sparse_categorical_crossentropy only");
        }
    }

    /** {@code base} (a config) with these options over its keys; an option not given leaves its key as it is. */
    public Map<String, Object> overridden(Map<String, Object> base) {
        Map<String, Object> c = new LinkedHashMap<>(base);
        putIfGiven(c, "name", objectName);
        putIfGiven(c, "dtype", dtype);
        putIfGiven(c, "from_logits", fromLogits);
        putIfGiven(c, "ignore_class", ignoreClass);
        putIfGiven(c, "label_smoothing", labelSmoothing);
        putIfGiven(c, "axis", axis);
        return c;
    }

    private static void putIfGiven(Map<String, Object> c, String key, Object value) {
        if (value != null) {
            c.put(key, value);
        }
    }
}
