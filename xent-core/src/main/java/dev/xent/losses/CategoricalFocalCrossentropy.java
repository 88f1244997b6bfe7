package dev.xent.losses;

import dev.xent.catalog.Catalog;
import java.util.Map;

/**
 * The categorical focal cross-entropy loss, after {@code keras.losses.CategoricalFocalCrossentropy} (Keras 3.15,
 * TensorFlow backend): per sample {@code sum over classes of alpha (1 - p)^gamma (-t log p)}, with {@code p} the
 * predictions divided by their sum and clipped to {@code [1e-7, 1 - 1e-7]} (the softmax of logits).
 *
 * <pre>{@code
 * var loss = CategoricalFocalCrossentropy.builder().build();
 * loss.value(NdArray.of(new float[] {0, 1, 0, 0, 0, 1}, 2, 3),
 *            NdArray.of(new float[] {0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f}, 2, 3));   // 0.23315276
 * }</pre>
 *
 * <p><b>Semantics.</b> {@code alpha} is one number or one per class of the last axis (Keras broadcasts it along
 * the last axis whatever {@code axis} is). Label smoothing divides by the last axis's size as Keras 3.15 does
 * ({@link Builder#smoothOverClassAxis(boolean)} gives the later fix). Keras accepts a negative {@code gamma}; here it
 * is refused. NaN propagates.
 *
 * <p>Immutable and thread-safe.
 */
public final class CategoricalFocalCrossentropy extends Loss {

    public static final String DEFAULT_NAME = Catalog.CATEGORICAL_FOCAL_CROSSENTROPY.name();

    private CategoricalFocalCrossentropy(Builder b) {
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
    public static CategoricalFocalCrossentropy fromConfig(Map<String, ?> config) {
        return builder().config(config).build();
    }

    public double gamma() {
        return arguments().number("gamma");
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

    /** The per-class weights: one value, or one per class of the last axis. */
    public double[] alphas() {
        return arguments().numbers("alpha");
    }

    /** Options, with Keras's defaults. */
    public static final class Builder extends LossBuilder<Builder, CategoricalFocalCrossentropy> {

        private Builder() {
            super(Catalog.CATEGORICAL_FOCAL_CROSSENTROPY, CategoricalFocalCrossentropy::new);
        }

        /** The weight of the positive class with class balancing (default 0.25). */
        public Builder alpha(double alpha) {
            return set("alpha", alpha);
        }

        /** The focusing parameter, >= 0 (default 2.0). */
        public Builder gamma(double gamma) {
            return set("gamma", gamma);
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

        /** One weight per class of the last axis (Keras's list form of {@code alpha}). */
        public Builder alpha(double... alpha) {
            return set("alpha", alpha.length == 1 ? (Object) alpha[0] : alpha.clone());
        }
    }
}
