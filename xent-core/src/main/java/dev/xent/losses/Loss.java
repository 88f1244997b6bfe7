package dev.xent.losses;

import dev.xent.internal.CrossEntropyOps;
import dev.xent.internal.ElementValues;
import dev.xent.internal.Reductions;
import dev.xent.internal.kernel.Precision;
import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.util.Map;

/**
 * Base of the losses, after {@code keras.losses.Loss}: per-element values, then Keras's weighting and
 * {@link Reduction}. Unlike a metric, a loss divides by the number of elements (or of valid elements with
 * {@code ignoreClass}), not by the sum of weights, unless the reduction is {@code mean_with_sample_weight}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public abstract class Loss {

    private final String name;
    private final Reduction reduction;
    /** The reduction as configured: Keras writes {@code None} as JSON null and {@code "none"} as a string. */
    private final String reductionConfigValue;
    private final DType dtype;

    Loss(String name, String reductionConfigValue, DType dtype) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("name (" + (name == null ? "null" : "\"\"") + ") must be a non-empty string");
        }
        if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64) {
            throw new IllegalArgumentException("dtype (" + dtype.kerasName() + ") must be float32 or float64");
        }
        this.name = name;
        this.reduction = Reduction.fromKerasName(reductionConfigValue);
        this.reductionConfigValue = reductionConfigValue;
        this.dtype = dtype;
    }

    public final String name() {
        return name;
    }

    public final Reduction reduction() {
        return reduction;
    }

    /** The compute dtype: inputs are cast to it (labels stay integers here, unlike Keras). */
    public final DType dtype() {
        return dtype;
    }

    final String reductionConfigValue() {
        return reductionConfigValue;
    }

    final Precision precision() {
        return CrossEntropyOps.precisionOf(dtype);
    }

    /** Per-element values and mask, before weighting. */
    abstract ElementValues values(NdArray yTrue, NdArray yPred);

    /** The loss, unweighted. See {@link #call(NdArray, NdArray, NdArray)}. */
    public final NdArray call(NdArray yTrue, NdArray yPred) {
        return call(yTrue, yPred, null);
    }

    /**
     * Keras's {@code __call__}: a rank-0 array for the reducing reductions, the weighted per-element values for
     * {@link Reduction#NONE}, in the loss's dtype. Empty input reduces to 0 (Keras returns an empty array for
     * shape {@code (0,)}). NaN in a row's predictions makes its value, and any reduction over it, NaN.
     *
     * @param sampleWeight null, a scalar, per sample, or per element, broadcast as Keras does
     * @throws IllegalArgumentException on bad input: shapes, labels, weights that do not broadcast
     */
    public final NdArray call(NdArray yTrue, NdArray yPred, NdArray sampleWeight) {
        Reductions.LossResult r = Reductions.reduceLoss(values(yTrue, yPred), sampleWeight, reduction.kerasName());
        if (r.values == null) {
            return dtype == DType.FLOAT64 ? NdArray.scalar(r.value) : NdArray.scalar((float) r.value);
        }
        if (dtype == DType.FLOAT64) {
            return NdArray.of(r.values, 0, r.shape);
        }
        float[] f = new float[r.values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) r.values[i];
        }
        return NdArray.of(f, 0, r.shape);
    }

    /**
     * The reduced loss as a double (the sum is exact to double rounding; Keras's is a float32 sum).
     *
     * @throws IllegalStateException when the reduction is {@link Reduction#NONE}
     */
    public final double value(NdArray yTrue, NdArray yPred, NdArray sampleWeight) {
        if (reduction == Reduction.NONE) {
            throw new IllegalStateException("value() needs a reducing reduction; this loss has reduction none, use call()");
        }
        return Reductions.reduceLoss(values(yTrue, yPred), sampleWeight, reduction.kerasName()).value;
    }

    /**
     * This batch's additive part of the reduced loss, to be combined with {@link LossState#plus} and finished with
     * {@link LossState#result()}: for data split along the batch axis, the combined result equals
     * {@link #value(NdArray, NdArray, NdArray)} on all the data.
     *
     * @throws IllegalStateException when the reduction is {@link Reduction#NONE}
     */
    public final LossState partial(NdArray yTrue, NdArray yPred, NdArray sampleWeight) {
        if (reduction == Reduction.NONE) {
            throw new IllegalStateException("partial() needs a reducing reduction; this loss has reduction none");
        }
        double[] p = Reductions.reduceLossPartial(values(yTrue, yPred), sampleWeight, reduction.kerasName());
        return LossState.of(reduction, p[0], p[1]);
    }

    /** {@link #value(NdArray, NdArray, NdArray)} without weights. */
    public final double value(NdArray yTrue, NdArray yPred) {
        return value(yTrue, yPred, null);
    }

    /** Keras's {@code get_config()}: Keras's keys in Keras's order (no {@code dtype}, as in Keras). */
    public abstract Map<String, Object> getConfig();

    @Override
    public String toString() {
        return getClass().getSimpleName() + getConfig();
    }
}
