package dev.xent.metrics;

import dev.xent.internal.ConfigReader;
import dev.xent.internal.CrossEntropyOps;
import dev.xent.internal.ElementValues;
import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.util.LinkedHashMap;
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

    public static final String DEFAULT_NAME = "sparse_categorical_crossentropy";

    private final boolean fromLogits;
    private final Integer ignoreClass;
    private final int axis;
    private final boolean normalizeBeforeClip;
    private final boolean excludeIgnoredFromCount;

    private SparseCategoricalCrossentropy(Builder b) {
        super(b.name, b.dtype);
        this.fromLogits = b.fromLogits;
        this.ignoreClass = b.ignoreClass;
        this.axis = b.axis;
        this.normalizeBeforeClip = b.normalizeBeforeClip;
        this.excludeIgnoredFromCount = b.excludeIgnoredFromCount;
    }

    /** A builder with Keras's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this metric's options. */
    public Builder toBuilder() {
        Builder b = new Builder().name(name()).dtype(dtype()).fromLogits(fromLogits).ignoreClass(ignoreClass)
                .axis(axis).normalizeBeforeClip(normalizeBeforeClip);
        return b.excludeIgnoredFromCount(excludeIgnoredFromCount);
    }

    /**
     * Keras's {@code from_config}: keys {@code name, dtype, from_logits, ignore_class, axis}, each optional.
     *
     * @throws IllegalArgumentException on an unknown key or a value of the wrong type
     */
    public static SparseCategoricalCrossentropy fromConfig(Map<String, ?> config) {
        ConfigReader r = new ConfigReader(config, "SparseCategoricalCrossentropy",
                "name", "dtype", "from_logits", "ignore_class", "axis");
        return builder().name(r.string("name", DEFAULT_NAME)).dtype(r.dtype("dtype", DType.FLOAT32))
                .fromLogits(r.bool("from_logits", false)).ignoreClass(r.nullableInteger("ignore_class"))
                .axis(r.integer("axis", -1)).build();
    }

    /** {@code name, dtype, from_logits, ignore_class, axis}, as Keras 3.15 writes them. */
    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name());
        c.put("dtype", dtype().kerasName());
        c.put("from_logits", fromLogits);
        c.put("ignore_class", ignoreClass);
        c.put("axis", axis);
        return c;
    }

    /** Convenience for the common case: {@code labels[i]} is the class of row {@code predictions[i]} (copied once). */
    public void updateState(int[] labels, float[][] predictions) {
        updateState(NdArray.of(labels), NdArray.of(predictions));
    }

    public boolean fromLogits() {
        return fromLogits;
    }

    public Integer ignoreClass() {
        return ignoreClass;
    }

    public int axis() {
        return axis;
    }

    @Override
    ElementValues values(NdArray yTrue, NdArray yPred) {
        return CrossEntropyOps.sparse(yTrue, yPred, fromLogits, ignoreClass, axis, normalizeBeforeClip,
                CrossEntropyOps.precisionOf(yPred), false);
    }

    @Override
    Object options() {
        return java.util.List.of(getConfig(), normalizeBeforeClip, excludeIgnoredFromCount);
    }

    @Override
    boolean maskWithoutWeight() {
        return excludeIgnoredFromCount;
    }

    /** Options, with Keras's defaults. */
    public static final class Builder {
        private String name = DEFAULT_NAME;
        private DType dtype = DType.FLOAT32;
        private boolean fromLogits;
        private Integer ignoreClass;
        private int axis = -1;
        private boolean normalizeBeforeClip;
        private boolean excludeIgnoredFromCount;

        private Builder() {}

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** The state's dtype: float32 (default) or float64; values are rounded to it before accumulating. */
        public Builder dtype(DType dtype) {
            this.dtype = dtype;
            return this;
        }

        /** Whether predictions are logits (default false: probabilities). */
        public Builder fromLogits(boolean fromLogits) {
            this.fromLogits = fromLogits;
            return this;
        }

        /** A label value to ignore (such as -1 or 255), or null (default). */
        public Builder ignoreClass(Integer ignoreClass) {
            this.ignoreClass = ignoreClass;
            return this;
        }

        /** The class axis of the predictions (default -1). */
        public Builder axis(int axis) {
            this.axis = axis;
            return this;
        }

        /**
         * Probabilities: divide by the row sum, then clip (Keras on JAX, NumPy and PyTorch) instead of TensorFlow's
         * clip, log, renormalise (default false). Not part of Keras's config.
         */
        public Builder normalizeBeforeClip(boolean normalizeBeforeClip) {
            this.normalizeBeforeClip = normalizeBeforeClip;
            return this;
        }

        /**
         * Leave ignored entries out of {@code count} even without a sample weight (tf.keras 2, PyTorch), instead
         * of Keras 3's rule (default false). Not part of Keras's config.
         */
        public Builder excludeIgnoredFromCount(boolean excludeIgnoredFromCount) {
            this.excludeIgnoredFromCount = excludeIgnoredFromCount;
            return this;
        }

        public SparseCategoricalCrossentropy build() {
            return new SparseCategoricalCrossentropy(this);
        }
    }
}
