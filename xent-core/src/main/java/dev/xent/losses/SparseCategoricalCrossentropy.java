package dev.xent.losses;

import dev.xent.internal.ConfigReader;
import dev.xent.internal.CrossEntropyOps;
import dev.xent.internal.ElementValues;
import dev.xent.internal.Gradients;
import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.util.LinkedHashMap;
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

    public static final String DEFAULT_NAME = "sparse_categorical_crossentropy";

    private final boolean fromLogits;
    private final Integer ignoreClass;
    private final int axis;
    private final boolean normalizeBeforeClip;

    private SparseCategoricalCrossentropy(Builder b) {
        super(b.name, b.reduction, b.dtype);
        this.fromLogits = b.fromLogits;
        this.ignoreClass = b.ignoreClass;
        this.axis = b.axis;
        this.normalizeBeforeClip = b.normalizeBeforeClip;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder().name(name()).dtype(dtype()).fromLogits(fromLogits).ignoreClass(ignoreClass)
                .axis(axis).normalizeBeforeClip(normalizeBeforeClip);
        b.reduction = reductionConfigValue();
        return b;
    }

    /**
     * Keras's {@code from_config}: keys {@code name, reduction, from_logits, ignore_class}, and {@code axis},
     * {@code dtype} (constructor arguments Keras 3.15 does not write), each optional.
     */
    public static SparseCategoricalCrossentropy fromConfig(Map<String, ?> config) {
        ConfigReader r = new ConfigReader(config, "SparseCategoricalCrossentropy",
                "name", "reduction", "from_logits", "ignore_class", "axis", "dtype");
        Builder b = builder().name(r.string("name", DEFAULT_NAME)).fromLogits(r.bool("from_logits", false))
                .ignoreClass(r.nullableInteger("ignore_class")).axis(r.integer("axis", -1))
                .dtype(r.dtype("dtype", DType.FLOAT32));
        b.reduction = r.string("reduction", Reduction.SUM_OVER_BATCH_SIZE.kerasName());
        return b.build();
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name());
        c.put("reduction", reductionConfigValue());
        c.put("from_logits", fromLogits);
        c.put("ignore_class", ignoreClass);
        if (axis != -1) {
            c.put("axis", axis);
        }
        return c;
    }

    /** Convenience: the reduced loss of {@code labels[i]} against row {@code predictions[i]}. */
    public double value(int[] labels, float[][] predictions) {
        return value(NdArray.of(labels), NdArray.of(predictions));
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
        return CrossEntropyOps.sparse(yTrue, yPred, fromLogits, ignoreClass, axis, normalizeBeforeClip, precision(),
                true);
    }

    @Override
    double[] gradientOf(NdArray yTrue, NdArray yPred, ElementValues values, NdArray sampleWeight,
                        String reduction) {
        return Gradients.sparse(yTrue, yPred, fromLogits, ignoreClass, axis, normalizeBeforeClip, values,
                sampleWeight, reduction);
    }

    /** Options, with Keras's defaults. */
    public static final class Builder {
        private String name = DEFAULT_NAME;
        private String reduction = Reduction.SUM_OVER_BATCH_SIZE.kerasName();
        private DType dtype = DType.FLOAT32;
        private boolean fromLogits;
        private Integer ignoreClass;
        private int axis = -1;
        private boolean normalizeBeforeClip;

        private Builder() {}

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** The reduction (default {@link Reduction#SUM_OVER_BATCH_SIZE}). */
        public Builder reduction(Reduction reduction) {
            this.reduction = reduction.kerasName();
            return this;
        }

        /** The compute dtype, float32 (default) or float64. */
        public Builder dtype(DType dtype) {
            this.dtype = dtype;
            return this;
        }

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

        /** Probabilities: normalise then clip (Keras on JAX/NumPy/PyTorch) instead of TensorFlow's order. */
        public Builder normalizeBeforeClip(boolean normalizeBeforeClip) {
            this.normalizeBeforeClip = normalizeBeforeClip;
            return this;
        }

        public SparseCategoricalCrossentropy build() {
            return new SparseCategoricalCrossentropy(this);
        }
    }
}
