package dev.xent.internal.kernel;

import dev.xent.ndarray.NdArray;

/**
 * The reference {@link ElementwiseKernel}: plain loops, readable against Keras's formulas on TensorFlow, and the
 * fallback for what the SIMD kernel does not serve (float64, categorical focal). Each step of an element's formula is
 * rounded to the precision ({@code Math.log}/{@code exp}/{@code pow} in double, then rounded: correctly rounded to
 * float32 in practice, where TensorFlow's own float32 functions are within an ulp), in TensorFlow's order; the
 * reduction over the axis is a sequential sum in double, divided by the axis length for a mean, then rounded.
 *
 * <p>NaN in an element makes its output NaN. Infinities follow IEEE arithmetic step by step, as in TensorFlow
 * (e.g. a {@code +Infinity} logit gives {@code inf - inf = NaN} in binary cross-entropy). An empty axis gives NaN
 * for a mean ({@code 0 / 0}) and 0 for a sum, as {@code tf.reduce_mean}/{@code reduce_sum} do.
 */
public final class ScalarElementwise implements ElementwiseKernel {

    public static final ScalarElementwise INSTANCE = new ScalarElementwise();

    private ScalarElementwise() {}

    @Override
    public String name() {
        return "scalar";
    }

    /** One element's value from its (smoothed, rounded) target and prediction, rounded to the precision. */
    @FunctionalInterface
    interface Element {
        double at(double t, double p);
    }

    static double read(NdArray a, int i, Precision precision) {
        return precision == Precision.FLOAT32 ? a.getFloat(i) : a.getDouble(i);
    }

    /** {@code tf.clip_by_value(x, clipLow, clipHigh)}: NaN passes through. */
    static double clip(double x, Precision q) {
        return x < q.clipLow ? q.clipLow : (x > q.clipHigh ? q.clipHigh : x);
    }

    /** {@code tf.clip_by_value(x, clipLow, 1)} (Keras's KL divergence clips both inputs to {@code [eps, 1]}). */
    static double clipToOne(double x, Precision q) {
        return x < q.clipLow ? q.clipLow : (x > 1 ? 1 : x);
    }

    /** The one loop of the element-wise losses: per output, the element values summed in double, then averaged. */
    private static void reduce(NdArray target, NdArray pred, RowLayout groups, double keep, double add,
                               Precision q, boolean mean, Element f, double[] out, int outOffset, int from, int to) {
        int n = groups.classes;
        int stride = groups.classStride();
        boolean smooth = keep != 1.0 || add != 0.0;
        for (int r = from; r < to; r++) {
            int base = groups.base(r);
            double sum = 0;
            for (int c = 0, i = base; c < n; c++, i += stride) {
                double t = read(target, i, q);
                if (smooth) {
                    t = q.round(q.round(t * keep) + add);
                }
                sum += f.at(t, read(pred, i, q));
            }
            out[outOffset + r - from] = q.round(mean ? sum / n : sum);
        }
    }

    /** {@code -(t log p + (1 - t) log(1 - p))} with {@code p} clipped, in TensorFlow's order. */
    public static double bceProbabilities(double t, double p, Precision q) {
        double o = clip(p, q);
        double a = q.round(t * q.round(Math.log(o)));
        double b = q.round(q.round(1 - t) * q.round(Math.log(q.round(1 - o))));
        return -q.round(a + b);
    }

    /** TensorFlow's {@code sigmoid_cross_entropy_with_logits}: {@code max(x, 0) - x t + log1p(exp(-|x|))}. */
    public static double bceLogits(double t, double x, Precision q) {
        boolean positive = x >= 0;
        double relu = positive ? x : 0;
        double negAbs = positive ? -x : x;
        return q.round(q.round(relu - q.round(x * t)) + q.round(Math.log1p(q.round(Math.exp(negAbs)))));
    }

    /** {@code 1 / (1 + exp(-x))}, rounded. */
    public static double sigmoid(double x, Precision q) {
        return q.round(1.0 / (1.0 + Math.exp(-x)));
    }

    /** The binary focal term for one element (Keras 3.15 on TensorFlow; see {@link ElementwiseKernel.Focal}). */
    static double focal(double t, double p, boolean fromLogits, Focal focal, Precision q) {
        double prob;
        double bce;
        if (fromLogits) {
            // ops.sigmoid's output carries its logits, so TF's binary_crossentropy takes the stable logits path;
            // p_t uses the sigmoid itself, unclipped.
            prob = sigmoid(p, q);
            bce = bceLogits(t, p, q);
        } else {
            prob = p;
            bce = bceProbabilities(t, p, q);
        }
        double pt = q.round(q.round(t * prob) + q.round(q.round(1 - t) * q.round(1 - prob)));
        double v = q.round(q.round(Math.pow(q.round(1 - pt), focal.gamma)) * bce);
        if (focal.balance) {
            double w = q.round(q.round(t * focal.alpha) + q.round(q.round(1 - t) * focal.oneMinusAlpha));
            v = q.round(w * v);
        }
        return v;
    }

    static double kl(double t, double p, Precision q) {
        double tc = clipToOne(t, q);
        double pc = clipToOne(p, q);
        return q.round(tc * q.round(Math.log(q.round(tc / pc))));
    }

    static double poisson(double t, double p, Precision q) {
        return q.round(p - q.round(t * q.round(Math.log(q.round(p + q.clipLow)))));
    }

    @Override
    public void binaryCrossentropy(NdArray target, NdArray pred, RowLayout groups, double keep, double add,
                                   boolean fromLogits, Precision precision, double[] out, int outOffset, int from,
                                   int to) {
        Element f = fromLogits ? (t, x) -> bceLogits(t, x, precision) : (t, p) -> bceProbabilities(t, p, precision);
        reduce(target, pred, groups, keep, add, precision, true, f, out, outOffset, from, to);
    }

    @Override
    public void binaryFocalCrossentropy(NdArray target, NdArray pred, RowLayout groups, double keep, double add,
                                        boolean fromLogits, Focal focal, Precision precision, double[] out,
                                        int outOffset, int from, int to) {
        reduce(target, pred, groups, keep, add, precision, true, (t, p) -> focal(t, p, fromLogits, focal, precision),
                out, outOffset, from, to);
    }

    @Override
    public void klDivergence(NdArray target, NdArray pred, RowLayout groups, Precision precision, double[] out,
                             int outOffset, int from, int to) {
        reduce(target, pred, groups, 1, 0, precision, false, (t, p) -> kl(t, p, precision), out, outOffset, from, to);
    }

    @Override
    public void poisson(NdArray target, NdArray pred, RowLayout groups, Precision precision, double[] out,
                        int outOffset, int from, int to) {
        reduce(target, pred, groups, 1, 0, precision, true, (t, p) -> poisson(t, p, precision), out, outOffset, from,
                to);
    }

    /**
     * Per row: from logits TensorFlow's softmax ({@code e = exp(x - max)}, then {@code e * (1 / sum e)}), then Keras's
     * {@code p / sum p}, the clip, and the focal terms summed over the axis. The row is read again for each pass
     * instead of being buffered (a row can be the whole input), so the reference needs no memory of the input's size.
     */
    @Override
    public void categoricalFocalCrossentropy(NdArray target, NdArray pred, RowLayout rows, double keep, double add,
                                             boolean fromLogits, double gamma, double[] alpha, Precision q,
                                             double[] out, int outOffset, int from, int to) {
        int n = rows.classes;
        int stride = rows.classStride();
        boolean smooth = keep != 1.0 || add != 0.0;
        for (int r = from; r < to; r++) {
            int base = rows.base(r);
            double max = Double.NEGATIVE_INFINITY;
            double inverse = 1;
            if (fromLogits) {
                for (int c = 0, i = base; c < n; c++, i += stride) {
                    max = Math.max(max, read(pred, i, q));
                }
                double sumExp = 0;
                for (int c = 0, i = base; c < n; c++, i += stride) {
                    sumExp += q.round(Math.exp(q.round(read(pred, i, q) - max)));
                }
                inverse = q.round(1.0 / q.round(sumExp));
            }
            double sum = 0;
            for (int c = 0, i = base; c < n; c++, i += stride) {
                sum += softmaxOrSelf(read(pred, i, q), fromLogits, max, inverse, q);
            }
            sum = q.round(sum);
            double loss = 0;
            for (int c = 0, i = base; c < n; c++, i += stride) {
                double o = clip(q.round(softmaxOrSelf(read(pred, i, q), fromLogits, max, inverse, q) / sum), q);
                double t = read(target, i, q);
                if (smooth) {
                    t = q.round(q.round(t * keep) + add);
                }
                double ce = q.round(-t * q.round(Math.log(o)));
                double weight = q.round(q.round(Math.pow(q.round(1 - o), gamma)) * alpha[i % alpha.length]);
                loss += q.round(weight * ce);
            }
            out[outOffset + r - from] = q.round(loss);
        }
    }

    private static double softmaxOrSelf(double x, boolean fromLogits, double max, double inverse, Precision q) {
        return fromLogits ? q.round(q.round(Math.exp(q.round(x - max))) * inverse) : x;
    }
}
