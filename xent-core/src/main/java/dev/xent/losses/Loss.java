package dev.xent.losses;

import dev.xent.catalog.Arguments;
import dev.xent.catalog.KerasFunction;
import dev.xent.internal.Computation;
import dev.xent.internal.Computations;
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
 * <p>Every loss is a catalogue function ({@link #function()}) with its arguments ({@link #arguments()}), as Keras's
 * {@code LossFunctionWrapper} is a function with its keyword arguments.
 *
 * <p>Instances are immutable and thread-safe.
 */
public abstract class Loss {

    private final KerasFunction function;
    private final Arguments arguments;
    private final Computation computation;

    private final String name;
    private final Reduction reduction;
    /** The reduction as configured: Keras writes {@code None} as JSON null and {@code "none"} as a string. */
    private final String reductionConfigValue;
    private final DType dtype;

    Loss(LossBuilder<?, ?> b) {
        this(b.function, b.arguments, b.name, b.reduction, b.dtype);
    }

    private Loss(KerasFunction function, Arguments arguments, String name, String reductionConfigValue, DType dtype) {
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
        this.function = function;
        this.arguments = arguments;
        this.computation = Computations.of(function);
    }

    /** A builder holding this loss's options (each loss class returns its own builder). */
    public abstract LossBuilder<?, ? extends Loss> toBuilder();

    /** The catalogue function this loss reduces. */
    public final KerasFunction function() {
        return function;
    }

    /** The function's arguments (Keras's and xent's extensions). */
    public final Arguments arguments() {
        return arguments;
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
    final ElementValues values(NdArray yTrue, NdArray yPred) {
        return computation.values(yTrue, yPred, arguments, precision(), true);
    }

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
        return toArray(Reductions.reduceLoss(values(yTrue, yPred), sampleWeight, reduction.kerasName()));
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

    /** The flat gradient of the reduced loss with respect to {@code yPred}, given the checked per-element values. */
    private double[] gradientOf(NdArray yTrue, NdArray yPred, ElementValues values, NdArray sampleWeight,
                                String reduction) {
        return computation.gradient(yTrue, yPred, arguments, values, sampleWeight, reduction);
    }

    /** {@link #gradient(NdArray, NdArray, NdArray)} without weights. */
    public final NdArray gradient(NdArray yTrue, NdArray yPred) {
        return gradient(yTrue, yPred, null);
    }

    /**
     * {@code d(loss)/d(yPred)}: an array of {@code yPred}'s shape in the loss's dtype, equal to what
     * {@code tf.GradientTape} gives through the Keras loss (TensorFlow backend), for every reduction, weighting,
     * {@code ignoreClass}, label smoothing and axis. For {@link Reduction#NONE} it is the gradient of the <em>sum</em>
     * of the weighted per-element values, as {@code tape.gradient} of a non-scalar target is.
     *
     * <p>Where Keras clips probabilities to {@code [1e-7, 1 - 1e-7]} the gradient is 0 outside the bounds (and
     * passes at exactly the bounds, as {@code tf.clip_by_value}'s does); ignored entries get 0. For logits the
     * gradient is {@code (softmax - target) * upstream}, as TensorFlow's fused op computes it (which assumes each
     * target row sums to 1). NaN in a row's predictions gives NaN in that row's gradient (0 where the clip stops it);
     * a {@code +Infinity} logit gives NaN.
     *
     * @param sampleWeight null, a scalar, per sample, or per element, broadcast as Keras does
     * @throws IllegalArgumentException on bad input, exactly as {@link #call(NdArray, NdArray, NdArray)}
     */
    public final NdArray gradient(NdArray yTrue, NdArray yPred, NdArray sampleWeight) {
        ElementValues v = values(yTrue, yPred);
        return toArray(gradientOf(yTrue, yPred, v, sampleWeight, reduction.kerasName()), yPred.shape(), dtype);
    }

    /**
     * For data split along the batch axis into chunks: this chunk's part of the gradient of the loss over
     * <em>all</em> the data, where {@code whole} is the sum of every chunk's {@link #partial} (so two passes: the
     * partials, then the gradients). Concatenating the chunks' results gives
     * {@link #gradient(NdArray, NdArray, NdArray)} on all the data, up to float rounding: each chunk's gradient of
     * the weighted sum, divided by the whole divisor (not divided for {@link Reduction#SUM}).
     *
     * <pre>{@code
     * LossState whole = loss.partial(y1, p1, w1).plus(loss.partial(y2, p2, w2));
     * NdArray g1 = loss.gradient(y1, p1, w1, whole);   // rows of chunk 1
     * NdArray g2 = loss.gradient(y2, p2, w2, whole);
     * }</pre>
     *
     * @throws IllegalStateException when the reduction is {@link Reduction#NONE} (use the three-argument form per
     *     chunk: the gradient of a sum is already per chunk)
     * @throws IllegalArgumentException when {@code whole}'s reduction is not this loss's, or on bad input
     */
    public final NdArray gradient(NdArray yTrue, NdArray yPred, NdArray sampleWeight, LossState whole) {
        if (reduction == Reduction.NONE) {
            throw new IllegalStateException("gradient(..., whole) needs a reducing reduction; this loss has reduction"
                    + " none, whose gradient is per chunk already: use gradient(yTrue, yPred, sampleWeight)");
        }
        if (whole == null || whole.reduction() != reduction) {
            throw new IllegalArgumentException("whole (" + whole + ") must be a LossState of this loss's reduction ("
                    + reduction.kerasName() + ")");
        }
        ElementValues v = values(yTrue, yPred);
        double[] g = gradientOf(yTrue, yPred, v, sampleWeight, Reduction.SUM.kerasName());
        if (reduction != Reduction.SUM) {
            double d = whole.divisor();
            Precision p = precision();
            for (int i = 0; i < g.length; i++) {
                g[i] = d == 0 ? 0.0 : p.round(g[i] / d);
            }
        }
        return toArray(g, yPred.shape(), dtype);
    }

    /**
     * The loss (as {@link #call(NdArray, NdArray, NdArray)}) and its gradient (as
     * {@link #gradient(NdArray, NdArray, NdArray)}) from one computation of the per-element values.
     */
    public final LossAndGradient lossAndGradient(NdArray yTrue, NdArray yPred, NdArray sampleWeight) {
        ElementValues v = values(yTrue, yPred);
        Reductions.LossResult r = Reductions.reduceLoss(v, sampleWeight, reduction.kerasName());
        NdArray gradient = toArray(gradientOf(yTrue, yPred, v, sampleWeight, reduction.kerasName()), yPred.shape(),
                dtype);
        return new LossAndGradient(reduction, toArray(r), r.values == null ? r.value : Double.NaN, gradient);
    }

    /** A reduced loss as a rank-0 array, or the per-element values, in this loss's dtype. */
    private NdArray toArray(Reductions.LossResult r) {
        if (r.values == null) {
            return dtype == DType.FLOAT64 ? NdArray.scalar(r.value) : NdArray.scalar((float) r.value);
        }
        return toArray(r.values, r.shape, dtype);
    }

    /** Values already rounded to {@code dtype}'s precision, as an array of that dtype (float32 or float64). */
    static NdArray toArray(double[] data, int[] shape, DType dtype) {
        if (dtype == DType.FLOAT64) {
            return NdArray.of(data, 0, shape);
        }
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        return NdArray.of(f, 0, shape);
    }

    /** {@link #value(NdArray, NdArray, NdArray)} without weights. */
    public final double value(NdArray yTrue, NdArray yPred) {
        return value(yTrue, yPred, null);
    }

    /** Keras's {@code get_config()}: Keras's keys in Keras's order (no {@code dtype}, as in Keras). */
    public final Map<String, Object> getConfig() {
        return function.lossConfig(name, reductionConfigValue, arguments);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + getConfig();
    }
}
