package dev.xent.losses;

import dev.xent.catalog.Catalog;
import java.util.Map;

/**
 * The binary cross-entropy loss, after {@code keras.losses.BinaryCrossentropy} (Keras 3.15, TensorFlow backend): for
 * binary and multi-label targets, the mean over {@code axis} of each element's cross-entropy, then Keras's weighting
 * and {@link Reduction}.
 *
 * <pre>{@code
 * var loss = BinaryCrossentropy.builder().build();
 * loss.value(NdArray.of(new float[] {0, 1, 0, 0}, 2, 2), NdArray.of(new float[] {0.6f, 0.4f, 0.4f, 0.6f}, 2, 2));   // 0.815
 * }</pre>
 *
 * <p><b>Semantics.</b> Inputs are cast to the loss dtype and aligned by {@code squeeze_or_expand_to_same_rank}
 * (targets {@code (B,)} against predictions {@code (B, 1)} work). Probabilities are clipped to
 * {@code [1e-7, 1 - 1e-7]}; logits use the stable {@code max(x, 0) - x t + log(1 + exp(-|x|))}; targets are smoothed
 * as {@code t (1 - labelSmoothing) + labelSmoothing / 2}. Rank-1 inputs give one scalar, under every reduction, as
 * in Keras. NaN propagates.
 *
 * <p>Immutable and thread-safe.
 */
public final class BinaryCrossentropy extends Loss {

    public static final String DEFAULT_NAME = Catalog.BINARY_CROSSENTROPY.name();

    private BinaryCrossentropy(Builder b) {
        super(b);
    }

    /** A builder with Keras's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this loss's options. */
    public Builder toBuilder() {
        return new Builder().from(this);
    }

    /**
     * Keras's {@code from_config}: the keys of {@code get_config()}, each optional, and {@code dtype} and
     * {@code fn}, which Keras's constructor takes; tf.keras 2's {@code "reduction": "auto"} reads as
     * {@code sum_over_batch_size}.
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

    public int axis() {
        return arguments().integer("axis");
    }

    /** Options, with Keras's defaults. */
    public static final class Builder extends LossBuilder<Builder, BinaryCrossentropy> {

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

        /** The class axis of the predictions, the axis the function reduces over (default -1). */
        public Builder axis(int axis) {
            return set("axis", axis);
        }
    }
}
