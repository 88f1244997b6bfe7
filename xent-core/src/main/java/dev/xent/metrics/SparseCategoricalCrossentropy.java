package dev.xent.metrics;

import dev.xent.catalog.Catalog;
import java.util.Map;

/**
 * The streaming mean of the sparse categorical cross-entropy between integer labels and predictions, after
 * {@code keras.metrics.SparseCategoricalCrossentropy} (Keras 3.15, TensorFlow backend).
 *
 * <pre>{@code
 * var m = SparseCategoricalCrossentropy.builder().build();
 * m.updateState(NdArray.of(new int[] {1, 2}),
 *               NdArray.of(new float[] {0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f}, 2, 3));
 * m.result();   // 1.1769392
 * }</pre>
 *
 * <p><b>Semantics.</b> Per element as {@link dev.xent.losses.Losses#sparseCategoricalCrossentropy}; each sample's
 * values (over any axes besides the batch and class axes) are averaged, then samples are averaged, weighted by
 * {@code sampleWeight} when given. Predictions in float64 are computed in float64, everything else in float32, as
 * Keras does; the state is a compensated double sum, so it does not drift past 2^24 samples as Keras's float32 state
 * does.
 *
 * <p><b>{@code ignoreClass}.</b> Keras 3 counts ignored entries in {@code count} (as 0 loss) when no
 * {@code sampleWeight} is given, and leaves them out of it when one is ({@code y_true=[0,1,2]},
 * {@code ignore_class=0} gives 0.78462 unweighted). {@link Builder#excludeIgnoredFromCount(boolean)} leaves them
 * out in every case, as tf.keras 2 and PyTorch's {@code ignore_index} do.
 *
 * <p><b>Differences from Keras.</b> Labels out of {@code [0, classes)} (other than {@code ignoreClass}), negative
 * labels and non-integral float labels raise {@link IllegalArgumentException} (Keras on JAX silently returns 0,
 * TensorFlow on GPU returns NaN). {@code axis} may be any axis: the answer is Keras's with the class axis moved
 * last (Keras on TensorFlow refuses {@code axis != -1}), computed without moving data. NaN in a prediction row makes
 * that value NaN, and the result NaN until reset.
 *
 * <p>Not thread-safe; give each thread its own and {@link #merge} them.
 */
public final class SparseCategoricalCrossentropy extends MeanMetricWrapper {

    public static final String DEFAULT_NAME = Catalog.SPARSE_CATEGORICAL_CROSSENTROPY.name();

    private SparseCategoricalCrossentropy(Builder b) {
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

    /** Convenience for the common case: {@code labels[i]} is the class of row {@code predictions[i]} (copied once). */
    public void updateState(int[] labels, float[][] predictions) {
        updateState(dev.xent.ndarray.NdArray.of(labels), dev.xent.ndarray.NdArray.of(predictions));
    }

    /** Options, with Keras's defaults. */
    public static final class Builder extends MetricBuilder<Builder, SparseCategoricalCrossentropy> {

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

        /** Leave ignored entries out of {@code count} even without a sample weight (tf.keras 2, PyTorch), instead
         * of Keras 3's rule (default false). Not part of Keras's config.
         */
        public Builder excludeIgnoredFromCount(boolean excludeIgnoredFromCount) {
            return set("exclude_ignored_from_count", excludeIgnoredFromCount);
        }
    }
}
