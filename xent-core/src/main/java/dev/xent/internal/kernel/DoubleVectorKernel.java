package dev.xent.internal.kernel;

import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.nio.DoubleBuffer;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD sparse cross-entropy for float64 probabilities: {@code double[]} predictions (or a {@link DoubleBuffer}, copied
 * through a small block) with the class axis last, computed in float64. {@link VectorKernel#sparse} sends such calls
 * here and everything else (logits, channels first, other dtypes) to the kernels it already used; this is what Spark's
 * ML vectors and float64 {@code .npy} files run.
 *
 * <p>Semantics are {@link ScalarKernel}'s FLOAT64 path, Keras's order for each mode:
 * <ul>
 *   <li>{@link ProbabilityMode#CLIP_THEN_NORMALIZE} (TF): clip each entry to {@code [1e-7, 1 - 1e-7]}, sum the
 *       clipped row, {@code log(sum / clip(p[y]))};
 *   <li>{@link ProbabilityMode#NORMALIZE_THEN_CLIP}: the raw row sum, then {@code -log(clip(p[y] / sum))}.
 * </ul>
 * The clip is a compare and blend, so NaN passes through it (as {@code tf.clip_by_value} and the reference let it)
 * and makes the row NaN; infinities are clipped to the bounds (TF order) or reach the raw sum (normalise first).
 *
 * <p>Numerics: the row sum runs in double over {@code 2 * LANES} lanes, combined in a fixed order, then a scalar tail;
 * the reference sums left to right. So a value differs from the reference by the rounding of a reordered sum of
 * {@code classes} doubles (about {@code classes * 2^-53} relative of the sum; the test allows
 * {@code (classes + 8) * 2^-52} of {@code max(16, |value|)}), and a row's value depends only on its data: rows with
 * fewer than {@link #MIN_VECTOR} classes use a plain left-to-right loop. A finite row whose sum overflows in one
 * order may stay finite in the other (entries near 1e308; probabilities never are).
 *
 * <p>Stateless and thread-safe; arguments are checked by the caller.
 */
final class DoubleVectorKernel {

    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int LANES = D.length();
    /** Vectorise a row only from two vector widths on. */
    static final int MIN_VECTOR = 2 * LANES;
    /** Buffer-backed input is copied in blocks of about this many doubles. */
    private static final int COPY_BLOCK = 1 << 14;

    private static final double LO = Precision.FLOAT64.clipLow;
    private static final double HI = Precision.FLOAT64.clipHigh;

    private DoubleVectorKernel() {}

    /** Whether {@link #sparse} serves this call (float64 compute on float64 data, class axis last, probabilities). */
    static boolean handles(NdArray pred, RowLayout layout, ProbabilityMode mode, Precision precision) {
        return precision == Precision.FLOAT64 && mode != ProbabilityMode.LOGITS && layout.inner == 1
                && layout.classes > 0 && pred.dtype() == DType.FLOAT64
                && (pred.hasArray() || pred.buffer() instanceof DoubleBuffer);
    }

    /** {@link CrossEntropyKernel#sparse} for a call that {@link #handles}. */
    static void sparse(NdArray pred, RowLayout layout, int[] labels, ProbabilityMode mode, double[] out,
                       int outOffset, int from, int to) {
        int classes = layout.classes;
        boolean clipFirst = mode == ProbabilityMode.CLIP_THEN_NORMALIZE;
        if (pred.hasArray()) {
            double[] a = (double[]) pred.array();
            rows(a, pred.arrayOffset() + from * classes, classes, to - from, labels, from, clipFirst, out,
                    outOffset);
            return;
        }
        DoubleBuffer buffer = (DoubleBuffer) pred.buffer();
        int k = Math.max(1, COPY_BLOCK / classes);
        double[] block = new double[Math.min(k, to - from) * classes];
        for (int r = from; r < to; r += k) {
            int m = Math.min(k, to - r);
            buffer.get(pred.arrayOffset() + r * classes, block, 0, m * classes);
            rows(block, 0, classes, m, labels, r, clipFirst, out, outOffset + (r - from));
        }
    }

    /** {@code n} contiguous rows from {@code a[b]}; labels from {@code labels[lr]}, values to {@code out[op]}. */
    private static void rows(double[] a, int b, int classes, int n, int[] labels, int lr, boolean clipFirst,
                             double[] out, int op) {
        boolean vector = classes >= MIN_VECTOR;
        for (int j = 0; j < n; j++) {
            int label = labels[lr + j];
            if (label == CrossEntropyKernel.IGNORED) {
                out[op + j] = 0.0;
                continue;
            }
            int rb = b + j * classes;
            double sum = vector ? vectorSum(a, rb, rb + classes, clipFirst) : scalarSum(a, rb, rb + classes, clipFirst);
            out[op + j] = clipFirst ? Math.log(sum / clip(a[rb + label])) : -Math.log(clip(a[rb + label] / sum));
        }
    }

    private static double clip(double x) {
        return x < LO ? LO : (x > HI ? HI : x);
    }

    private static double scalarSum(double[] a, int from, int to, boolean clip) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += clip ? clip(a[i]) : a[i];
        }
        return s;
    }

    /** {@code sum clip(a[i])} (or the raw sum) over {@code [from, to)}, at least {@link #MIN_VECTOR} elements. */
    private static double vectorSum(double[] a, int from, int to, boolean clip) {
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = s0;
        int i = from;
        // Two independent accumulators hide the add latency.
        for (; i + 2 * LANES <= to; i += 2 * LANES) {
            DoubleVector v0 = DoubleVector.fromArray(D, a, i);
            DoubleVector v1 = DoubleVector.fromArray(D, a, i + LANES);
            if (clip) {
                v0 = v0.blend(LO, v0.compare(VectorOperators.LT, LO)).blend(HI, v0.compare(VectorOperators.GT, HI));
                v1 = v1.blend(LO, v1.compare(VectorOperators.LT, LO)).blend(HI, v1.compare(VectorOperators.GT, HI));
            }
            s0 = s0.add(v0);
            s1 = s1.add(v1);
        }
        if (i + LANES <= to) {
            DoubleVector v = DoubleVector.fromArray(D, a, i);
            if (clip) {
                v = v.blend(LO, v.compare(VectorOperators.LT, LO)).blend(HI, v.compare(VectorOperators.GT, HI));
            }
            s0 = s0.add(v);
            i += LANES;
        }
        // reduceLanes(ADD) has no specified order: lanes are added left to right instead.
        DoubleVector s = s0.add(s1);
        double sum = 0;
        for (int l = 0; l < LANES; l++) {
            sum += s.lane(l);
        }
        return sum + scalarSum(a, i, to, clip);
    }
}
