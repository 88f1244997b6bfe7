package dev.xent.metrics;

import dev.xent.catalog.Arguments;
import dev.xent.catalog.KerasFunction;
import dev.xent.internal.ConfigReader;
import dev.xent.ndarray.DType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What every metric builder shares: {@code name}, {@code dtype}, the function's arguments (checked by its
 * {@link KerasFunction} description when built), and reading a {@code get_config()} map. Each metric class adds
 * typed setters for its own arguments, one line each.
 *
 * @param <B> the concrete builder
 * @param <M> the metric it builds
 */
public abstract class MetricBuilder<B extends MetricBuilder<B, M>, M extends MeanMetricWrapper> {

    final KerasFunction function;
    private final Function<B, M> constructor;
    String name;
    DType dtype = DType.FLOAT32;
    private final Map<String, Object> given = new LinkedHashMap<>();
    /** Set by {@link #build()} for the constructor. */
    Arguments arguments;

    MetricBuilder(KerasFunction function, Function<B, M> constructor) {
        this.function = function;
        this.constructor = constructor;
        this.name = function.name();
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The metric's name (default: Keras's function name, such as {@code binary_crossentropy}). */
    public final B name(String name) {
        this.name = name;
        return self();
    }

    /** The state's dtype: float32 (default) or float64; values are rounded to it before accumulating. */
    public final B dtype(DType dtype) {
        this.dtype = dtype;
        return self();
    }

    /**
     * Sets argument {@code key}: Keras's name (such as {@code label_smoothing}) or an extension's (such as
     * {@code normalize_before_clip}); checked by {@link #build()}, which refuses a key the metric does not take.
     */
    public B set(String key, Object value) {
        given.put(key, value);
        return self();
    }

    /** Every option of {@code metric}. */
    B from(MeanMetricWrapper metric) {
        name = metric.name();
        dtype = metric.dtype();
        for (dev.xent.catalog.Argument a : function.arguments(false)) {
            given.put(a.key(), metric.arguments().get(a.key()));
        }
        return self();
    }

    /**
     * Keras's {@code get_config()} keys over this builder's options: {@code name}, {@code dtype} and the metric's
     * own keys (and {@code fn} naming this function, for a {@code MeanMetricWrapper}).
     *
     * @throws IllegalArgumentException on an unknown key or a value of the wrong type
     */
    B config(Map<String, ?> config) {
        String owner = function.metricClassName().equals("MeanMetricWrapper") ? function.name()
                : function.metricClassName();
        ConfigReader r = new ConfigReader(config, owner, allowedKeys());
        name = r.string("name", name);
        dtype = r.dtype("dtype", dtype);
        if (config.containsKey("fn")) {
            ConfigReader.checkFn(config.get("fn"), function, owner);
        }
        for (Map.Entry<String, ?> e : config.entrySet()) {
            if (!e.getKey().equals("name") && !e.getKey().equals("dtype") && !e.getKey().equals("fn")) {
                given.put(e.getKey(), e.getValue());
            }
        }
        return self();
    }

    private String[] allowedKeys() {
        java.util.List<String> keys = new java.util.ArrayList<>(java.util.List.of("name", "dtype"));
        if (!function.hasMetricClass()) {
            keys.add("fn");
        }
        keys.addAll(function.metric().configKeys());
        return keys.toArray(new String[0]);
    }

    /**
     * The metric.
     *
     * @throws IllegalArgumentException when an option breaks its rule (the message names it, its value and the rule)
     */
    public final M build() {
        arguments = function.metricArguments(given);
        return constructor.apply(self());
    }
}
