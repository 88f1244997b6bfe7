package dev.xent.metrics;

import dev.xent.catalog.Catalog;
import java.util.Map;

/**
 * The streaming mean of the categorical cross-entropy between one-hot (or soft) targets and predictions, after
 * {@code keras.metrics.CategoricalCrossentropy} (Keras 3.15, TensorFlow backend).
 *
 * <pre>{@code
 * var m = CategoricalCrossentropy.builder().build();
 * m.updateState(NdArray.of(new float[] {0, 1, 0, 0, 0, 1}, 2, 3),
 *               NdArray.of(new float[] {0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f}, 2, 3));
 * m.result();   // 1.1769392
 * }</pre>
 *
 * <p><b>Semantics.</b> Per element as {@link dev.xent.losses.Losses#categoricalCrossentropy}: probabilities are
 * divided by their row sum, then clipped to {@code [1e-7, 1 - 1e-7]} in float32; logits go through a stable
 * log-softmax. Targets are smoothed as {@code t * (1 - labelSmoothing) + labelSmoothing / n}, with
 * {@code n} the size of the last axis as in Keras 3.15, even when {@code axis != -1} (a Keras bug, fixed after 3.15:
 * {@link Builder#smoothOverClassAxis(boolean)} gives the fixed behaviour). Samples are averaged as in {@link SparseCategoricalCrossentropy}. An all-zero probability row
 * gives NaN (0/0), as in Keras; NaN propagates to the result until reset.
 *
 * <p>Not thread-safe; give each thread its own and {@link #merge} them.
 */
public final class CategoricalCrossentropy extends MeanMetricWrapper {

    public static final String DEFAULT_NAME = Catalog.CATEGORICAL_CROSSENTROPY.name();

    private CategoricalCrossentropy(Builder b) {
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
    public static CategoricalCrossentropy fromConfig(Map<String, ?> config) {
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

    /** Convenience for the common case of rows of targets and predictions (copied once). */
    public void updateState(float[][] targets, float[][] predictions) {
        updateState(dev.xent.ndarray.NdArray.of(targets), dev.xent.ndarray.NdArray.of(predictions));
    }

    /** Options, with Keras's defaults. */
    public static final class Builder extends MetricBuilder<Builder, CategoricalCrossentropy> {

        private Builder() {
            super(Catalog.CATEGORICAL_CROSSENTROPY, CategoricalCrossentropy::new);
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

        /** Smooth labels over the size of the class axis, as Keras after 3.15 does, instead of Keras 3.15's last
         * axis (default false). The two differ only when {@code axis} is not the last axis. Not part of Keras's
         * config.
         */
        public Builder smoothOverClassAxis(boolean smoothOverClassAxis) {
            return set("smooth_over_class_axis", smoothOverClassAxis);
        }
    }
}
