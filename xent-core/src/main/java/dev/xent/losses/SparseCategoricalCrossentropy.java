package dev.xent.losses;

import dev.xent.catalog.Catalog;
import java.util.Map;

/**
 * The sparse categorical cross-entropy loss between integer labels and predictions, after
 * {@code keras.losses.SparseCategoricalCrossentropy} (Keras 3.15, TensorFlow backend).
 *
 * <pre>{@code
 * var loss = SparseCategoricalCrossentropy.builder().build();
 * NdArray yTrue = NdArray.of(new int[] {1, 2});
 * NdArray yPred = NdArray.of(new float[] {0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f}, 2, 3);
 * loss.value(yTrue, yPred);                                      // 1.1769392
 * loss.value(yTrue, yPred, NdArray.of(new float[] {0.3f, 0.7f})); // 0.8135988 (divides by 2, not by 1.0)
 * }</pre>
 *
 * <p><b>Semantics.</b> Per element as {@link Losses#sparseCategoricalCrossentropy}, in the loss dtype (float32 by
 * default). With {@code ignoreClass}, ignored entries are 0 and the mean reductions divide by the number of valid
 * entries (0 when none is valid). Weights and reductions follow {@link Loss}.
 *
 * <p><b>Differences from Keras.</b> Labels are never cast to float (Keras casts them to the loss dtype, which
 * corrupts ids above 2^24 in float32); invalid labels raise {@link IllegalArgumentException}; any {@code axis}
 * works. Keras 3.15's config has no {@code axis} key (later Keras adds it): {@link #getConfig()} writes {@code axis}
 * only when it is not -1, so a default config is exactly Keras's and a non-default axis is not lost.
 *
 * <p>Immutable and thread-safe.
 */
public final class SparseCategoricalCrossentropy extends Loss {

    public static final String DEFAULT_NAME = Catalog.SPARSE_CATEGORICAL_CROSSENTROPY.name();

    private SparseCategoricalCrossentropy(Builder b) {
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
    public static SparseCategoricalCrossentropy fromConfig(Map<String, ?> config) {
        return builder().config(config).build();
    }

    public boolean fromLogits() {
        return arguments().bool("from_logits");
    }

    public Integer ignoreClass() {
        return arguments().optionalInteger("ignore_class");
    }

    public int axis() {
        return arguments().integer("axis");
    }

    /** Convenience: the reduced loss of {@code labels[i]} against row {@code predictions[i]}. */
    public double value(int[] labels, float[][] predictions) {
        return value(dev.xent.ndarray.NdArray.of(labels), dev.xent.ndarray.NdArray.of(predictions));
    }

    /** Options, with Keras's defaults. */
    public static final class Builder extends LossBuilder<Builder, SparseCategoricalCrossentropy> {

        private Builder() {
            super(Catalog.SPARSE_CATEGORICAL_CROSSENTROPY, SparseCategoricalCrossentropy::new);
        }

        /** Whether predictions are logits (default false: probabilities). */
        public Builder fromLogits(boolean fromLogits) {
            return set("from_logits", fromLogits);
        }

        /** A label value to ignore (such as -1 or 255), or null (default). */
        public Builder ignoreClass(Integer ignoreClass) {
            return set("ignore_class", ignoreClass);
        }

        /** The class axis of the predictions, the axis the function reduces over (default -1). */
        public Builder axis(int axis) {
            return set("axis", axis);
        }

        /** Probabilities: divide by the row sum, then clip (Keras on JAX, NumPy and PyTorch) instead of
         * TensorFlow's clip, log, renormalise (default false). Not part of Keras's config.
         */
        public Builder normalizeBeforeClip(boolean normalizeBeforeClip) {
            return set("normalize_before_clip", normalizeBeforeClip);
        }
    }
}
