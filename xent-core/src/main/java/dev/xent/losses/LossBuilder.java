package dev.xent.losses;

import dev.xent.catalog.Arguments;
import dev.xent.catalog.KerasFunction;
import dev.xent.internal.ConfigReader;
import dev.xent.ndarray.DType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What every loss builder shares: {@code name}, {@code reduction}, {@code dtype}, the function's arguments (checked
 * by its {@link KerasFunction} description when built), and reading a {@code get_config()} map. Each loss class
 * adds typed setters for its own arguments, one line each.
 *
 * @param <B> the concrete builder
 * @param <L> the loss it builds
 */
public abstract class LossBuilder<B extends LossBuilder<B, L>, L extends Loss> {

    final KerasFunction function;
    private final Function<B, L> constructor;
    String name;
    /** As configured: Keras writes {@code None} as JSON null. */
    String reduction = Reduction.SUM_OVER_BATCH_SIZE.kerasName();
    DType dtype = DType.FLOAT32;
    private final Map<String, Object> given = new LinkedHashMap<>();
    /** Set by {@link #build()} for the constructor. */
    Arguments arguments;

    LossBuilder(KerasFunction function, Function<B, L> constructor) {
        this.function = function;
        this.constructor = constructor;
        this.name = function.name();
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The loss's name (default: Keras's function name, such as {@code binary_crossentropy}). */
    public final B name(String name) {
        this.name = name;
        return self();
    }

    /** How values are reduced (default {@link Reduction#SUM_OVER_BATCH_SIZE}). */
    public final B reduction(Reduction reduction) {
        this.reduction = reduction.kerasName();
        return self();
    }

    /** The compute dtype: float32 (default) or float64; inputs are cast to it (labels stay integers). */
    public final B dtype(DType dtype) {
        this.dtype = dtype;
        return self();
    }

    /**
     * Sets argument {@code key}: Keras's name (such as {@code label_smoothing}) or an extension's (such as
     * {@code normalize_before_clip}); checked by {@link #build()}, which refuses a key the loss does not take.
     */
    public B set(String key, Object value) {
        given.put(key, value);
        return self();
    }

    /** Every option of {@code loss}. */
    B from(Loss loss) {
        name = loss.name();
        reduction = loss.reductionConfigValue();
        dtype = loss.dtype();
        for (dev.xent.catalog.Argument a : function.arguments(true)) {
            given.put(a.key(), loss.arguments().get(a.key()));
        }
        return self();
    }

    /**
     * Keras's {@code get_config()} keys over this builder's options: {@code name}, {@code reduction} (tf.keras 2's
     * {@code "auto"} read as {@code sum_over_batch_size}, its meaning outside a distribution strategy), the loss's own
     * keys, and {@code dtype} and {@code fn} (constructor arguments that Keras's config may carry).
     *
     * @throws IllegalArgumentException on an unknown key or a value of the wrong type
     */
    B config(Map<String, ?> config) {
        String owner = function.lossClassName();
        List<String> keys = new ArrayList<>(List.of("name", "reduction", "dtype", "fn"));
        keys.addAll(function.loss().configKeys());
        ConfigReader r = new ConfigReader(config, owner, keys.toArray(new String[0]));
        name = r.string("name", name);
        if (config.containsKey("reduction")) {
            String red = r.string("reduction", null);
            reduction = "auto".equals(red) ? Reduction.SUM_OVER_BATCH_SIZE.kerasName() : red;
        }
        dtype = r.dtype("dtype", dtype);
        if (config.containsKey("fn")) {
            ConfigReader.checkFn(config.get("fn"), function, owner);
        }
        for (Map.Entry<String, ?> e : config.entrySet()) {
            if (!List.of("name", "reduction", "dtype", "fn").contains(e.getKey())) {
                given.put(e.getKey(), e.getValue());
            }
        }
        return self();
    }

    /**
     * The loss.
     *
     * @throws IllegalArgumentException when an option breaks its rule (the message names it, its value and the rule)
     */
    public final L build() {
        arguments = function.lossArguments(given);
        return constructor.apply(self());
    }
}
