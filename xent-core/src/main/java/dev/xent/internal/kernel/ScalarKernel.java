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
        RowSums sums = mode == ProbabilityMode.LOGITS ? null : new RowSums(pred, classes);
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
                    double sum = sums.sum(pred, layout.base(r), stride, classes, precision, true);
                    loss = Math.log(sum) - Math.log(clip(x.get(label), precision));
                    break;
                }
                default: {
                    double sum = sums.sum(pred, layout.base(r), stride, classes, precision, false);
                    double p = precision.round(x.get(label) / sum);
                    loss = -Math.log(clip(p, precision));
                    break;
                }
            }
            out[outOffset + r - from] = precision.round(loss);
        }
    }

    /**
     * Row sums of probabilities (clipped first when {@code clip}), one call's worth: four partial sums in double,
     * over the classes {@code c} with {@code c % 4} equal, added as {@code (s0 + s1) + (s2 + s3)}, whatever the
     * storage. Contiguous float32 rows are summed from the {@code float[]}, or from pieces copied out of a
     * {@code FloatBuffer} (one bulk copy per piece: per-element {@code FloatBuffer.get} on a mapped file compiled to a
     * call per element whenever C2 compiled the loop before the JDK had loaded the buffer's memory-session classes,
     * 2.5 times slower in two runs of three), and clipped without branches ({@link FloatMath#clip}). Through
     * {@link NdArray#getFloat} with one chain of additions, raw sums of a mapped file took 1.8 times as long, and rows
     * of a confident model (about half their entries below the clip bound, at random) 2.2-4.5 times as long with the
     * branches of a comparison (docs/benchmarks.md).
     */
    static final class RowSums {
        /** Floats copied from a buffer at a time: a multiple of 4, so that only a row's last piece has a tail. */
        static final int PIECE = 1024;

        private final float[] piece;
        private final double[] sums = new double[4];

        RowSums(NdArray a, int classes) {
            piece = a.hasArray() ? null : new float[Math.min(PIECE, (classes + 3) & ~3)];
        }

        double sum(NdArray a, int base, int stride, int classes, Precision precision, boolean clip) {
            java.util.Arrays.fill(sums, 0.0);
            if (stride == 1 && precision == Precision.FLOAT32 && a.dtype() == DType.FLOAT32) {
                int i = a.arrayOffset() + base;
                if (a.hasArray()) {
                    add(sums, (float[]) a.array(), i, classes, clip);
                } else {
                    FloatBuffer buffer = (FloatBuffer) a.buffer();
                    for (int c = 0; c < classes; c += piece.length) {
                        int n = Math.min(piece.length, classes - c);
                        buffer.get(i + c, piece, 0, n);
                        add(sums, piece, 0, n, clip);
                    }
                }
            } else {
                int c = 0;
                for (int i = base; c + 4 <= classes; c += 4, i += 4 * stride) {
                    sums[0] += term(a, i, precision, clip);
                    sums[1] += term(a, i + stride, precision, clip);
                    sums[2] += term(a, i + 2 * stride, precision, clip);
                    sums[3] += term(a, i + 3 * stride, precision, clip);
                }
                for (; c < classes; c++) {
                    sums[0] += term(a, base + c * stride, precision, clip);
                }
            }
            return (sums[0] + sums[1]) + (sums[2] + sums[3]);
        }

        /** {@code n} floats from {@code f[i]} into the four sums; a tail ({@code n % 4}) goes to the first. */
        private static void add(double[] sums, float[] f, int i, int n, boolean clip) {
            double s0 = sums[0];
            double s1 = sums[1];
            double s2 = sums[2];
            double s3 = sums[3];
            int end = i + n;
            for (; i + 4 <= end; i += 4) {
                s0 += term(f[i], clip);
                s1 += term(f[i + 1], clip);
                s2 += term(f[i + 2], clip);
                s3 += term(f[i + 3], clip);
            }
            for (; i < end; i++) {
                s0 += term(f[i], clip);
            }
            sums[0] = s0;
            sums[1] = s1;
            sums[2] = s2;
            sums[3] = s3;
        }
    }

    /** One row's sum as {@link RowSums} takes it (tests). */
    static double rowSum(NdArray a, int base, int stride, int classes, Precision precision, boolean clip) {
        return new RowSums(a, classes).sum(a, base, stride, classes, precision, clip);
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
                    double q = precision.round(x.get(c) / roundedSum);
                    if (t == 0 && q == q) {
                        // 0 * log(clip(q)) is a zero (the clip makes the log finite), which leaves loss as it is
                        // (loss is never -0.0): one clip and one log per non-zero target instead of one per class.
                        continue;
                    }
                    loss -= t * Math.log(clip(q, precision));
                }
            }
            out[outOffset + r - from] = precision.round(loss);
        }
    }
}
