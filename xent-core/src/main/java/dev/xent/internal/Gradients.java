package dev.xent.internal;

import dev.xent.internal.kernel.Precision;
import dev.xent.internal.kernel.RowLayout;
import dev.xent.ndarray.NdArray;

/**
 * The gradient of a reduced cross-entropy loss with respect to {@code y_pred}, equal to what
 * {@code tf.GradientTape} gives through the Keras 3.15 loss on TensorFlow 2.21. Two steps:
 *
 * <ol>
 *   <li>{@link #upstream}: {@code d(loss)/d(value_e)} for each per-element value, following
 *       {@code reduce_weighted_values}: the {@code ignore_class} mask folded into the weights ({@code total/valid}
 *       for the mean reductions), weights aligned and broadcast, then the gradient of {@code sum} and of
 *       {@code divide_no_nan(sum, divisor)}, i.e. {@code weight / divisor}. For {@code reduction = none} it is the
 *       gradient of the sum of the weighted values (what {@code tape.gradient} of a non-scalar target computes).</li>
 *   <li>One pass per row through TensorFlow's own backward ops, each rounded to the compute precision as
 *       TensorFlow rounds it (so the float32 results agree to an ulp or two, including where terms cancel):
 *       <ul>
 *         <li>logits, sparse or categorical: the fused softmax cross-entropy's {@code backprop = softmax - target},
 *             times the upstream value. As in TensorFlow, this assumes each target row sums to 1 (it is
 *             {@code softmax - t}, not {@code softmax * sum(t) - t}).</li>
 *         <li>sparse probabilities (TensorFlow: {@code clip -> log -> fused softmax}):
 *             {@code (softmax(log q) - onehot) / q}, where {@code q = clip(p)}.</li>
 *         <li>categorical probabilities ({@code p / sum(p) -> clip -> log}): the gradient flows back through the
 *             division by the row sum: {@code g_j / S - sum_c g_c p_c / S^2}.</li>
 *       </ul>
 *       {@code tf.clip_by_value} is {@code maximum(minimum(x, hi), lo)}, whose gradient passes where
 *       {@code lo <= x <= hi} (ties at exactly the bounds included) and is 0 outside and for NaN.</li>
 * </ol>
 *
 * <p>Ignored entries ({@code ignore_class}) get exactly 0: Keras selects them out with {@code where}.
 */
public final class Gradients {

    private Gradients() {}

    /**
     * {@code d(reduced loss)/d(values[e])} for each per-element value, in the compute precision.
     *
     * @param reduction one of {@code sum_over_batch_size, sum, mean, mean_with_sample_weight, none}
     */
    public static double[] upstream(ElementValues v, NdArray sampleWeight, String reduction) {
        Precision p = v.precision;
        int n = v.values.length;
        // apply_mask: the ignore_class mask becomes weights.
        Weights w = sampleWeight == null ? null : Weights.of(sampleWeight, p);
        if (v.valid != null) {
            double maskWeight = 1.0;
            if (reduction.equals("sum_over_batch_size") || reduction.equals("mean")) {
                maskWeight = p.round(Reductions.divideNoNan(n, v.validCount));
            }
            double[] floatMask = new double[n];
            for (int i = 0; i < n; i++) {
                floatMask[i] = v.valid[i] ? maskWeight : 0.0;
            }
            if (w != null) {
                int[][] fixed = Shapes.squeezeOrExpandToSameRank(v.shape, w.shape);
                w = Weights.multiply(fixed[0], floatMask, w.reshape(fixed[1]), p, "yTrue's per-element");
            } else {
                w = new Weights(v.shape, floatMask);
            }
        }
        int[] valueShape = v.shape;
        int[] weightedShape = valueShape;
        int[] valueIndex = null;
        int[] weightIndex = null;
        if (w != null) {
            int[][] fixed = Shapes.squeezeOrExpandToSameRank(valueShape, w.shape);
            valueShape = fixed[0];
            w = w.reshape(fixed[1]);
            weightedShape = Shapes.broadcast(valueShape, w.shape);
            if (weightedShape == null) {
                throw new IllegalArgumentException("sampleWeight shape " + Checks.shape(sampleWeight.shape())
                        + " does not broadcast to the per-element loss shape " + Checks.shape(valueShape)
                        + " (NumPy rules, aligned from the last axis; give per-sample weights as (batch,) or "
                        + "(batch, 1, ...))");
            }
            valueIndex = Shapes.broadcastIndex(valueShape, weightedShape);
            weightIndex = Shapes.broadcastIndex(w.shape, weightedShape);
        }
        // reduce_values: returned unchanged (so the gradient is that of the sum) for none, rank 0 and shape (0,).
        boolean unreduced = reduction.equals("none") || weightedShape.length == 0
                || (weightedShape.length == 1 && weightedShape[0] == 0);
        double factor;
        if (unreduced || reduction.equals("sum")) {
            factor = 1.0;
        } else if (reduction.equals("mean_with_sample_weight") && w != null) {
            factor = p.round(Reductions.divideNoNan(1.0, p.round(w.sum())));
        } else {
            factor = p.round(Reductions.divideNoNan(1.0, Shapes.size(weightedShape)));
        }
        double[] g = new double[n];
        if (w == null) {
            java.util.Arrays.fill(g, factor);
        } else if (Shapes.isIdentity(valueIndex) && valueIndex.length == n) {
            for (int i = 0; i < n; i++) {
                g[i] = p.round(factor * w.data[weightIndex[i]]);
            }
        } else {
            // The weights broadcast the values to a larger shape: the values' gradient sums over the copies.
            double[] sums = new double[n];
            for (int i = 0; i < valueIndex.length; i++) {
                sums[valueIndex[i]] += p.round(factor * w.data[weightIndex[i]]);
            }
            for (int i = 0; i < n; i++) {
                g[i] = p.round(sums[i]);
            }
        }
        if (v.valid != null) {
            for (int i = 0; i < n; i++) {
                if (!v.valid[i]) {
                    g[i] = 0.0; // where(valid, res, 0)
                }
            }
        }
        return g;
    }

    /**
     * The sparse loss's gradient, flat in {@code yPred}'s row-major order. Inputs were already checked by
     * {@link CrossEntropyOps#sparse} (whose {@code values} are passed here).
     */
    public static double[] sparse(NdArray yTrue, NdArray yPred, boolean fromLogits, Integer ignoreClass, int axis,
                                  boolean normalizeBeforeClip, ElementValues values, NdArray sampleWeight,
                                  String reduction) {
        Precision p = values.precision;
        double[] g = upstream(values, sampleWeight, reduction);
        int[][] fixed = Shapes.squeezeOrExpandToSameRank(yTrue.shape(), yPred.shape());
        int[] predShape = fixed[1];
        RowLayout layout = RowLayout.of(predShape, Checks.canonicalAxis(axis, predShape.length, "yPred"));
        int classes = layout.classes;
        int stride = layout.classStride();
        double[] out = new double[yPred.size()];
        double[] row = new double[classes];
        double[] target = new double[classes];
        double[] q = new double[classes];
        boolean floatLabels = yTrue.dtype().isFloating();
        for (int r = 0; r < layout.rows(); r++) {
            long label = floatLabels ? (long) yTrue.getDouble(r) : yTrue.getLong(r);
            if (ignoreClass != null && label == ignoreClass) {
                continue; // where(valid, y_pred, 0): no gradient reaches an ignored row
            }
            int base = layout.base(r);
            read(yPred, base, stride, classes, p, row);
            if (fromLogits) {
                softmaxBackprop(row, null, (int) label, g[r], p, out, base, stride);
            } else if (normalizeBeforeClip) {
                java.util.Arrays.fill(target, 0.0);
                target[(int) label] = 1.0;
                normalizedBackprop(row, target, g[r], p, out, base, stride);
            } else {
                // TensorFlow: logits = log(clip(p)); fused sparse softmax cross-entropy; back through log and clip.
                for (int c = 0; c < classes; c++) {
                    q[c] = clip(row[c], p);
                    row[c] = p.round(Math.log(q[c]));
                }
                softmaxBackprop(row, null, (int) label, g[r], p, out, base, stride);
                for (int c = 0; c < classes; c++) {
                    int i = base + c * stride;
                    double x = yPred.getDouble(i);
                    double px = p == Precision.FLOAT32 ? (float) x : x;
                    out[i] = passesClip(px, p) ? p.round(out[i] * p.round(1.0 / q[c])) : 0.0;
                }
            }
        }
        return out;
    }

    /**
     * The categorical loss's gradient, flat in {@code yPred}'s row-major order; targets smoothed as the loss
     * smooths them ({@code classCount} is the {@code n} of {@code ls / n}).
     */
    public static double[] categorical(NdArray yTrue, NdArray yPred, boolean fromLogits, double labelSmoothing,
                                       int axis, boolean smoothOverClassAxis, ElementValues values,
                                       NdArray sampleWeight, String reduction) {
        Precision p = values.precision;
        double[] g = upstream(values, sampleWeight, reduction);
        int[][] fixed = Shapes.squeezeOrExpandToSameRank(yTrue.shape(), yPred.shape());
        int[] predShape = fixed[1];
        RowLayout layout = RowLayout.of(predShape, Checks.canonicalAxis(axis, predShape.length, "yPred"));
        int classes = layout.classes;
        int stride = layout.classStride();
        double keep = 1.0;
        double add = 0.0;
        if (labelSmoothing != 0) {
            int n = smoothOverClassAxis ? classes : predShape[predShape.length - 1];
            keep = p.round(1.0 - labelSmoothing);
            add = p.round(p.round(labelSmoothing) / n);
        }
        double[] out = new double[yPred.size()];
        double[] row = new double[classes];
        double[] target = new double[classes];
        for (int r = 0; r < layout.rows(); r++) {
            int base = layout.base(r);
            read(yPred, base, stride, classes, p, row);
            read(yTrue, base, stride, classes, p, target);
            if (labelSmoothing != 0) {
                for (int c = 0; c < classes; c++) {
                    target[c] = p.round(p.round(target[c] * keep) + add);
                }
            }
            if (fromLogits) {
                softmaxBackprop(row, target, -1, g[r], p, out, base, stride);
            } else {
                normalizedBackprop(row, target, g[r], p, out, base, stride);
            }
        }
        return out;
    }

    private static void read(NdArray a, int base, int stride, int classes, Precision p, double[] into) {
        for (int c = 0; c < classes; c++) {
            int i = base + c * stride;
            into[c] = p == Precision.FLOAT32 ? a.getFloat(i) : a.getDouble(i);
        }
    }

    /**
     * TensorFlow's fused softmax cross-entropy backward: {@code shifted = x - max}, {@code e = exp(shifted)},
     * {@code prob = e / sum(e)}, {@code backprop = prob - target} (a one-hot at {@code label} when
     * {@code target} is null), times {@code upstream}; each step rounded to the precision.
     */
    private static void softmaxBackprop(double[] x, double[] target, int label, double upstream, Precision p,
                                        double[] out, int base, int stride) {
        int classes = x.length;
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, x[c]);
        }
        double[] e = new double[classes];
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            e[c] = p.round(Math.exp(p.round(x[c] - max)));
            sum += e[c];
        }
        sum = p.round(sum);
        for (int c = 0; c < classes; c++) {
            double prob = p.round(e[c] / sum);
            double t = target == null ? (c == label ? 1.0 : 0.0) : target[c];
            out[base + c * stride] = p.round(upstream * p.round(prob - t));
        }
    }

    /**
     * Backward of {@code -sum(t * log(clip(x / sum(x))))}: through the log, the clip's mask, and the division by
     * the row sum (TensorFlow's {@code RealDiv} gradient: {@code g / S} for the numerator and
     * {@code sum(g * (-x / S) / S)} for the sum, which reaches every class).
     */
    private static void normalizedBackprop(double[] x, double[] t, double upstream, Precision p, double[] out,
                                           int base, int stride) {
        int classes = x.length;
        double s = 0;
        for (int c = 0; c < classes; c++) {
            s += x[c];
        }
        s = p.round(s);
        double[] gr = new double[classes];
        double gs = 0;
        for (int c = 0; c < classes; c++) {
            double r = p.round(x[c] / s);
            double q = clip(r, p);
            double dLog = p.round(-upstream * t[c]);
            gr[c] = passesClip(r, p) ? p.round(dLog * p.round(1.0 / q)) : 0.0;
            gs += p.round(gr[c] * p.round(p.round(-x[c] / s) / s));
        }
        gs = p.round(gs);
        for (int c = 0; c < classes; c++) {
            out[base + c * stride] = p.round(p.round(gr[c] / s) + gs);
        }
    }

    /** {@code tf.clip_by_value}'s value: NaN passes through. */
    private static double clip(double x, Precision p) {
        return x < p.clipLow ? p.clipLow : (x > p.clipHigh ? p.clipHigh : x);
    }

    /** Whether {@code maximum(minimum(x, hi), lo)} passes gradient to {@code x}: {@code lo <= x <= hi}, not NaN. */
    private static boolean passesClip(double x, Precision p) {
        return x >= p.clipLow && x <= p.clipHigh;
    }
}
