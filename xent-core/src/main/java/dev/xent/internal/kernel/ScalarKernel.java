package dev.xent.internal.kernel;

import dev.xent.ndarray.NdArray;

/**
 * The reference kernels: plain loops, readable against Keras's formulas, and the fallback when no faster kernel
 * applies. Inputs are rounded to the compute precision as Keras casts them; clip bounds are that precision's;
 * sums and logs run in double and each row's result is rounded to the compute precision.
 *
 * <p>NaN anywhere in a row makes that row's loss NaN (Java's comparisons and {@code Math.max} keep NaN, as
 * TensorFlow's clip and max do). A {@code +Infinity} logit gives NaN ({@code inf - inf}); a {@code -Infinity} logit at
 * the label gives {@code +Infinity}.
 */
public final class ScalarKernel implements CrossEntropyKernel {

    public static final ScalarKernel INSTANCE = new ScalarKernel();

    private ScalarKernel() {}

    @Override
    public String name() {
        return "scalar";
    }

    private static double read(NdArray a, int i, Precision precision) {
        return precision == Precision.FLOAT32 ? a.getFloat(i) : a.getDouble(i);
    }

    /** {@code clip(x, low, high)} that lets NaN through, as {@code tf.clip_by_value} does. */
    static double clip(double x, Precision precision) {
        return x < precision.clipLow ? precision.clipLow : (x > precision.clipHigh ? precision.clipHigh : x);
    }

    @Override
    public void sparse(NdArray pred, RowLayout layout, int[] labels, ProbabilityMode mode, Precision precision,
                       double[] out, int outOffset, int from, int to) {
        int classes = layout.classes;
        int stride = layout.classStride();
        for (int r = from; r < to; r++) {
            int label = labels[r];
            if (label == IGNORED) {
                out[outOffset + r - from] = 0.0;
                continue;
            }
            int base = layout.base(r);
            double loss;
            switch (mode) {
                case LOGITS: {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < classes; c++) {
                        max = Math.max(max, read(pred, base + c * stride, precision));
                    }
                    double sumExp = 0;
                    for (int c = 0; c < classes; c++) {
                        sumExp += Math.exp(read(pred, base + c * stride, precision) - max);
                    }
                    loss = Math.log(sumExp) - (read(pred, base + label * stride, precision) - max);
                    break;
                }
                case CLIP_THEN_NORMALIZE: {
                    // TF: logits = log(clip(p)); fused softmax-xent = log(sum exp(logits)) - logits[y].
                    double sum = 0;
                    for (int c = 0; c < classes; c++) {
                        sum += clip(read(pred, base + c * stride, precision), precision);
                    }
                    loss = Math.log(sum) - Math.log(clip(read(pred, base + label * stride, precision), precision));
                    break;
                }
                default: {
                    double sum = 0;
                    for (int c = 0; c < classes; c++) {
                        sum += read(pred, base + c * stride, precision);
                    }
                    double p = precision.round(read(pred, base + label * stride, precision) / sum);
                    loss = -Math.log(clip(p, precision));
                    break;
                }
            }
            out[outOffset + r - from] = precision.round(loss);
        }
    }

    @Override
    public void categorical(NdArray pred, NdArray target, RowLayout layout, double keep, double add,
                            ProbabilityMode mode, Precision precision, double[] out, int outOffset, int from,
                            int to) {
        int classes = layout.classes;
        int stride = layout.classStride();
        boolean smooth = keep != 1.0 || add != 0.0;
        for (int r = from; r < to; r++) {
            int base = layout.base(r);
            double loss = 0;
            if (mode == ProbabilityMode.LOGITS) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    max = Math.max(max, read(pred, base + c * stride, precision));
                }
                double sumExp = 0;
                for (int c = 0; c < classes; c++) {
                    sumExp += Math.exp(read(pred, base + c * stride, precision) - max);
                }
                double logSumExp = Math.log(sumExp);
                for (int c = 0; c < classes; c++) {
                    int i = base + c * stride;
                    double t = read(target, i, precision);
                    if (smooth) {
                        t = precision.round(precision.round(t * keep) + add);
                    }
                    loss += t * (logSumExp - (read(pred, i, precision) - max));
                }
            } else {
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    sum += read(pred, base + c * stride, precision);
                }
                double roundedSum = precision.round(sum);
                for (int c = 0; c < classes; c++) {
                    int i = base + c * stride;
                    double t = read(target, i, precision);
                    if (smooth) {
                        t = precision.round(precision.round(t * keep) + add);
                    }
                    double p = clip(precision.round(read(pred, i, precision) / roundedSum), precision);
                    loss -= t * Math.log(p);
                }
            }
            out[outOffset + r - from] = precision.round(loss);
        }
    }
}
