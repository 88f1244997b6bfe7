package dev.xent.metrics;

import dev.xent.catalog.Catalog;
import java.util.Map;

/**
 * The streaming mean of the binary cross-entropy, after {@code keras.metrics.BinaryCrossentropy} (Keras 3.15,
 * TensorFlow backend): for binary and multi-label targets, each sample's value is the mean over its last axis.
 *
 * <pre>{@code
 * var m = BinaryCrossentropy.builder().build();
 * m.updateState(NdArray.of(new float[] {0, 1, 0, 0}, 2, 2), NdArray.of(new float[] {0.6f, 0.4f, 0.4f, 0.6f}, 2, 2));
 * m.result();   // 0.81492424
 * }</pre>
 *
 * <p><b>Semantics.</b> Per element as {@code keras.losses.binary_crossentropy}: probabilities are clipped to
 * {@code [1e-7, 1 - 1e-7]} and {@code -(t log p + (1 - t) log(1 - p))} is computed in float32 (float64 for float64
 * predictions); logits use the stable {@code max(x, 0) - x t + log(1 + exp(-|x|))}. Targets are smoothed as
 * {@code t (1 - labelSmoothing) + labelSmoothing / 2}. Inputs are used as given (a metric does not fix ranks, so
 * {@code yTrue} must have {@code yPred}'s shape); a rank-1 batch gives one value per update, as in Keras. NaN
 * propagates to the result until reset.
 *
 * <p>Not thread-safe; give each thread its own and {@link #merge} them.
 */
public final class BinaryCrossentropy extends MeanMetricWrapper {

    public static final String DEFAULT_NAME = Catalog.BINARY_CROSSENTROPY.name();

    private BinaryCrossentropy(Builder b) {
        super(b);
    }

    /** A builder with Keras's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this metric's options. */
    public Builder toBuilder() {
        return new Builder().from(this);
    }

    /**
     * Keras's {@code from_config}: the keys of {@code get_config()}, each optional.
     *
     * @throws IllegalArgumentException on an unknown key, a value of the wrong type, or one that breaks its rule
     */
    public static BinaryCrossentropy fromConfig(Map<String, ?> config) {
        return builder().config(config).build();
    }

    public boolean fromLogits() {
        return arguments().bool("from_logits");
    }

    public double labelSmoothing() {
        return arguments().number("label_smoothing");
    }

    /** Options, with Keras's defaults. */
    public static final class Builder extends MetricBuilder<Builder, BinaryCrossentropy> {

        private Builder() {
            super(Catalog.BINARY_CROSSENTROPY, BinaryCrossentropy::new);
        }

        /** Whether predictions are logits (default false: probabilities). */
        public Builder fromLogits(boolean fromLogits) {
            return set("from_logits", fromLogits);
        }

        /** Label smoothing in [0, 1] (default 0). */
        public Builder labelSmoothing(double labelSmoothing) {
            return set("label_smoothing", labelSmoothing);
        }
    }
}
