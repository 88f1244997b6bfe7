package dev.xent.internal.kernel;

import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.nio.DoubleBuffer;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD sparse cross-entropy for float64 predictions: {@code double[]} predictions (or a {@link DoubleBuffer}, copied
 * through a small block) with the class axis last, computed in float64. {@link VectorKernel#sparse} sends such calls
 * here and everything else (channels first, other dtypes) to the kernels it already used; this is what Spark's ML
 * vectors and float64 {@code .npy} files run.
 *
 * <p>Semantics are {@link ScalarKernel}'s FLOAT64 path, Keras's order for each mode:
 * <ul>
 *   <li>{@link ProbabilityMode#CLIP_THEN_NORMALIZE} (TF): clip each entry to {@code [1e-7, 1 - 1e-7]}, sum the
 *       clipped row, {@code log(sum / clip(p[y]))};
 *   <li>{@link ProbabilityMode#NORMALIZE_THEN_CLIP}: the raw row sum, then {@code -log(clip(p[y] / sum))};
 *   <li>{@link ProbabilityMode#LOGITS}: the row max, then {@code log(sum exp(x - max)) - (x[y] - max)}, with a
 *       vector {@code exp} ({@link #exp}) and {@code Math.exp} in the scalar tail.
 * </ul>
 * The clip is a compare and blend, so NaN passes through it (as {@code tf.clip_by_value} and the reference let it)
 * and makes the row NaN; infinities are clipped to the bounds (TF order) or reach the raw sum (normalise first).
 *
 * <p>Numerics: the row sum runs in double over {@code 2 * LANES} lanes, combined in a fixed order, then a scalar tail;
 * the reference sums left to right. So a value differs from the reference by the rounding of a reordered sum of
 * {@code classes} doubles (about {@code classes * 2^-53} relative of the sum; for logits, of terms each within 2 ulp
 * of the reference's {@code Math.exp}; the test allows {@code (classes + 8) * 2^-52} of {@code max(16, |value|)}),
 * and a row's value depends only on its data: rows with
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

    private static final double LOG2E = 1.4426950408889634;
    /** {@code 1.5 * 2^52}: adding it rounds a double of magnitude below {@code 2^51} to an integer. */
    private static final double MAGIC = 6755399441055744.0;
    /** Bits of {@code MAGIC + n} minus this, shifted left by 52, are the bits of {@code 2^n}. */
    private static final long MAGIC_BITS_MINUS_BIAS = Double.doubleToRawLongBits(MAGIC) - 1023;
    /** ln 2 in two parts (Cephes): {@code n * C1} is exact for the exponents here. */
    private static final double C1 = 6.93145751953125E-1;
    private static final double C2 = 1.42860682030941723212E-6;
    private static final double P0 = 1.26177193074810590878E-4;
    private static final double P1 = 3.02994407707441961300E-2;
    private static final double P2 = 9.99999999999999999910E-1;
    private static final double Q0 = 3.00198505138664455042E-6;
    private static final double Q1 = 2.52448340349684104192E-3;
    private static final double Q2 = 2.27265548208155028766E-1;
    private static final double Q3 = 2.00000000000000000009E0;
    /** Below this, {@link #exp} gives 0 (its result would not be a normal double). */
    static final double EXP_UNDERFLOW = -708.0;

    /** Whether {@link #sparse} serves this call (float64 compute on float64 data, class axis last). */
    static boolean handles(NdArray pred, RowLayout layout, ProbabilityMode mode, Precision precision) {
        return precision == Precision.FLOAT64 && layout.inner == 1 && layout.classes > 0
                && pred.dtype() == DType.FLOAT64 && (pred.hasArray() || pred.buffer() instanceof DoubleBuffer);
    }

    /**
     * Lane-wise {@code e^x} for {@code x <= 0} (the kernel passes {@code x - max}): Cephes' double {@code exp}, a
     * rational approximation on {@code [-ln2 / 2, ln2 / 2]} scaled by {@code 2^n}, within 2 ulp of {@code Math.exp}
     * measured; 0 below {@link #EXP_UNDERFLOW} and for {@code -Infinity}, NaN for NaN.
     */
    static DoubleVector exp(DoubleVector x) {
        DoubleVector t = x.mul(LOG2E).add(MAGIC);
        DoubleVector n = t.sub(MAGIC);
        DoubleVector r = x.sub(n.mul(C1)).sub(n.mul(C2));
        DoubleVector rr = r.mul(r);
        DoubleVector px = r.mul(rr.mul(P0).add(P1).mul(rr).add(P2));
        DoubleVector q = rr.mul(Q0).add(Q1).mul(rr).add(Q2).mul(rr).add(Q3);
        DoubleVector e = px.div(q.sub(px)).mul(2.0).add(1.0);
        DoubleVector scale = ((LongVector) t.reinterpretAsLongs()).sub(MAGIC_BITS_MINUS_BIAS)
                .lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        return e.mul(scale).blend(0.0, x.compare(VectorOperators.LT, EXP_UNDERFLOW));
    }

    /** {@link CrossEntropyKernel#sparse} for a call that {@link #handles}. */
    static void sparse(NdArray pred, RowLayout layout, int[] labels, ProbabilityMode mode, double[] out,
                       int outOffset, int from, int to) {
        int classes = layout.classes;
        if (pred.hasArray()) {
            double[] a = (double[]) pred.array();
            rows(a, pred.arrayOffset() + from * classes, classes, to - from, labels, from, mode, out, outOffset);
            return;
        }
        DoubleBuffer buffer = (DoubleBuffer) pred.buffer();
        int k = Math.max(1, COPY_BLOCK / classes);
        double[] block = new double[Math.min(k, to - from) * classes];
        for (int r = from; r < to; r += k) {
            int m = Math.min(k, to - r);
            buffer.get(pred.arrayOffset() + r * classes, block, 0, m * classes);
            rows(block, 0, classes, m, labels, r, mode, out, outOffset + (r - from));
        }
    }

    /** {@code n} contiguous rows from {@code a[b]}; labels from {@code labels[lr]}, values to {@code out[op]}. */
    private static void rows(double[] a, int b, int classes, int n, int[] labels, int lr, ProbabilityMode mode,
                             double[] out, int op) {
        boolean vector = classes >= MIN_VECTOR;
        boolean clipFirst = mode == ProbabilityMode.CLIP_THEN_NORMALIZE;
        for (int j = 0; j < n; j++) {
            int label = labels[lr + j];
            if (label == CrossEntropyKernel.IGNORED) {
                out[op + j] = 0.0;
                continue;
            }
            int rb = b + j * classes;
            if (mode == ProbabilityMode.LOGITS) {
                // The reference's formula; an all -inf (or NaN) row is NaN through x - max in the sum.
                double max = vector ? vectorMax(a, rb, rb + classes) : scalarMax(a, rb, rb + classes);
                double sum = vector ? vectorSumExp(a, rb, rb + classes, max) : scalarSumExp(a, rb, rb + classes, max);
                out[op + j] = Math.log(sum) - (a[rb + label] - max);
                continue;
            }
            double sum = vector ? vectorSum(a, rb, rb + classes, clipFirst) : scalarSum(a, rb, rb + classes, clipFirst);
            out[op + j] = clipFirst ? Math.log(sum / clip(a[rb + label])) : -Math.log(clip(a[rb + label] / sum));
        }
    }

    private static double scalarMax(double[] a, int from, int to) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            m = Math.max(m, a[i]);
        }
        return m;
    }

    /** The row max, NaN ignored (a NaN still makes the row NaN, through the sum of exps). */
    private static double vectorMax(double[] a, int from, int to) {
        DoubleVector m = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        int i = from;
        for (; i + LANES <= to; i += LANES) {
            DoubleVector v = DoubleVector.fromArray(D, a, i);
            m = m.blend(v, v.compare(VectorOperators.GT, m));
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int l = 0; l < LANES; l++) {
            max = m.lane(l) > max ? m.lane(l) : max;
        }
        for (; i < to; i++) {
            max = a[i] > max ? a[i] : max;
        }
        return max;
    }

    private static double scalarSumExp(double[] a, int from, int to, double max) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += Math.exp(a[i] - max);
        }
        return s;
    }

    /** {@code sum exp(a[i] - max)} over {@code [from, to)}: lanes as in {@link #vectorSum}, then a scalar tail. */
    private static double vectorSumExp(double[] a, int from, int to, double max) {
        DoubleVector vmax = DoubleVector.broadcast(D, max);
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = s0;
        int i = from;
        for (; i + 2 * LANES <= to; i += 2 * LANES) {
            s0 = s0.add(exp(DoubleVector.fromArray(D, a, i).sub(vmax)));
            s1 = s1.add(exp(DoubleVector.fromArray(D, a, i + LANES).sub(vmax)));
        }
        if (i + LANES <= to) {
            s0 = s0.add(exp(DoubleVector.fromArray(D, a, i).sub(vmax)));
            i += LANES;
        }
        DoubleVector s = s0.add(s1);
        double sum = 0;
        for (int l = 0; l < LANES; l++) {
            sum += s.lane(l);
        }
        return sum + scalarSumExp(a, i, to, max);
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
