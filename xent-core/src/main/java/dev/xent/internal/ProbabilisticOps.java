package dev.xent.internal;

import dev.xent.internal.kernel.ElementwiseKernel;
import dev.xent.internal.kernel.Kernels;
import dev.xent.internal.kernel.Precision;
import dev.xent.internal.kernel.RowLayout;
import dev.xent.ndarray.NdArray;
import java.util.Arrays;

/**
 * Keras's element-wise probabilistic losses ({@code binary_crossentropy}, {@code binary_focal_crossentropy},
 * {@code categorical_focal_crossentropy}, {@code kl_divergence}, {@code poisson}), as Keras 3.15 computes them on
 * TensorFlow: shape rules and argument checks, then one kernel call ({@link Kernels#elementwise}). Every check happens
 * here, before any kernel runs. Values are per element of Keras's output shape, rounded to the compute precision.
 *
 * <p>Targets that broadcast to the predictions' shape are broadcast where Keras broadcasts them
 * ({@code kl_divergence}, {@code poisson}, {@code categorical_focal_crossentropy}, which check no shapes: a
 * {@code (B, 1)} target against {@code (B, C)} predictions); the binary functions need equal shapes, as Keras's
 * {@code ops.binary_crossentropy} does. Differences from Keras, both refusals of what Keras accepts:
 * {@code labelSmoothing} outside {@code [0, 1]}, and a negative or NaN {@code gamma}.
 *
 * <p>NaN and infinities propagate per element as in TensorFlow (see {@link ElementwiseKernel}).
 */
public final class ProbabilisticOps {

    private ProbabilisticOps() {}

    /** The checked shape of both inputs, the layout of the reduced axis and the smoothing constants. */
    private static final class Prepared {
        final int[] shape;
        final int axis;
        final RowLayout groups;
        final double[] out;
        /** The targets, broadcast to the predictions' shape where Keras broadcasts them. */
        final NdArray target;

        Prepared(NdArray target, int[] shape, int axis) {
            this.target = target;
            this.shape = shape;
            this.axis = axis;
            this.groups = RowLayout.of(shape, axis);
            this.out = new double[groups.rows()];
        }

        ElementValues values(Precision precision) {
            return new ElementValues(out, Shapes.remove(shape, axis), null, out.length, precision);
        }
    }

    /**
     * Checks that both inputs are given, {@code yPred} is float32/float64 and the shapes are equal (after the loss's
     * rank fix), and canonicalises {@code axis}.
     */
    private static Prepared prepare(String function, NdArray yTrue, NdArray yPred, int axis, boolean lossRankFix,
                                    boolean kerasBroadcasts) {
        Checks.checkNotNull(yTrue, "yTrue");
        Checks.checkNotNull(yPred, "yPred");
        Checks.checkArgument(yPred.dtype().isFloating(), "yPred dtype (%s) must be float32 or float64",
                yPred.dtype().kerasName());
        int[] targetShape = yTrue.shape();
        int[] predShape = yPred.shape();
        if (lossRankFix) {
            int[][] fixed = Shapes.squeezeOrExpandToSameRank(targetShape, predShape);
            targetShape = fixed[0];
            predShape = fixed[1];
        }
        NdArray target = yTrue;
        int[] broadcast = kerasBroadcasts ? Shapes.broadcast(targetShape, predShape) : null;
        if (!Arrays.equals(targetShape, predShape) && Arrays.equals(broadcast, predShape)) {
            // Keras's arithmetic broadcasts the targets; so does this copy (of targets smaller than the predictions).
            int[] index = Shapes.broadcastIndex(targetShape, predShape);
            double[] t = new double[index.length];
            for (int i = 0; i < t.length; i++) {
                t[i] = yTrue.getDouble(index[i]);
            }
            target = NdArray.of(t, 0, predShape);
            targetShape = predShape;
        }
        if (!Arrays.equals(targetShape, predShape)) {
            throw new IllegalArgumentException("yTrue shape " + Checks.shape(yTrue.shape())
                    + " does not match yPred shape " + Checks.shape(yPred.shape()) + ": " + function
                    + " needs equal shapes" + (lossRankFix ? " (a trailing 1 on one side is squeezed or expanded)"
                    : " (no trailing 1 is squeezed or expanded here, as in Keras's metrics)")
                    + (kerasBroadcasts ? " or targets that broadcast to the predictions' shape" : ""));
        }
        Checks.checkArgument(predShape.length >= 1, "yPred must have rank >= 1 for %s; got shape ()", function);
        return new Prepared(target, predShape, Checks.canonicalAxis(axis, predShape.length, "yPred"));
    }

    /** Keras's binary smoothing {@code y * (1 - ls) + 0.5 * ls}: the constants as the compute dtype holds them. */
    private static double[] binarySmoothing(double labelSmoothing, Precision precision) {
        Checks.checkLabelSmoothing(labelSmoothing);
        return labelSmoothing == 0 ? new double[] {1, 0}
                : new double[] {precision.round(1.0 - labelSmoothing), precision.round(0.5 * labelSmoothing)};
    }

    /**
     * {@code keras.losses.binary_crossentropy}: the mean over {@code axis} of the element-wise cross-entropy; a
     * rank-1 input gives one value (shape {@code ()}).
     */
    public static ElementValues binaryCrossentropy(NdArray yTrue, NdArray yPred, boolean fromLogits,
                                                   double labelSmoothing, int axis, Precision precision,
                                                   boolean lossRankFix) {
        Prepared a = prepare("binary_crossentropy", yTrue, yPred, axis, lossRankFix, false);
        double[] s = binarySmoothing(labelSmoothing, precision);
        Kernels.elementwise().binaryCrossentropy(yTrue, yPred, a.groups, s[0], s[1], fromLogits, precision, a.out, 0,
                0, a.out.length);
        return a.values(precision);
    }

    /**
     * {@code keras.losses.binary_focal_crossentropy} on TensorFlow: {@code mean(axis)} of
     * {@code [weight *] (1 - p_t)^gamma * bce}; smoothing changes {@code p_t} and the weight too.
     */
    public static ElementValues binaryFocalCrossentropy(NdArray yTrue, NdArray yPred, boolean applyClassBalancing,
                                                        double alpha, double gamma, boolean fromLogits,
                                                        double labelSmoothing, int axis, Precision precision,
                                                        boolean lossRankFix) {
        Prepared a = prepare("binary_focal_crossentropy", yTrue, yPred, axis, lossRankFix, false);
        Checks.checkGamma(gamma);
        double[] s = binarySmoothing(labelSmoothing, precision);
        // Python scalars meet a tensor: alpha, gamma and (1 - alpha), computed in Python, take the tensor's dtype.
        ElementwiseKernel.Focal focal = new ElementwiseKernel.Focal(precision.round(gamma), applyClassBalancing,
                precision.round(alpha), precision.round(1.0 - alpha));
        Kernels.elementwise().binaryFocalCrossentropy(yTrue, yPred, a.groups, s[0], s[1], fromLogits, focal,
                precision, a.out, 0, 0, a.out.length);
        return a.values(precision);
    }

    /**
     * {@code keras.losses.categorical_focal_crossentropy}: {@code sum(axis)} of
     * {@code alpha (1 - o)^gamma (-y log o)}, {@code o = clip(p / sum p)} (softmax first from logits).
     *
     * @param alpha one value, or one per position of the last axis (Keras broadcasts it along the last axis)
     * @param smoothOverClassAxis smooth over the class axis's size (later Keras) instead of the last axis's size
     *     (Keras 3.15, which differs only when {@code axis != -1})
     */
    public static ElementValues categoricalFocalCrossentropy(NdArray yTrue, NdArray yPred, double[] alpha,
                                                             double gamma, boolean fromLogits, double labelSmoothing,
                                                             int axis, boolean smoothOverClassAxis,
                                                             Precision precision, boolean lossRankFix) {
        Prepared a = prepare("categorical_focal_crossentropy", yTrue, yPred, axis, lossRankFix, true);
        Checks.checkNotNull(alpha, "alpha");
        int last = a.shape[a.shape.length - 1];
        if (alpha.length != 1 && alpha.length != last) {
            throw new IllegalArgumentException("alpha (length " + alpha.length + ") must have length 1 or " + last
                    + " (yPred's last axis), as it broadcasts along the last axis");
        }
        Checks.checkGamma(gamma);
        Checks.checkLabelSmoothing(labelSmoothing);
        double keep = 1.0;
        double add = 0.0;
        if (labelSmoothing != 0) {
            int n = smoothOverClassAxis ? a.groups.classes : last;
            keep = precision.round(1.0 - labelSmoothing);
            add = precision.round(precision.round(labelSmoothing) / n);
        }
        // A scalar alpha takes the tensor's dtype; a list becomes a float32 tensor first (TensorFlow's default).
        double[] weights = new double[alpha.length];
        for (int i = 0; i < alpha.length; i++) {
            weights[i] = alpha.length == 1 ? precision.round(alpha[i]) : (float) alpha[i];
        }
        Kernels.elementwise().categoricalFocalCrossentropy(a.target, yPred, a.groups, keep, add, fromLogits,
                precision.round(gamma), weights, precision, a.out, 0, 0, a.out.length);
        return a.values(precision);
    }

    /** {@code keras.losses.kl_divergence}: {@code sum(-1)} of {@code y log(y / p)}, both clipped to [eps, 1]. */
    public static ElementValues klDivergence(NdArray yTrue, NdArray yPred, Precision precision, boolean lossRankFix) {
        Prepared a = prepare("kl_divergence", yTrue, yPred, -1, lossRankFix, true);
        Kernels.elementwise().klDivergence(a.target, yPred, a.groups, precision, a.out, 0, 0, a.out.length);
        return a.values(precision);
    }

    /** {@code keras.losses.poisson}: {@code mean(-1)} of {@code p - y log(p + eps)}, eps in the compute dtype. */
    public static ElementValues poisson(NdArray yTrue, NdArray yPred, Precision precision, boolean lossRankFix) {
        Prepared a = prepare("poisson", yTrue, yPred, -1, lossRankFix, true);
        Kernels.elementwise().poisson(a.target, yPred, a.groups, precision, a.out, 0, 0, a.out.length);
        return a.values(precision);
    }
}
