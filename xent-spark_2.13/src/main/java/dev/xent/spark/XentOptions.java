package dev.xent.spark;

import dev.xent.catalog.Argument;
import dev.xent.catalog.Catalog;
import dev.xent.catalog.KerasFunction;
import dev.xent.losses.Loss;
import dev.xent.losses.Reduction;
import dev.xent.metrics.MeanMetricWrapper;
import dev.xent.ndarray.DType;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The arguments of the Keras functions by Keras's names (and xent's extensions), the losses' reduction, the dtype,
 * and how the Spark adapters treat null rows and batch rows: fixed when functions are registered or an aggregator is
 * made. One set of options serves every function of the {@link Catalog}; each function takes the arguments it has. An
 * argument that a function does not have is refused when that function is used, naming the argument and the
 * function, unless it has its Keras default ({@code label_smoothing} 0 is fine for
 * {@code sparse_categorical_crossentropy}, 0.1 is not).
 *
 * <pre>{@code
 * XentOptions options = XentOptions.builder().set("from_logits", true).set("gamma", 3.0).skipNulls(true).build();
 * XentFunctions.register(spark, options);          // xent_binary_focal_crossentropy(...) with gamma 3, from logits
 * XentOptions.builder().fromLogits(true).ignoreClass(255).build();    // typed setters for the common arguments
 * }</pre>
 *
 * <p>Immutable, serializable and thread-safe.
 */
public final class XentOptions implements Serializable {

    private static final long serialVersionUID = 2L;

    /** Rows gathered before one call into the core: large enough to amortise the call, small enough for cache. */
    public static final int DEFAULT_BATCH_ROWS = 512;

    private static final XentOptions DEFAULTS = builder().build();

    /** Arguments that differ from their Keras defaults, by Keras key, in the order they were set. */
    private final Map<String, Object> arguments;
    private final Reduction reduction;
    private final DType dtype;
    private final boolean skipNulls;
    private final int batchRows;

    private XentOptions(Builder b) {
        this.arguments = Collections.unmodifiableMap(new LinkedHashMap<>(b.arguments));
        this.reduction = b.reduction;
        this.dtype = b.dtype;
        this.skipNulls = b.skipNulls;
        this.batchRows = b.batchRows;
    }

    /** Keras's defaults; null rows are errors. */
    public static XentOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder().reduction(reduction).dtype(dtype).skipNulls(skipNulls).batchRows(batchRows);
        b.arguments.putAll(arguments);
        return b;
    }

    /**
     * The arguments set to other values than their Keras defaults, by Keras key (such as {@code from_logits}) or
     * extension key (such as {@code normalize_before_clip}); unmodifiable.
     */
    public Map<String, Object> arguments() {
        return arguments;
    }

    /** The value of argument {@code key}: as set, or its Keras default (null for an unknown key). */
    public Object argument(String key) {
        return arguments.containsKey(key) ? arguments.get(key) : defaultOf(key);
    }

    public boolean fromLogits() {
        return (Boolean) argument("from_logits");
    }

    public Integer ignoreClass() {
        Object v = argument("ignore_class");
        return v == null ? null : ((Number) v).intValue();
    }

    public double labelSmoothing() {
        return ((Number) argument("label_smoothing")).doubleValue();
    }

    public int axis() {
        return ((Number) argument("axis")).intValue();
    }

    public boolean excludeIgnoredFromCount() {
        return (Boolean) argument("exclude_ignored_from_count");
    }

    public boolean normalizeBeforeClip() {
        return (Boolean) argument("normalize_before_clip");
    }

    public Reduction reduction() {
        return reduction;
    }

    public DType dtype() {
        return dtype;
    }

    public boolean skipNulls() {
        return skipNulls;
    }

    public int batchRows() {
        return batchRows;
    }

    /**
     * The core metric of {@code function} with these arguments and {@link #dtype()}, built through the catalogue
     * ({@link KerasFunction#newMetric}).
     *
     * @throws IllegalArgumentException when an argument the metric does not take has another value than its default,
     *     or a value breaks the metric's rule
     */
    public MeanMetricWrapper metric(KerasFunction function) {
        Map<String, Object> config = config(function, false);
        config.put("dtype", dtype.kerasName());
        return function.newMetric(config);
    }

    /**
     * The core loss of {@code function} with these arguments, {@link #reduction()} and {@link #dtype()}, built through
     * the catalogue ({@link KerasFunction#newLoss}).
     *
     * @throws IllegalArgumentException when the function has no loss in Keras (the accuracies), when an argument the
     *     loss does not take has another value than its default, or a value breaks the loss's rule
     */
    public Loss loss(KerasFunction function) {
        if (!function.hasLoss()) {
            throw new IllegalArgumentException(function.name() + " has no loss in Keras: it is a metric only");
        }
        Map<String, Object> config = config(function, true);
        config.put("reduction", reduction.kerasName());
        config.put("dtype", dtype.kerasName());
        return function.newLoss(config);
    }

    /**
     * The arguments the metric ({@code forLoss == false}) or loss of {@code function} takes, as a config map; the
     * others must have their defaults.
     */
    private Map<String, Object> config(KerasFunction function, boolean forLoss) {
        List<Argument> takes = function.arguments(forLoss);
        Map<String, Object> config = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : arguments.entrySet()) {
            boolean taken = false;
            for (Argument a : takes) {
                taken |= a.key().equals(e.getKey());
            }
            if (taken) {
                config.put(e.getKey(), e.getValue());
                continue;
            }
            Argument a = anyArgument(e.getKey());
            String of = function.argument(e.getKey()) == null ? function.name()
                    : function.name() + "'s " + (forLoss ? "loss" : "metric");
            throw new IllegalArgumentException(a.javaName() + " (" + e.getValue() + ") is not an option of " + of
                    + "; it must be " + a.defaultValue());
        }
        return config;
    }

    /** The argument {@code key} of the first catalogue function that has it, or null. */
    private static Argument anyArgument(String key) {
        for (KerasFunction f : Catalog.all()) {
            Argument a = f.argument(key);
            if (a != null) {
                return a;
            }
        }
        return null;
    }

    /** The Keras default of {@code key}: the same for every catalogue function that has the argument. */
    private static Object defaultOf(String key) {
        Argument a = anyArgument(key);
        return a == null ? null : a.defaultValue();
    }

    /** Whether {@code value} is the default of {@code key} in every catalogue function that has the argument. */
    private static boolean isDefault(String key, Object value) {
        for (KerasFunction f : Catalog.all()) {
            Argument a = f.argument(key);
            if (a != null && !sameValue(a.defaultValue(), value)) {
                return false;
            }
        }
        return true;
    }

    /** Equal values, numbers compared as doubles (the int 0 is the default 0.0). */
    private static boolean sameValue(Object a, Object b) {
        if (a instanceof Number && b instanceof Number) {
            return ((Number) a).doubleValue() == ((Number) b).doubleValue();
        }
        return Objects.equals(a, b);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof XentOptions)) {
            return false;
        }
        XentOptions x = (XentOptions) o;
        return arguments.equals(x.arguments) && reduction == x.reduction && dtype == x.dtype
                && skipNulls == x.skipNulls && batchRows == x.batchRows;
    }

    @Override
    public int hashCode() {
        return Objects.hash(arguments, reduction, dtype, skipNulls, batchRows);
    }

    @Override
    public String toString() {
        return "XentOptions{arguments=" + arguments + ", reduction=" + reduction.kerasName() + ", dtype="
                + dtype.kerasName() + ", skipNulls=" + skipNulls + ", batchRows=" + batchRows + "}";
    }

    /** Options, with Keras's defaults. */
    public static final class Builder {
        private final Map<String, Object> arguments = new LinkedHashMap<>();
        private Reduction reduction = Reduction.SUM_OVER_BATCH_SIZE;
        private DType dtype = DType.FLOAT32;
        private boolean skipNulls;
        private int batchRows = DEFAULT_BATCH_ROWS;

        private Builder() {}

        /**
         * Sets the argument Keras names {@code key} (such as {@code from_logits}, {@code gamma}, {@code k}) or an
         * extension of xent's (such as {@code normalize_before_clip}), for every function that takes it. Values keep
         * their JSON type, as in a Keras config: {@code Boolean}, a {@code Number}, null (an optional integer such as
         * {@code ignore_class}), or a list of numbers or {@code double[]} (the categorical focal loss's
         * {@code alpha}). Setting an argument to its Keras default removes it.
         *
         * @throws IllegalArgumentException when no catalogue function has the argument, or the value breaks the
         *     argument's rule (the message names it, its value and the rule)
         */
        public Builder set(String key, Object value) {
            Objects.requireNonNull(key, "key must not be null");
            IllegalArgumentException broken = null;
            boolean known = false;
            for (KerasFunction f : Catalog.all()) {
                Argument a = f.argument(key);
                if (a == null) {
                    continue;
                }
                known = true;
                try {
                    a.checked(value, "XentOptions");
                    broken = null;
                    break;
                } catch (IllegalArgumentException e) {
                    broken = broken == null ? e : broken;
                }
            }
            if (!known) {
                throw new IllegalArgumentException("'" + key + "' is not an argument of any Keras function here; the"
                        + " arguments are " + allKeys());
            }
            if (broken != null) {
                throw broken;
            }
            if (isDefault(key, value)) {
                arguments.remove(key);
            } else {
                arguments.put(key, copy(value));
            }
            return this;
        }

        /** {@link #set} for each entry of {@code values} (such as a Keras {@code get_config()}'s arguments). */
        public Builder setAll(Map<String, ?> values) {
            for (Map.Entry<String, ?> e : values.entrySet()) {
                set(e.getKey(), e.getValue());
            }
            return this;
        }

        private static Object copy(Object value) {
            if (value instanceof double[]) {
                List<Object> list = new ArrayList<>();
                for (double d : (double[]) value) {
                    list.add(d);
                }
                return Collections.unmodifiableList(list);
            }
            if (value instanceof List) {
                return Collections.unmodifiableList(new ArrayList<>((List<?>) value));
            }
            return value;
        }

        private static List<String> allKeys() {
            List<String> keys = new ArrayList<>();
            for (KerasFunction f : Catalog.all()) {
                for (Argument a : f.arguments()) {
                    if (!keys.contains(a.key())) {
                        keys.add(a.key());
                    }
                }
            }
            return keys;
        }

        /** {@code from_logits}: whether predictions are logits (default false: probabilities). */
        public Builder fromLogits(boolean fromLogits) {
            return set("from_logits", fromLogits);
        }

        /** {@code ignore_class} (sparse cross-entropy): a label value to ignore (such as -1 or 255), or null. */
        public Builder ignoreClass(Integer ignoreClass) {
            return set("ignore_class", ignoreClass);
        }

        /** {@code label_smoothing} in [0, 1] (default 0). */
        public Builder labelSmoothing(double labelSmoothing) {
            return set("label_smoothing", labelSmoothing);
        }

        /**
         * {@code axis}: the class axis (default -1), counted in the batch {@code (rows, ...shape)}: a row without a
         * shape is {@code (classes,)}, so its batch is {@code (rows, classes)} and the axis is -1 or 1.
         */
        public Builder axis(int axis) {
            return set("axis", axis);
        }

        /** {@code exclude_ignored_from_count} (sparse metric): leave ignored entries out of {@code count}. */
        public Builder excludeIgnoredFromCount(boolean excludeIgnoredFromCount) {
            return set("exclude_ignored_from_count", excludeIgnoredFromCount);
        }

        /** {@code normalize_before_clip} (sparse): normalise probabilities before clipping (Keras on JAX/PyTorch). */
        public Builder normalizeBeforeClip(boolean normalizeBeforeClip) {
            return set("normalize_before_clip", normalizeBeforeClip);
        }

        /** The losses' reduction (default {@code sum_over_batch_size}); {@code none} is for the per-row values. */
        public Builder reduction(Reduction reduction) {
            this.reduction = Objects.requireNonNull(reduction, "reduction must not be null");
            return this;
        }

        /** The metric state's dtype and the losses' compute dtype: float32 (default) or float64. */
        public Builder dtype(DType dtype) {
            if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64) {
                throw new IllegalArgumentException("dtype (" + dtype + ") must be float32 or float64");
            }
            this.dtype = dtype;
            return this;
        }

        /**
         * Whether a row with a null label, prediction, weight or shape is skipped and counted (true) or fails the
         * job with an error naming the row (false, the default).
         */
        public Builder skipNulls(boolean skipNulls) {
            this.skipNulls = skipNulls;
            return this;
        }

        /** Rows per call into the core (default {@value #DEFAULT_BATCH_ROWS}); the result does not depend on it. */
        public Builder batchRows(int batchRows) {
            if (batchRows < 1) {
                throw new IllegalArgumentException("batchRows (" + batchRows + ") must be >= 1");
            }
            this.batchRows = batchRows;
            return this;
        }

        public XentOptions build() {
            return new XentOptions(this);
        }
    }
}
