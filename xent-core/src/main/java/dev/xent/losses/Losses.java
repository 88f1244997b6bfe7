package dev.xent.losses;

import dev.xent.internal.CrossEntropyOps;
import dev.xent.internal.ElementValues;
import dev.xent.internal.kernel.Precision;
import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;

/**
 * The functional forms, after {@code keras.losses.sparse_categorical_crossentropy} and
 * {@code keras.losses.categorical_crossentropy}: per-element values, shaped as {@code yPred} without its class axis,
 * computed in {@code yPred}'s dtype (float32 or float64), with no weighting and no reduction.
 *
 * <pre>{@code
 * Losses.sparseCategoricalCrossentropy(NdArray.of(new int[] {1, 2}),
 *     NdArray.of(new float[] {0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f}, 2, 3));   // [0.0513, 2.3026]
 * }</pre>
 */
public final class Losses {

    private Losses() {}

    /** Sparse cross-entropy per element, with Keras's defaults (probabilities, no ignored class, axis -1). */
    public static NdArray sparseCategoricalCrossentropy(NdArray yTrue, NdArray yPred) {
        return sparseCategoricalCrossentropy(yTrue, yPred, false, null, -1);
    }

    /**
     * Sparse cross-entropy per element: {@code -log p[label]}. Probabilities are clipped to
     * {@code [1e-7, 1 - 1e-7]} (float32 bounds in float32), logged, and renormalised after the clip (TensorFlow's
     * order); logits go through a stable log-softmax. A label of {@code ignoreClass} gives exactly 0. A trailing
     * (class-axis) label dimension of 1 is squeezed. NaN in a row gives NaN for that row; a {@code +Infinity} logit
     * gives NaN.
     *
     * @param yTrue class indices, any integer dtype or float holding whole numbers; shape of {@code yPred} without
     *     the class axis
     * @param ignoreClass a label value whose entries give 0, or null
     * @param axis the class axis of {@code yPred}; any axis
     * @throws IllegalArgumentException for a label outside {@code [0, classes)} that is not {@code ignoreClass}, a
     *     non-integral label, or mismatched shapes; the message names the position and the value
     */
    public static NdArray sparseCategoricalCrossentropy(NdArray yTrue, NdArray yPred, boolean fromLogits,
                                                        Integer ignoreClass, int axis) {
        return toArray(CrossEntropyOps.sparse(yTrue, yPred, fromLogits, ignoreClass, axis, false,
                CrossEntropyOps.precisionOf(yPred), false));
    }

    /** Categorical cross-entropy per element, with Keras's defaults (probabilities, no smoothing, axis -1). */
    public static NdArray categoricalCrossentropy(NdArray yTrue, NdArray yPred) {
        return categoricalCrossentropy(yTrue, yPred, false, 0.0, -1);
    }

    /**
     * Categorical cross-entropy per element: {@code -sum_c t_c log p_c}. Probabilities are divided by their row
     * sum and then clipped (an all-zero row gives NaN, as in Keras); logits go through a stable log-softmax.
     * Targets are smoothed as {@code t * (1 - labelSmoothing) + labelSmoothing / n}, {@code n} the size of the
     * last axis, as in Keras 3.15 (which uses it even when {@code axis} is another axis).
     *
     * @param yTrue targets of {@code yPred}'s shape (cast to its dtype)
     * @param labelSmoothing in [0, 1]
     * @throws IllegalArgumentException for mismatched shapes or label smoothing outside [0, 1]
     */
    public static NdArray categoricalCrossentropy(NdArray yTrue, NdArray yPred, boolean fromLogits,
                                                  double labelSmoothing, int axis) {
        return toArray(CrossEntropyOps.categorical(yTrue, yPred, fromLogits, labelSmoothing, axis, false,
                CrossEntropyOps.precisionOf(yPred), false));
    }

    private static NdArray toArray(ElementValues v) {
        return Loss.toArray(v.values, v.shape, v.precision == Precision.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32);
    }
}
