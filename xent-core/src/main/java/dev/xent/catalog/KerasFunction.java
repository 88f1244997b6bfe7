package dev.xent.catalog;

import dev.xent.internal.Computations;
import dev.xent.internal.CrossEntropyOps;
import dev.xent.internal.ElementValues;
import dev.xent.losses.Loss;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One Keras function, described once: its names, its arguments with Keras's defaults and rules, how its metric and
 * loss classes write their configs, and (inside the library) its per-element computation. Metric and loss classes,
 * {@code fromConfig} / {@code getConfig}, {@link dev.xent.saving.Serialization}, the command line, Spark and
 * {@code evaluate} all read this description; none of them lists names of its own. {@link Catalog} has every one.
 *
 * <pre>{@code
 * KerasFunction bce = Catalog.get("binary_crossentropy");
 * bce.lossClassName();                                     // "BinaryCrossentropy"
 * bce.call(yTrue, yPred, Map.of("from_logits", true));     // per-sample values, as keras.losses.binary_crossentropy
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class KerasFunction {

    /** How {@code y_true} relates to {@code y_pred}. */
    public enum Targets {
        /** Integer labels: {@code y_pred}'s shape without the class axis (optionally with a 1 there). */
        LABELS,
        /** Targets of {@code y_pred}'s shape (one-hot, soft, or binary). */
        SAME_SHAPE
    }

    /**
     * How one class (the metric or the loss) takes the function's arguments: its Keras class name, its config keys
     * in Keras's order, the defaults it writes (Keras's metric {@code label_smoothing} is the int {@code 0}, the loss's
     * the float {@code 0.0}), and keys it writes only when they differ from a value.
     */
    public static final class Form {
        private final String className;
        private final List<String> configKeys;
        private final Map<String, Object> defaults;
        private final Map<String, Object> omittedWhen;
        private final List<String> extensions;
        /** A {@code MeanMetricWrapper}: writes {@code fn}, and only the arguments that differ from the defaults. */
        private final boolean wrapper;

        Form(String className, List<String> configKeys, Map<String, Object> defaults, Map<String, Object> omittedWhen,
             List<String> extensions, boolean wrapper) {
            this.wrapper = wrapper;
            this.className = className;
            this.configKeys = List.copyOf(configKeys);
            this.defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
            this.omittedWhen = Collections.unmodifiableMap(new LinkedHashMap<>(omittedWhen));
            this.extensions = List.copyOf(extensions);
        }

        /** Keras's class name, such as {@code BinaryCrossentropy}; {@code MeanMetricWrapper} for a metric Keras has no class for. */
        public String className() {
            return className;
        }

        /** The function arguments the config holds, in Keras's order (after {@code name} and {@code dtype} or {@code reduction}). */
        public List<String> configKeys() {
            return configKeys;
        }

        /** xent's own options this class takes (never config keys). */
        public List<String> extensions() {
            return extensions;
        }
    }

    private final String name;
    private final List<Argument> arguments;
    private final Form metric;
    private final Form loss;
    private final Targets targets;
    private final boolean higherIsBetter;
    private final boolean reducesAxis;
    private final Function<Map<String, ?>, MeanMetricWrapper> metricFromConfig;
    private final Function<Map<String, ?>, Loss> lossFromConfig;
    private final List<String> metricAliases;
    private final List<String> lossAliases;

    KerasFunction(String name, List<Argument> arguments, Form metric, Form loss, Targets targets,
                  boolean higherIsBetter, boolean reducesAxis,
                  Function<Map<String, ?>, MeanMetricWrapper> metricFromConfig,
                  Function<Map<String, ?>, Loss> lossFromConfig, List<String> metricAliases, List<String> lossAliases) {
        this.name = name;
        this.reducesAxis = reducesAxis;
        this.metricAliases = List.copyOf(metricAliases);
        this.lossAliases = List.copyOf(lossAliases);
        this.arguments = List.copyOf(arguments);
        this.metric = metric;
        this.loss = loss;
        this.targets = targets;
        this.higherIsBetter = higherIsBetter;
        this.metricFromConfig = metricFromConfig;
        this.lossFromConfig = lossFromConfig;
    }

    /** Keras's function name, such as {@code binary_crossentropy}. */
    public String name() {
        return name;
    }

    /** Every argument of the function, Keras's first (in its signature's order), then xent's extensions. */
    public List<Argument> arguments() {
        return arguments;
    }

    /** The argument named {@code key}, or null. */
    public Argument argument(String key) {
        for (Argument a : arguments) {
            if (a.key().equals(key)) {
                return a;
            }
        }
        return null;
    }

    /** The metric's form (every function here has a metric: Keras's class, or {@code MeanMetricWrapper} of it). */
    public Form metric() {
        return metric;
    }

    /** The loss's form, or null when Keras has no loss class for the function (the accuracies). */
    public Form loss() {
        return loss;
    }

    public boolean hasLoss() {
        return loss != null;
    }

    /** The metric's Keras class name ({@code MeanMetricWrapper} when Keras has no class for it). */
    public String metricClassName() {
        return metric.className;
    }

    /** The loss's Keras class name, or null. */
    public String lossClassName() {
        return loss == null ? null : loss.className;
    }

    /** Whether Keras has a metric class of its own for the function (the focal losses have none). */
    public boolean hasMetricClass() {
        return !metric.className.equals("MeanMetricWrapper");
    }

    public Targets targets() {
        return targets;
    }

    /** Whether a larger value is better (the accuracies), as Keras's metric direction "up". */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /**
     * Whether the function reduces an axis of {@code yPred} (its {@code axis} argument, or the last axis): one value
     * per row of classes, as the cross-entropies, KL divergence, Poisson and the categorical accuracies give. False
     * for an element-wise function (Keras 3's {@code binary_accuracy}), whose values have the inputs' shape.
     */
    public boolean reducesAxis() {
        return reducesAxis;
    }

    /** Whether its loss has a gradient ({@link Loss#gradient}); every loss of the catalogue has one. */
    public boolean hasGradient() {
        return loss != null && Computations.of(this).hasGradient();
    }

    /** Whether {@code name} names this function: its function name or one of its classes' names. */
    public boolean isNamed(String candidate) {
        return name.equals(candidate) || (hasMetricClass() && metric.className.equals(candidate))
                || (loss != null && loss.className.equals(candidate));
    }

    /**
     * The strings Keras 3's {@code keras.metrics.get} resolves to this function's metric class (its
     * {@code ALL_OBJECTS_DICT}): the class name, its snake_case form ({@code to_snake_case}, which is the function
     * name), and Keras's aliases such as {@code "bce"}. Empty when Keras has no metric class for the function: the
     * focal losses are metrics only as functions ({@code metrics=[keras.losses.binary_focal_crossentropy]}).
     */
    public List<String> kerasMetricIdentifiers() {
        if (!hasMetricClass()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        out.add(metric.className);
        String snake = toSnakeCase(metric.className);
        if (!out.contains(snake)) {
            out.add(snake);
        }
        out.addAll(metricAliases);
        return Collections.unmodifiableList(out);
    }

    /**
     * The strings Keras 3's {@code keras.losses.get} resolves to this function or its loss class (its
     * {@code ALL_OBJECTS_DICT}): the function name, the class name and Keras's aliases such as {@code "kld"}. Empty
     * when Keras has no loss for the function (the accuracies).
     */
    public List<String> kerasLossIdentifiers() {
        if (loss == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(List.of(name, loss.className));
        out.addAll(lossAliases);
        return Collections.unmodifiableList(out);
    }

    /** Keras's {@code keras.src.utils.naming.to_snake_case}. */
    static String toSnakeCase(String name) {
        String s = name.replaceAll("\\W+", "");
        s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        return s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** The arguments the metric ({@code loss == false}) or the loss takes: its config keys, then its extensions. */
    public List<Argument> arguments(boolean forLoss) {
        Form f = forLoss ? loss : metric;
        List<Argument> out = new ArrayList<>();
        if (f == null) {
            return out;
        }
        for (String k : f.configKeys) {
            out.add(argument(k));
        }
        for (String k : f.extensions) {
            out.add(argument(k));
        }
        return out;
    }

    /**
     * The metric, from a {@code get_config()} map (every key optional; unknown keys refused) and, in the same map,
     * xent's extensions by key (such as {@code normalize_before_clip}), which a class's {@code fromConfig} refuses.
     *
     * @throws IllegalArgumentException on an unknown key, a value of the wrong type, or one that breaks its rule
     */
    public MeanMetricWrapper newMetric(Map<String, ?> config) {
        Map<String, Object> extensions = extensions(config);
        MeanMetricWrapper m = metricFromConfig.apply(without(config, extensions));
        if (extensions.isEmpty()) {
            return m;
        }
        dev.xent.metrics.MetricBuilder<?, ? extends MeanMetricWrapper> b = m.toBuilder();
        extensions.forEach(b::set);
        return b.build();
    }

    /**
     * The loss, from a {@code get_config()} map (every key optional; unknown keys refused; {@code "reduction": "auto"},
     * tf.keras 2's default, read as {@code sum_over_batch_size}) and, in the same map, xent's extensions by key.
     *
     * @throws UnsupportedOperationException when the function has no loss class
     * @throws IllegalArgumentException on an unknown key, a value of the wrong type, or one that breaks its rule
     */
    public Loss newLoss(Map<String, ?> config) {
        if (loss == null) {
            throw new UnsupportedOperationException(name + " has no loss class in Keras");
        }
        Map<String, Object> extensions = extensions(config);
        Loss l = lossFromConfig.apply(without(config, extensions));
        if (extensions.isEmpty()) {
            return l;
        }
        dev.xent.losses.LossBuilder<?, ? extends Loss> b = l.toBuilder();
        extensions.forEach(b::set);
        return b.build();
    }

    /** The entries of {@code config} whose keys are extensions of this function. */
    private Map<String, Object> extensions(Map<String, ?> config) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : config.entrySet()) {
            Argument a = argument(e.getKey());
            if (a != null && a.isExtension()) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    private static Map<String, ?> without(Map<String, ?> config, Map<String, Object> extensions) {
        if (extensions.isEmpty()) {
            return config;
        }
        Map<String, Object> out = new LinkedHashMap<>(config);
        out.keySet().removeAll(extensions.keySet());
        return out;
    }

    /**
     * The function itself, as {@code keras.losses.NAME(y_true, y_pred, **kwargs)} (or {@code keras.metrics.NAME}):
     * per-element values in {@code yPred}'s dtype (float64 for float64 predictions, else float32), no weighting,
     * no reduction.
     *
     * @param kwargs Keras keyword arguments (and extensions); missing ones take their defaults
     * @throws IllegalArgumentException on bad arguments or inputs, naming them
     */
    public NdArray call(NdArray yTrue, NdArray yPred, Map<String, ?> kwargs) {
        Arguments args = resolve(kwargs, null, name);
        ElementValues v = Computations.of(this).values(yTrue, yPred, args, CrossEntropyOps.precisionOf(yPred), false);
        return toArray(v);
    }

    /**
     * Checked values of the metric's arguments: {@code given} (Keras keys and extensions) over its defaults.
     *
     * @throws IllegalArgumentException on a key the metric does not take, or a bad value
     */
    public Arguments metricArguments(Map<String, ?> given) {
        return resolve(given, metric, hasMetricClass() ? metric.className : name);
    }

    /**
     * Checked values of the loss's arguments: {@code given} (Keras keys and extensions) over its defaults.
     *
     * @throws IllegalArgumentException on a key the loss does not take, or a bad value
     */
    public Arguments lossArguments(Map<String, ?> given) {
        return resolve(given, loss, loss.className);
    }

    /** The metric's {@code get_config()}: {@code name}, {@code dtype}, then its keys, as Keras writes them. */
    public Map<String, Object> metricConfig(String objectName, DType dtype, Arguments args) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", objectName);
        c.put("dtype", dtype.kerasName());
        if (metric.wrapper) {
            c.put("fn", serializedFunction());
        }
        putConfig(c, metric, args);
        return c;
    }

    /** The loss's {@code get_config()}: {@code name}, {@code reduction} (as configured), then its keys. */
    public Map<String, Object> lossConfig(String objectName, String reduction, Arguments args) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", objectName);
        c.put("reduction", reduction);
        putConfig(c, loss, args);
        return c;
    }

    /**
     * Checked values for every argument: {@code given} over the defaults ({@code form}'s where it has its own).
     * Keys that are not arguments are refused.
     */
    Arguments resolve(Map<String, ?> given, Form form, String owner) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Argument a : arguments) {
            Object d = form != null && form.defaults.containsKey(a.key()) ? form.defaults.get(a.key()) : a.defaultValue();
            values.put(a.key(), d);
        }
        List<String> givenKeys = new ArrayList<>();
        for (Map.Entry<String, ?> e : given.entrySet()) {
            Argument a = argument(e.getKey());
            if (a == null || (form != null && !form.configKeys.contains(a.key()) && !form.extensions.contains(a.key()))) {
                throw new IllegalArgumentException("'" + e.getKey() + "' is not an argument of " + owner
                        + "; its arguments are " + keys(form));
            }
            values.put(a.key(), a.checked(e.getValue(), owner));
            givenKeys.add(a.key());
        }
        return new Arguments(values, givenKeys);
    }

    private List<String> keys(Form form) {
        List<String> out = new ArrayList<>();
        for (Argument a : arguments) {
            if (form == null || form.configKeys.contains(a.key()) || form.extensions.contains(a.key())) {
                out.add(a.key());
            }
        }
        return out;
    }

    /**
     * What {@code keras.saving.serialize_keras_object} writes for the function itself. Keras 3.15.1 writes module
     * {@code "builtins"} for its loss functions, alone, in a {@code MeanMetricWrapper} config and in compile configs
     * (golden/family_notes.json, {@code function-serialized-module-builtins}).
     */
    public Map<String, Object> serializedFunction() {
        Map<String, Object> fn = new LinkedHashMap<>();
        fn.put("module", "builtins");
        fn.put("class_name", "function");
        fn.put("config", name);
        fn.put("registered_name", "function");
        return fn;
    }

    /** The config keys of {@code form} with their values, in Keras's order, leaving out those Keras does not write. */
    void putConfig(Map<String, Object> config, Form form, Arguments args) {
        // A MeanMetricWrapper writes the keyword arguments it was given, in the order given.
        for (String k : form.wrapper ? args.givenKeys() : form.configKeys) {
            if (!form.configKeys.contains(k)) {
                continue;
            }
            Object v = args.get(k);
            if (form.omittedWhen.containsKey(k) && java.util.Objects.equals(form.omittedWhen.get(k), v)) {
                continue;
            }
            config.put(k, v);
        }
    }

    static NdArray toArray(ElementValues v) {
        if (v.precision == dev.xent.internal.kernel.Precision.FLOAT64) {
            return NdArray.of(v.values, 0, v.shape);
        }
        float[] f = new float[v.values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) v.values[i];
        }
        return NdArray.of(f, 0, v.shape);
    }

    @Override
    public String toString() {
        return name;
    }
}
