package dev.xent.losses;

import dev.xent.catalog.Catalog;
import dev.xent.internal.CrossEntropyOps;
import dev.xent.internal.ElementValues;
import dev.xent.internal.kernel.Precision;
import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.util.Map;

/**
 * The functional forms, after {@code keras.losses.sparse_categorical_crossentropy} and its siblings: per-element
 * values, shaped as {@code yPred} without its class (or reduced) axis, computed in {@code yPred}'s dtype (float32 or
 * float64), with no weighting and no reduction. Any catalogue function is also callable by name:
 * {@code Catalog.get("poisson").call(yTrue, yPred, Map.of())}.
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

    /** {@link #binaryCrossentropy(NdArray, NdArray, boolean, double, int)} with Keras's defaults. */
    public static NdArray binaryCrossentropy(NdArray yTrue, NdArray yPred) {
        return binaryCrossentropy(yTrue, yPred, false, 0.0, -1);
    }

    /**
     * Binary cross-entropy, the mean over {@code axis} of {@code -(t log p + (1 - t) log(1 - p))} with {@code p}
     * clipped to {@code [1e-7, 1 - 1e-7]} (logits: the stable {@code max(x, 0) - x t + log(1 + exp(-|x|))}), targets
     * smoothed as {@code t (1 - ls) + ls / 2}. Rank-1 inputs give a scalar. NaN propagates.
     *
     * @throws IllegalArgumentException for shapes that differ, or label smoothing outside [0, 1]
     */
    public static NdArray binaryCrossentropy(NdArray yTrue, NdArray yPred, boolean fromLogits, double labelSmoothing,
                                             int axis) {
        return Catalog.BINARY_CROSSENTROPY.call(yTrue, yPred,
                Map.of("from_logits", fromLogits, "label_smoothing", labelSmoothing, "axis", axis));
    }

    /**
     * Binary focal cross-entropy, as {@code keras.losses.binary_focal_crossentropy} on TensorFlow: the binary
     * cross-entropy of each element times {@code (1 - p_t)^gamma} (and the class-balancing weight), averaged over
     * {@code axis}.
     *
     * @throws IllegalArgumentException for shapes that differ, label smoothing outside [0, 1], or gamma below 0
     */
    public static NdArray binaryFocalCrossentropy(NdArray yTrue, NdArray yPred, boolean applyClassBalancing,
                                                  double alpha, double gamma, boolean fromLogits,
                                                  double labelSmoothing, int axis) {
        return Catalog.BINARY_FOCAL_CROSSENTROPY.call(yTrue, yPred, Map.of("apply_class_balancing",
                applyClassBalancing, "alpha", alpha, "gamma", gamma, "from_logits", fromLogits,
                "label_smoothing", labelSmoothing, "axis", axis));
    }

    /**
     * Categorical focal cross-entropy, as {@code keras.losses.categorical_focal_crossentropy}: the sum over
     * {@code axis} of {@code alpha (1 - p)^gamma (-t log p)}; {@code alpha} has one value or one per class of the last
     * axis.
     *
     * @throws IllegalArgumentException for shapes that differ, label smoothing outside [0, 1], or gamma below 0
     */
    public static NdArray categoricalFocalCrossentropy(NdArray yTrue, NdArray yPred, double[] alpha, double gamma,
                                                       boolean fromLogits, double labelSmoothing, int axis) {
        return Catalog.CATEGORICAL_FOCAL_CROSSENTROPY.call(yTrue, yPred, Map.of("alpha",
                alpha.length == 1 ? (Object) alpha[0] : alpha.clone(), "gamma", gamma, "from_logits", fromLogits,
                "label_smoothing", labelSmoothing, "axis", axis));
    }

    /** Kullback-Leibler divergence per sample: {@code sum(t log(t / p))} over the last axis, both clipped to {@code [1e-7, 1]}. */
    public static NdArray klDivergence(NdArray yTrue, NdArray yPred) {
        return Catalog.KL_DIVERGENCE.call(yTrue, yPred, Map.of());
    }

    /** The Poisson loss per sample: {@code mean(p - t log(p + 1e-7))} over the last axis. */
    public static NdArray poisson(NdArray yTrue, NdArray yPred) {
        return Catalog.POISSON.call(yTrue, yPred, Map.of());
    }

    private static NdArray toArray(ElementValues v) {
        return Loss.toArray(v.values, v.shape, v.precision == Precision.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32);
    }
}
