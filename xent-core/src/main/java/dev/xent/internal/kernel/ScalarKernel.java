package dev.xent.internal.kernel;

import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.nio.FloatBuffer;

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

    /** Rows up to this many classes may be read into a buffer; longer ones are read element by element (memory). */
    static final int ROW_LIMIT = 1 << 20;

    /**
     * One row of an input at a time, its classes as {@link #read} gives them. A row that the loops below read more
     * than once (logits, categorical predictions) is read once into a buffer if it has up to {@link #ROW_LIMIT}
     * classes (contiguous float32 and float64 arrays copied directly): sparse logits through {@code NdArray}, twice per
     * element, were 2.6 times slower. A row read once is read from the input at each access (buffering made sparse
     * probabilities 20 % slower).
     */
    private static final class Row {
        private final NdArray a;
        private final Precision precision;
        private final double[] values;
        private int base;
        private int stride;

        Row(NdArray a, int classes, Precision precision, boolean buffered) {
            this.a = a;
            this.precision = precision;
            this.values = buffered && classes <= ROW_LIMIT ? new double[classes] : null;
        }

        /** Moves to the row whose class {@code c} is element {@code base + c * stride}. */
        Row at(int base, int stride) {
            this.base = base;
            this.stride = stride;
            if (values == null) {
                return this;
            }
            int classes = values.length;
            if (a.hasArray() && stride == 1 && (a.array() instanceof float[] || a.array() instanceof double[])) {
                int off = a.arrayOffset() + base;
                if (a.array() instanceof float[]) {
                    float[] f = (float[]) a.array();
                    for (int c = 0; c < classes; c++) {
                        values[c] = f[off + c];
                    }
                } else if (precision == Precision.FLOAT32) {
                    double[] d = (double[]) a.array();
                    for (int c = 0; c < classes; c++) {
                        values[c] = (float) d[off + c];
                    }
                } else {
                    System.arraycopy((double[]) a.array(), off, values, 0, classes);
                }
                return this;
            }
            for (int c = 0, i = base; c < classes; c++, i += stride) {
                values[c] = read(a, i, precision);
            }
            return this;
        }

        double get(int c) {
            return values != null ? values[c] : read(a, base + c * stride, precision);
        }
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
        Row row = new Row(pred, classes, precision, mode == ProbabilityMode.LOGITS);
        for (int r = from; r < to; r++) {
            int label = labels[r];
            if (label == IGNORED) {
                out[outOffset + r - from] = 0.0;
                continue;
            }
            Row x = row.at(layout.base(r), stride);
            double loss;
            switch (mode) {
                case LOGITS: {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < classes; c++) {
                        max = Math.max(max, x.get(c));
                    }
                    double sumExp = 0;
                    for (int c = 0; c < classes; c++) {
                        sumExp += Math.exp(x.get(c) - max);
                    }
                    loss = Math.log(sumExp) - (x.get(label) - max);
                    break;
                }
                case CLIP_THEN_NORMALIZE: {
                    // TF: logits = log(clip(p)); fused softmax-xent = log(sum exp(logits)) - logits[y].
                    double sum = rowSum(pred, layout.base(r), stride, classes, precision, true);
                    loss = Math.log(sum) - Math.log(clip(x.get(label), precision));
                    break;
                }
                default: {
                    double sum = rowSum(pred, layout.base(r), stride, classes, precision, false);
                    double p = precision.round(x.get(label) / sum);
                    loss = -Math.log(clip(p, precision));
                    break;
                }
            }
            out[outOffset + r - from] = precision.round(loss);
        }
    }

    /**
     * The sum of a row of probabilities (clipped first when {@code clip}): four partial sums in double, over the
     * classes {@code c} with {@code c % 4} equal, added as {@code (s0 + s1) + (s2 + s3)}, whatever the storage.
     * Contiguous float32 rows of a {@code float[]} or {@code FloatBuffer} are read directly and clipped without
     * branches ({@link FloatMath#clip}): through {@link NdArray#getFloat} with one chain of additions, a mapped file
     * of raw sums took 1.8 times as long, and rows of a confident model (about half their entries below the clip
     * bound, at random) 5.6 times as long with the branches of a comparison (docs/benchmarks.md).
     */
    static double rowSum(NdArray a, int base, int stride, int classes, Precision precision, boolean clip) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int c = 0;
        if (stride == 1 && precision == Precision.FLOAT32 && a.dtype() == DType.FLOAT32) {
            int i = a.arrayOffset() + base;
            if (a.hasArray()) {
                float[] f = (float[]) a.array();
                for (; c + 4 <= classes; c += 4, i += 4) {
                    s0 += term(f[i], clip);
                    s1 += term(f[i + 1], clip);
                    s2 += term(f[i + 2], clip);
                    s3 += term(f[i + 3], clip);
                }
                for (; c < classes; c++, i++) {
                    s0 += term(f[i], clip);
                }
            } else {
                FloatBuffer f = (FloatBuffer) a.buffer();
                for (; c + 4 <= classes; c += 4, i += 4) {
                    s0 += term(f.get(i), clip);
                    s1 += term(f.get(i + 1), clip);
                    s2 += term(f.get(i + 2), clip);
                    s3 += term(f.get(i + 3), clip);
                }
                for (; c < classes; c++, i++) {
                    s0 += term(f.get(i), clip);
                }
            }
            return (s0 + s1) + (s2 + s3);
        }
        for (int i = base; c + 4 <= classes; c += 4, i += 4 * stride) {
            s0 += term(a, i, precision, clip);
            s1 += term(a, i + stride, precision, clip);
            s2 += term(a, i + 2 * stride, precision, clip);
            s3 += term(a, i + 3 * stride, precision, clip);
        }
        for (; c < classes; c++) {
            s0 += term(a, base + c * stride, precision, clip);
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static double term(NdArray a, int i, Precision precision, boolean clip) {
        return term(read(a, i, precision), precision, clip);
    }

    private static double term(double x, Precision precision, boolean clip) {
        return clip ? clip(x, precision) : x;
    }

    /** A float32 probability as a float32 row sum takes it: {@link FloatMath#clip} (branch-free) or as it is. */
    private static float term(float x, boolean clip) {
        return clip ? FloatMath.clip(x) : x;
    }

    @Override
    public void categorical(NdArray pred, NdArray target, RowLayout layout, double keep, double add,
                            ProbabilityMode mode, Precision precision, double[] out, int outOffset, int from,
                            int to) {
        int classes = layout.classes;
        int stride = layout.classStride();
        boolean smooth = keep != 1.0 || add != 0.0;
        Row predRow = new Row(pred, classes, precision, true);
        Row targetRow = new Row(target, classes, precision, false);
        for (int r = from; r < to; r++) {
            int base = layout.base(r);
            Row x = predRow.at(base, stride);
            Row y = targetRow.at(base, stride);
            double loss = 0;
            if (mode == ProbabilityMode.LOGITS) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    max = Math.max(max, x.get(c));
                }
                double sumExp = 0;
                for (int c = 0; c < classes; c++) {
                    sumExp += Math.exp(x.get(c) - max);
                }
                double logSumExp = Math.log(sumExp);
                for (int c = 0; c < classes; c++) {
                    double t = y.get(c);
                    if (smooth) {
                        t = precision.round(precision.round(t * keep) + add);
                    }
                    loss += t * (logSumExp - (x.get(c) - max));
                }
            } else {
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    sum += x.get(c);
                }
                double roundedSum = precision.round(sum);
                for (int c = 0; c < classes; c++) {
                    double t = y.get(c);
                    if (smooth) {
                        t = precision.round(precision.round(t * keep) + add);
                    }
                    double p = clip(precision.round(x.get(c) / roundedSum), precision);
                    if (t == 0 && p == p) {
                        // 0 * log(p) is a zero (p is clipped, so log(p) is finite), which leaves loss as it is (loss
                        // is never -0.0): one log per non-zero target instead of one per class.
                        continue;
                    }
                    loss -= t * Math.log(p);
                }
            }
            out[outOffset + r - from] = precision.round(loss);
        }
    }
}
