package dev.xent.internal.kernel;

import dev.xent.ndarray.NdArray;

/**
 * Kernels for Keras's element-wise probabilistic losses ({@code binary_crossentropy},
 * {@code binary_focal_crossentropy}, {@code kl_divergence}, {@code poisson}) and for
 * {@code categorical_focal_crossentropy}: a value per element of {@code target} and {@code pred} (two views of the
 * same shape), reduced over one axis. The axis is described by a {@link RowLayout} whose "classes" are the reduced
 * axis: output {@code r} reduces the elements {@code groups.base(r) + c * groups.classStride()} for
 * {@code c < groups.classes}, and is written to {@code out[outOffset + r - from]} for outputs {@code [from, to)}.
 *
 * <p>Each element is computed in {@code precision} as TensorFlow computes it (every intermediate rounded to float32 by
 * default); the reduction over the axis runs in double and its result is rounded to {@code precision}. The targets
 * are read as {@code precision} (Keras casts {@code y_true} to {@code y_pred}'s dtype) and smoothed as
 * {@code t * keep + add} (both already rounded; {@code keep = 1, add = 0} for none).
 *
 * <p>Implementations differ in speed only: each agrees with {@link ScalarElementwise}, the reference, within float32
 * rounding per output, and each output depends only on its own elements (never on how outputs are split between calls
 * or threads). Arguments are checked by the caller ({@code ProbabilisticOps}); kernels only assert and raise nothing
 * for valid input. NaN and infinities propagate as in TensorFlow (see each method). Stateless and thread-safe.
 */
public interface ElementwiseKernel {

    String name();

    /**
     * {@code mean} over the axis of {@code ops.binary_crossentropy}: probabilities are clipped to
     * {@code [clipLow, clipHigh]} and give {@code -(t log p + (1 - t) log(1 - p))}; logits give TensorFlow's
     * {@code max(x, 0) - x t + log1p(exp(-|x|))}. NaN gives NaN; a {@code +Infinity} logit gives NaN.
     */
    void binaryCrossentropy(NdArray target, NdArray pred, RowLayout groups, double keep, double add,
                            boolean fromLogits, Precision precision, double[] out, int outOffset, int from, int to);

    /**
     * {@code mean} over the axis of the binary focal loss (see {@link Focal}); from logits, the cross-entropy term is
     * the stable logits formula and {@code p = sigmoid(x)} unclipped (TensorFlow's path).
     */
    void binaryFocalCrossentropy(NdArray target, NdArray pred, RowLayout groups, double keep, double add,
                                 boolean fromLogits, Focal focal, Precision precision, double[] out, int outOffset,
                                 int from, int to);

    /**
     * {@code sum} over the axis of {@code alpha (1 - o)^gamma (-t log o)}, {@code o = clip(p / sum p)} (softmax first
     * from logits). {@code alpha} holds one value, or one per position of the input's last axis (element {@code i}
     * takes {@code alpha[i % alpha.length]}, Keras's broadcast along the last axis, whatever the reduced axis).
     */
    void categoricalFocalCrossentropy(NdArray target, NdArray pred, RowLayout rows, double keep, double add,
                                      boolean fromLogits, double gamma, double[] alpha, Precision precision,
                                      double[] out, int outOffset, int from, int to);

    /** {@code sum} over the axis of {@code t log(t / p)}, both clipped to {@code [clipLow, 1]}. */
    void klDivergence(NdArray target, NdArray pred, RowLayout groups, Precision precision, double[] out,
                      int outOffset, int from, int to);

    /** {@code mean} over the axis of {@code p - t log(p + eps)}, {@code eps = clipLow}; negative {@code p} gives NaN. */
    void poisson(NdArray target, NdArray pred, RowLayout groups, Precision precision, double[] out, int outOffset,
                 int from, int to);

    /**
     * The binary focal loss's parameters, already rounded to the compute precision as Keras rounds them:
     * {@code focal = (1 - p_t)^gamma * bce}, {@code p_t = t p + (1 - t)(1 - p)}, and with class balancing times
     * {@code t alpha + (1 - t) oneMinusAlpha} ({@code 1 - alpha} is computed in Python, then rounded).
     */
    final class Focal {
        public final double gamma;
        public final boolean balance;
        public final double alpha;
        public final double oneMinusAlpha;

        public Focal(double gamma, boolean balance, double alpha, double oneMinusAlpha) {
            this.gamma = gamma;
            this.balance = balance;
            this.alpha = alpha;
            this.oneMinusAlpha = oneMinusAlpha;
        }
    }
}
