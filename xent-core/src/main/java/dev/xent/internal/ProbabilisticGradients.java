package dev.xent.internal;

import dev.xent.internal.kernel.Precision;
import dev.xent.internal.kernel.RowLayout;
import dev.xent.internal.kernel.ScalarElementwise;
import dev.xent.ndarray.NdArray;

/**
 * The gradients of {@link ProbabilisticOps}'s losses with respect to {@code y_pred}, as {@code tf.GradientTape} gives
 * them through the Keras 3.15 loss on TensorFlow, in {@link Gradients}' two steps: {@code d(loss)/d(value)} per value
 * ({@link Gradients#upstream}: reductions, sample weights), then one pass per output through TensorFlow's backward
 * ops, each step rounded to the compute precision in TensorFlow's order:
 *
 * <ul>
 *   <li>{@code mean} over an axis hands each element {@code upstream / n} ({@code Mean}'s gradient), {@code sum} the
 *       upstream value itself;</li>
 *   <li>{@code log}: {@code grad * (1 / x)}; {@code exp}: {@code grad * exp(x)}; {@code log1p}: {@code grad / (1 + x)};
 *       {@code pow(x, g)}: {@code grad * g * x^(g - 1)} (NaN where {@code x = 0} and {@code g < 1}: {@code 0 * inf}
 *       or {@code inf}, as in TensorFlow); {@code sigmoid}: {@code grad * y (1 - y)}; {@code a / b}: {@code grad / b}
 *       and {@code grad * (-a / b / b)}; softmax: {@code (grad - sum(grad * s)) * s};</li>
 *   <li>{@code tf.clip_by_value} is {@code maximum(minimum(x, hi), lo)}: the gradient passes where
 *       {@code lo <= x <= hi} (ties at exactly the bounds included) and is 0 outside and for NaN;</li>
 *   <li>binary cross-entropy from logits is TensorFlow's {@code max(x, 0) - x t + log1p(exp(-|x|))} through its
 *       {@code where} selects: {@code sigmoid(x) - t} in exact arithmetic;</li>
 *   <li>binary focal cross-entropy: the cross-entropy term as above, plus the focal factor through {@code p_t}, whose
 *       {@code p} is unclipped (from logits, {@code p = sigmoid(x)}, so both paths reach {@code x}).</li>
 * </ul>
 *
 * <p>Arguments were checked by {@link ProbabilisticOps} (the loss: its rank fix applies here too), whose values are
 * passed in. Results are flat in {@code yPred}'s row-major order; no gradient reaches {@code y_true}.
 */
public final class ProbabilisticGradients {

    private ProbabilisticGradients() {}

    /** The loss's shape after its rank fix, and the layout of the reduced axis. */
    private static RowLayout layout(NdArray yTrue, NdArray yPred, int axis) {
        int[] predShape = Shapes.squeezeOrExpandToSameRank(yTrue.shape(), yPred.shape())[1];
        return RowLayout.of(predShape, Checks.canonicalAxis(axis, predShape.length, "yPred"));
    }

    private static double read(NdArray a, int i, Precision q) {
        return q == Precision.FLOAT32 ? a.getFloat(i) : a.getDouble(i);
    }

    /** Whether {@code clip_by_value(x, lo, hi)} passes gradient to {@code x}: {@code lo <= x <= hi}, not NaN. */
    static boolean passes(double x, double lo, double hi) {
        return x >= lo && x <= hi;
    }

    /** One element's gradient from the gradient {@code g} of its value (targets already smoothed). */
    @FunctionalInterface
    private interface ElementGradient {
        double at(double t, double p, double g);
    }

    /** The one loop of the element-wise losses: each element gets its output's upstream value (divided for a mean). */
    private static double[] elements(NdArray yTrue, NdArray yPred, RowLayout groups, double keep, double add,
                                     boolean mean, Precision q, double[] upstream, ElementGradient f) {
        double[] out = new double[yPred.size()];
        int n = groups.classes;
        boolean smooth = keep != 1.0 || add != 0.0;
        for (int r = 0; r < groups.rows(); r++) {
            double g = mean ? q.round(upstream[r] / n) : upstream[r];
            for (int c = 0, i = groups.base(r); c < n; c++, i += groups.classStride()) {
                double t = read(yTrue, i, q);
                if (smooth) {
                    t = q.round(q.round(t * keep) + add);
                }
                out[i] = f.at(t, read(yPred, i, q), g);
            }
        }
        return out;
    }

    // ---- the element backward functions -----------------------------------------------------------------------

    /** Through {@code -(t log o + (1 - t) log(1 - o))}, {@code o = clip(p)}. */
    static double bceProbabilities(double t, double p, double g, Precision q) {
        if (!passes(p, q.clipLow, q.clipHigh)) {
            return 0.0;
        }
        double neg = -g;
        double viaLog = q.round(q.round(neg * t) * q.round(1 / p));
        double viaLog1m = q.round(q.round(neg * q.round(1 - t)) * q.round(1 / q.round(1 - p)));
        return q.round(viaLog - viaLog1m);
    }

    /** Through TensorFlow's {@code sigmoid_cross_entropy_with_logits}. */
    static double bceLogits(double t, double x, double g, Precision q) {
        boolean positive = x >= 0;
        double e = q.round(Math.exp(positive ? -x : x));
        double viaExp = q.round(q.round(g * q.round(1 / q.round(1 + e))) * e);
        double viaRelu = positive ? g : 0.0;
        double viaProduct = q.round(-g * t);
        return q.round(q.round(viaRelu + viaProduct) + (positive ? -viaExp : viaExp));
    }

    /** Through {@code [w *] (1 - p_t)^gamma * bce} (see the class notes). */
    static double focal(double t, double p, double g, boolean fromLogits, double gamma, boolean balance,
                        double alpha, double oneMinusAlpha, Precision q) {
        // The forward values, as the reference kernel computes them.
        double prob = fromLogits ? ScalarElementwise.sigmoid(p, q) : p;
        double bce = fromLogits ? ScalarElementwise.bceLogits(t, p, q) : ScalarElementwise.bceProbabilities(t, p, q);
        double pt = q.round(q.round(t * prob) + q.round(q.round(1 - t) * q.round(1 - prob)));
        double base = q.round(1 - pt);
        double factor = q.round(Math.pow(base, gamma));
        double gv = g;
        if (balance) {
            gv = q.round(g * q.round(q.round(t * alpha) + q.round(q.round(1 - t) * oneMinusAlpha)));
        }
        double gFactor = q.round(gv * bce);
        double gBce = q.round(gv * factor);
        double gPt = -q.round(q.round(gFactor * gamma) * q.round(Math.pow(base, gamma - 1)));
        double gProb = q.round(q.round(gPt * t) - q.round(gPt * q.round(1 - t)));
        if (fromLogits) {
            double viaSigmoid = q.round(q.round(gProb * prob) * q.round(1 - prob));
            return q.round(bceLogits(t, p, gBce, q) + viaSigmoid);
        }
        return q.round(bceProbabilities(t, p, gBce, q) + gProb);
    }

    /** Through {@code tc log(tc / pc)}, both clipped to {@code [eps, 1]}. */
    static double kl(double t, double p, double g, Precision q) {
        if (!passes(p, q.clipLow, 1)) {
            return 0.0;
        }
        double tc = Math.min(Math.max(t, q.clipLow), 1);
        double ratio = q.round(tc / p);
        double gRatio = q.round(q.round(g * tc) * q.round(1 / ratio));
        return q.round(gRatio * q.round(q.round(-tc / p) / p));
    }

    /** Through {@code p - t log(p + eps)}. */
    static double poisson(double t, double p, double g, Precision q) {
        double viaLog = q.round(q.round(-g * t) * q.round(1 / q.round(p + q.clipLow)));
        return q.round(g + viaLog);
    }

    // ---- the losses: upstream per value given ----------------------------------------------------------------

    private static double[] binarySmoothing(double labelSmoothing, Precision q) {
        return labelSmoothing == 0 ? new double[] {1, 0}
                : new double[] {q.round(1.0 - labelSmoothing), q.round(0.5 * labelSmoothing)};
    }

    /** {@code d(sum_r upstream[r] * value_r) / d(yPred)} for {@link ProbabilisticOps#binaryCrossentropy}. */
    public static double[] binaryCrossentropy(NdArray yTrue, NdArray yPred, boolean fromLogits, double labelSmoothing,
                                              int axis, Precision q, double[] upstream) {
        double[] s = binarySmoothing(labelSmoothing, q);
        return elements(yTrue, yPred, layout(yTrue, yPred, axis), s[0], s[1], true, q, upstream,
                fromLogits ? (t, x, g) -> bceLogits(t, x, g, q) : (t, p, g) -> bceProbabilities(t, p, g, q));
    }

    /** As above, for {@link ProbabilisticOps#binaryFocalCrossentropy}. */
    public static double[] binaryFocalCrossentropy(NdArray yTrue, NdArray yPred, boolean applyClassBalancing,
                                                   double alpha, double gamma, boolean fromLogits,
                                                   double labelSmoothing, int axis, Precision q, double[] upstream) {
        double[] s = binarySmoothing(labelSmoothing, q);
        double gm = q.round(gamma);
        double a = q.round(alpha);
        double b = q.round(1.0 - alpha);
        return elements(yTrue, yPred, layout(yTrue, yPred, axis), s[0], s[1], true, q, upstream,
                (t, p, g) -> focal(t, p, g, fromLogits, gm, applyClassBalancing, a, b, q));
    }

    /** As above, for {@link ProbabilisticOps#klDivergence}. */
    public static double[] klDivergence(NdArray yTrue, NdArray yPred, Precision q, double[] upstream) {
        return elements(yTrue, yPred, layout(yTrue, yPred, -1), 1, 0, false, q, upstream,
                (t, p, g) -> kl(t, p, g, q));
    }

    /** As above, for {@link ProbabilisticOps#poisson}. */
    public static double[] poisson(NdArray yTrue, NdArray yPred, Precision q, double[] upstream) {
        return elements(yTrue, yPred, layout(yTrue, yPred, -1), 1, 0, true, q, upstream,
                (t, p, g) -> poisson(t, p, g, q));
    }

    /**
     * As above, for {@link ProbabilisticOps#categoricalFocalCrossentropy}: per row, back through the focal terms, the
     * clip, the division by the row sum (which reaches every class) and, from logits, the softmax.
     */
    public static double[] categoricalFocalCrossentropy(NdArray yTrue, NdArray yPred, double[] alpha, double gamma,
                                                        boolean fromLogits, double labelSmoothing, int axis,
                                                        boolean smoothOverClassAxis, Precision q,
                                                        double[] upstream) {
        int[] predShape = Shapes.squeezeOrExpandToSameRank(yTrue.shape(), yPred.shape())[1];
        RowLayout rows = layout(yTrue, yPred, axis);
        int n = rows.classes;
        double keep = 1.0;
        double add = 0.0;
        if (labelSmoothing != 0) {
            int count = smoothOverClassAxis ? n : predShape[predShape.length - 1];
            keep = q.round(1.0 - labelSmoothing);
            add = q.round(q.round(labelSmoothing) / count);
        }
        double[] weights = new double[alpha.length];
        for (int i = 0; i < alpha.length; i++) {
            weights[i] = alpha.length == 1 ? q.round(alpha[i]) : (float) alpha[i];
        }
        double gm = q.round(gamma);
        double[] out = new double[yPred.size()];
        double[] s = new double[n];
        double[] gs = new double[n];
        for (int r = 0; r < rows.rows(); r++) {
            int base = rows.base(r);
            int stride = rows.classStride();
            for (int c = 0; c < n; c++) {
                s[c] = read(yPred, base + c * stride, q);
            }
            if (fromLogits) {
                softmax(s, q);
            }
            double sum = 0;
            for (int c = 0; c < n; c++) {
                sum += s[c];
            }
            sum = q.round(sum);
            double gSum = 0;
            for (int c = 0, i = base; c < n; c++, i += stride) {
                double t = read(yTrue, i, q);
                if (keep != 1.0 || add != 0.0) {
                    t = q.round(q.round(t * keep) + add);
                }
                double ratio = q.round(s[c] / sum);
                double gRatio = 0.0;
                if (passes(ratio, q.clipLow, q.clipHigh)) {
                    double a = weights[i % weights.length];
                    double ce = q.round(-t * q.round(Math.log(ratio)));
                    double rest = q.round(1 - ratio);
                    double weight = q.round(q.round(Math.pow(rest, gm)) * a);
                    double gWeight = q.round(upstream[r] * ce);
                    double gCe = q.round(upstream[r] * weight);
                    double viaFactor = -q.round(q.round(q.round(gWeight * a) * gm) * q.round(Math.pow(rest, gm - 1)));
                    double viaLog = q.round(q.round(gCe * -t) * q.round(1 / ratio));
                    gRatio = q.round(viaFactor + viaLog);
                }
                gs[c] = q.round(gRatio / sum);
                gSum += q.round(gRatio * q.round(q.round(-s[c] / sum) / sum));
            }
            gSum = q.round(gSum);
            for (int c = 0; c < n; c++) {
                gs[c] = q.round(gs[c] + gSum);
            }
            if (fromLogits) {
                double dot = 0;
                for (int c = 0; c < n; c++) {
                    dot += q.round(gs[c] * s[c]);
                }
                dot = q.round(dot);
                for (int c = 0; c < n; c++) {
                    gs[c] = q.round(q.round(gs[c] - dot) * s[c]);
                }
            }
            for (int c = 0; c < n; c++) {
                out[base + c * stride] = gs[c];
            }
        }
        return out;
    }

    /** TensorFlow's softmax in place: {@code e = exp(x - max)}, then {@code e * (1 / sum e)}. */
    private static void softmax(double[] x, Precision q) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int c = 0; c < x.length; c++) {
            x[c] = q.round(Math.exp(q.round(x[c] - max)));
            sum += x[c];
        }
        double inverse = q.round(1 / q.round(sum));
        for (int c = 0; c < x.length; c++) {
            x[c] = q.round(x[c] * inverse);
        }
    }

    // ---- the losses: reduction and weights as Gradients handles them -----------------------------------------

    /** The reduced loss's gradient: {@link Gradients#upstream}, then {@link #binaryCrossentropy} above. */
    public static double[] binaryCrossentropy(NdArray yTrue, NdArray yPred, boolean fromLogits, double labelSmoothing,
                                              int axis, ElementValues values, NdArray sampleWeight,
                                              String reduction) {
        return binaryCrossentropy(yTrue, yPred, fromLogits, labelSmoothing, axis, values.precision,
                Gradients.upstream(values, sampleWeight, reduction));
    }

    public static double[] binaryFocalCrossentropy(NdArray yTrue, NdArray yPred, boolean applyClassBalancing,
                                                   double alpha, double gamma, boolean fromLogits,
                                                   double labelSmoothing, int axis, ElementValues values,
                                                   NdArray sampleWeight, String reduction) {
        return binaryFocalCrossentropy(yTrue, yPred, applyClassBalancing, alpha, gamma, fromLogits, labelSmoothing,
                axis, values.precision, Gradients.upstream(values, sampleWeight, reduction));
    }

    public static double[] categoricalFocalCrossentropy(NdArray yTrue, NdArray yPred, double[] alpha, double gamma,
                                                        boolean fromLogits, double labelSmoothing, int axis,
                                                        boolean smoothOverClassAxis, ElementValues values,
                                                        NdArray sampleWeight, String reduction) {
        return categoricalFocalCrossentropy(yTrue, yPred, alpha, gamma, fromLogits, labelSmoothing, axis,
                smoothOverClassAxis, values.precision, Gradients.upstream(values, sampleWeight, reduction));
    }

    public static double[] klDivergence(NdArray yTrue, NdArray yPred, ElementValues values, NdArray sampleWeight,
                                        String reduction) {
        return klDivergence(yTrue, yPred, values.precision, Gradients.upstream(values, sampleWeight, reduction));
    }

    public static double[] poisson(NdArray yTrue, NdArray yPred, ElementValues values, NdArray sampleWeight,
                                   String reduction) {
        return poisson(yTrue, yPred, values.precision, Gradients.upstream(values, sampleWeight, reduction));
    }
}
