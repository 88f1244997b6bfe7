package dev.xent.losses;

import dev.xent.catalog.Catalog;
import java.util.Map;

/**
 * The binary focal cross-entropy loss, after {@code keras.losses.BinaryFocalCrossentropy} (Keras 3.15, TensorFlow
 * backend): the binary cross-entropy of each element scaled by {@code (1 - p_t)^gamma}, optionally by
 * {@code alpha} for positives and {@code 1 - alpha} for negatives, averaged over {@code axis}.
 *
 * <pre>{@code
 * var loss = BinaryFocalCrossentropy.builder().gamma(2).build();
 * loss.value(NdArray.of(new float[] {0, 1, 0, 0}, 2, 2), NdArray.of(new float[] {0.6f, 0.4f, 0.4f, 0.6f}, 2, 2));   // 0.268
 * }</pre>
 *
 * <p><b>Semantics.</b> As Keras on TensorFlow: with {@code fromLogits}, {@code p = sigmoid(x)} and the
 * cross-entropy term is the stable logits formula (JAX and NumPy clip {@code sigmoid(x)} instead, which differs on
 * large logits); {@code p_t} uses the unclipped {@code p}; label smoothing changes the targets everywhere they appear.
 * Keras accepts a negative {@code gamma}; here it is refused. NaN propagates.
 *
 * <p>Immutable and thread-safe.
 */
public final class BinaryFocalCrossentropy extends Loss {

    public static final String DEFAULT_NAME = Catalog.BINARY_FOCAL_CROSSENTROPY.name();

    private BinaryFocalCrossentropy(Builder b) {
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
    public static BinaryFocalCrossentropy fromConfig(Map<String, ?> config) {
        return builder().config(config).build();
    }

    public boolean applyClassBalancing() {
        return arguments().bool("apply_class_balancing");
    }

    public double alpha() {
        return arguments().number("alpha");
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

    /** Options, with Keras's defaults. */
    public static final class Builder extends LossBuilder<Builder, BinaryFocalCrossentropy> {

        private Builder() {
            super(Catalog.BINARY_FOCAL_CROSSENTROPY, BinaryFocalCrossentropy::new);
        }

        /** Weigh positives by {@code alpha} and negatives by {@code 1 - alpha} (default false). */
        public Builder applyClassBalancing(boolean applyClassBalancing) {
            return set("apply_class_balancing", applyClassBalancing);
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
    }
}
