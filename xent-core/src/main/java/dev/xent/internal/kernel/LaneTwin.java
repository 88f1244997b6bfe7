package dev.xent.internal.kernel;

import static dev.xent.internal.kernel.VectorKernel.BLOCK;
import static dev.xent.internal.kernel.VectorKernel.MIN_VECTOR;

import dev.xent.ndarray.NdArray;
import java.nio.FloatBuffer;

/**
 * {@link VectorKernel}'s kernels without the Vector API: each lane of each vector is a scalar, and every
 * operation happens in the same order on the same values, so every row's result is bit-identical to the vector
 * kernel's. It runs while the vector code is still cold: until C2 compiles it, Vector API code runs boxed, tens of
 * times slower than this plain loop, which the JIT compiles within milliseconds. Because the two agree bit for bit,
 * which of them computed a row (decided by timing, see {@link WarmingKernel}) never shows in a result.
 *
 * <p>Serves float32 predictions from a {@code float[]} or a {@link FloatBuffer}, for any class axis; everything else
 * goes to the vector kernel. Stateless and thread-safe; loaded only when the Vector API is present (it takes the lane
 * count from {@link VectorMath}).
 */
final class LaneTwin implements CrossEntropyKernel {

    static final LaneTwin INSTANCE = new LaneTwin();

    /** A multiple of 4 (vectors of 128, 256 or 512 bits). */
    private static final int LANES = VectorMath.LANES;

    private LaneTwin() {}

    @Override
    public String name() {
        return "vector (scalar twin)";
    }

    @Override
    public boolean vectorized() {
        return true;
    }

    /**
     * Rows from a buffer too long for the vector kernel's copy blocks: it hands those calls to the scalar reference,
     * so the twin must too (its value would differ in the last bits).
     */
    private static boolean tooLongToCopy(NdArray pred, NdArray target, RowLayout layout) {
        return (!pred.hasArray() || (target != null && !target.hasArray()))
                && (long) layout.classes * Math.min(layout.inner, 2) > VectorKernel.MAX_COPY;
    }

    /** Whether this kernel computes {@code pred} itself (else it hands the call to the vector kernel). */
    static boolean serves(NdArray pred, Precision precision) {
        return precision == Precision.FLOAT32 && pred.dtype() == dev.xent.ndarray.DType.FLOAT32
                && (pred.hasArray() || pred.buffer() instanceof FloatBuffer);
    }

    /** Lane accumulators: three sums and their summed rounding errors, plus the per-lane pairs. */
    private static final class Lanes {
        final float[] s0 = new float[LANES];
        final float[] k0 = new float[LANES];
        final float[] s1 = new float[LANES];
        final float[] k1 = new float[LANES];
        final float[] s2 = new float[LANES];
        final float[] k2 = new float[LANES];
        final float[] hi = new float[LANES];
        final float[] lo = new float[LANES];
        /** Probability sums: the double accumulators and the lane tree's scratch. */
        final double[] virtual = new double[2 * LANES];
        final double[] dlanes = new double[LANES / 2];
        float[] row = new float[0];

        /** Clears the third accumulator (the main loop writes the others whole). */
        void resetTail(float bias) {
            java.util.Arrays.fill(s2, bias);
            java.util.Arrays.fill(k2, 0f);
        }

        float[] row(int classes) {
            if (row.length < classes) {
                row = new float[classes];
            }
            return row;
        }
    }

    @Override
    public void sparse(NdArray pred, RowLayout layout, int[] labels, ProbabilityMode mode, Precision precision,
                       double[] out, int outOffset, int from, int to) {
        if (!serves(pred, precision) || layout.classes == 0 || tooLongToCopy(pred, null, layout)) {
            VectorKernel.INSTANCE.sparse(pred, layout, labels, mode, precision, out, outOffset, from, to);
            return;
        }
        int classes = layout.classes;
        int stride = layout.classStride();
        Lanes ln = new Lanes();
        float[] array = pred.hasArray() ? (float[]) pred.array() : null;
        FloatBuffer buffer = array == null ? (FloatBuffer) pred.buffer() : null;
        int off = pred.arrayOffset();
        if (classes < MIN_VECTOR && stride == 1) {
            fewClasses(array, buffer, off + layout.base(from), classes, labels, from, to, mode, out, outOffset);
            return;
        }
        for (int r = from; r < to; r++) {
            int label = labels[r];
            int o = outOffset + (r - from);
            if (label == IGNORED) {
                out[o] = 0.0;
                continue;
            }
            int base = off + layout.base(r);
            float[] a;
            int rb;
            if (array != null && stride == 1) {
                a = array;
                rb = base;
            } else {
                // The vector kernel reads left-over strided rows, and buffers, from a contiguous copy too.
                a = ln.row(classes);
                rb = 0;
                if (array != null) {
                    for (int c = 0, i = base; c < classes; c++, i += stride) {
                        a[c] = array[i];
                    }
                } else if (stride == 1) {
                    buffer.get(base, a, 0, classes);
                } else {
                    for (int c = 0, i = base; c < classes; c++, i += stride) {
                        a[c] = buffer.get(i);
                    }
                }
            }
            double loss = classes >= MIN_VECTOR ? row(a, rb, classes, label, mode, ln)
                    : VectorKernel.sparseTwin(a, rb, 1, classes, label, mode);
            out[o] = (float) loss;
        }
    }

    /** Rows of the few-class path computed together (see {@link #fewRows}). */
    private static final int GROUP = 4;

    /**
     * Contiguous rows of fewer than {@code MIN_VECTOR} classes from {@code array} or {@code buffer} at {@code base}:
     * {@link #fewRows}, over the array itself or over blocks copied from the buffer.
     */
    private static void fewClasses(float[] array, FloatBuffer buffer, int base, int classes, int[] labels, int from,
                                   int to, ProbabilityMode mode, double[] out, int op) {
        if (array != null) {
            fewRows(array, base, classes, to - from, labels, from, mode, out, op);
            return;
        }
        int rowsPerBlock = Math.max(GROUP, VectorKernel.COPY_BLOCK / classes);
        float[] block = new float[Math.min(rowsPerBlock, to - from) * classes];
        for (int r = from; r < to; r += rowsPerBlock) {
            int n = Math.min(rowsPerBlock, to - r);
            buffer.get(base + (r - from) * classes, block, 0, n * classes);
            fewRows(block, 0, classes, n, labels, r, mode, out, op + (r - from));
        }
    }

    /**
     * {@code n} contiguous rows from {@code a[b]}, labels from {@code labels[lr]}: {@code VectorKernel.sparseTwin}'s
     * operations for each row, {@code GROUP} rows at a time. Each row keeps its own chain of dependent double
     * additions, so its value is {@code sparseTwin}'s bit for bit; computed one row after the other, those chains
     * left the core waiting on each addition's latency.
     */
    private static void fewRows(float[] a, int b, int classes, int n, int[] labels, int lr, ProbabilityMode mode,
                                double[] out, int op) {
        int j = 0;
        for (; j + GROUP <= n; j += GROUP) {
            int r0 = b + j * classes;
            int r1 = r0 + classes;
            int r2 = r1 + classes;
            int r3 = r2 + classes;
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            float m0 = Float.NEGATIVE_INFINITY;
            float m1 = m0;
            float m2 = m0;
            float m3 = m0;
            if (mode == ProbabilityMode.LOGITS) {
                for (int c = 0; c < classes; c++) {
                    float x0 = a[r0 + c];
                    float x1 = a[r1 + c];
                    float x2 = a[r2 + c];
                    float x3 = a[r3 + c];
                    // Math.max, unlike sparseTwin's comparison, is branch-free (a new maximum is a coin toss on
                    // random logits) and lets NaN through: the row's sum of exps is NaN then either way, so its
                    // loss too; -0 against 0 changes no exp and no x - max.
                    m0 = Math.max(m0, x0);
                    m1 = Math.max(m1, x1);
                    m2 = Math.max(m2, x2);
                    m3 = Math.max(m3, x3);
                }
                for (int c = 0; c < classes; c++) {
                    s0 += FloatMath.exp(a[r0 + c] - m0);
                    s1 += FloatMath.exp(a[r1 + c] - m1);
                    s2 += FloatMath.exp(a[r2 + c] - m2);
                    s3 += FloatMath.exp(a[r3 + c] - m3);
                }
            } else {
                boolean clip = mode == ProbabilityMode.CLIP_THEN_NORMALIZE;
                for (int c = 0; c < classes; c++) {
                    s0 += clip ? FloatMath.clip(a[r0 + c]) : a[r0 + c];
                    s1 += clip ? FloatMath.clip(a[r1 + c]) : a[r1 + c];
                    s2 += clip ? FloatMath.clip(a[r2 + c]) : a[r2 + c];
                    s3 += clip ? FloatMath.clip(a[r3 + c]) : a[r3 + c];
                }
            }
            out[op + j] = finishFew(a, r0, labels[lr + j], mode, s0, m0);
            out[op + j + 1] = finishFew(a, r1, labels[lr + j + 1], mode, s1, m1);
            out[op + j + 2] = finishFew(a, r2, labels[lr + j + 2], mode, s2, m2);
            out[op + j + 3] = finishFew(a, r3, labels[lr + j + 3], mode, s3, m3);
        }
        for (; j < n; j++) {
            int label = labels[lr + j];
            out[op + j] = label == IGNORED ? 0.0
                    : (float) VectorKernel.sparseTwin(a, b + j * classes, 1, classes, label, mode);
        }
    }

    /** The end of {@code VectorKernel.sparseTwin} for a row at {@code a[rb]}, as stored: 0 if ignored. */
    private static double finishFew(float[] a, int rb, int label, ProbabilityMode mode, double s, float m) {
        return label == IGNORED ? 0.0 : (float) VectorKernel.finishSparse(mode, s, m, a[rb + label]);
    }

    /**
     * {@code VectorCategorical.categorical}, row by row: rows of fewer than {@code MIN_VECTOR} classes through
     * {@code VectorCategorical.catTwin} (which the vector kernel's lanes replay), longer rows through {@link #catRow}.
     * Strided rows and buffers are read from a contiguous copy, as the vector kernel's lanes replay the contiguous
     * order. Calls the vector kernel hands to the scalar reference go to the vector kernel.
     */
    @Override
    public void categorical(NdArray pred, NdArray target, RowLayout layout, double keep, double add,
                            ProbabilityMode mode, Precision precision, double[] out, int outOffset, int from,
                            int to) {
        int classes = layout.classes;
        if (!serves(pred, precision) || !serves(target, precision) || classes == 0
                || tooLongToCopy(pred, target, layout)) {
            VectorKernel.INSTANCE.categorical(pred, target, layout, keep, add, mode, precision, out, outOffset, from,
                    to);
            return;
        }
        int stride = layout.classStride();
        VectorCategorical.Smoothing sm = new VectorCategorical.Smoothing((float) keep, (float) add);
        Lanes ln = new Lanes();
        float[] p = new float[classes];
        float[] t = new float[classes];
        for (int r = from; r < to; r++) {
            gather(pred, pred.arrayOffset() + layout.base(r), stride, classes, p);
            gather(target, target.arrayOffset() + layout.base(r), stride, classes, t);
            double loss = classes >= MIN_VECTOR ? catRow(p, t, classes, sm, mode, ln)
                    : VectorCategorical.catTwin(p, 0, t, 0, 1, classes, sm, mode);
            out[outOffset + (r - from)] = (float) loss;
        }
    }

    private static void gather(NdArray x, int base, int stride, int classes, float[] dst) {
        if (x.hasArray()) {
            float[] a = (float[]) x.array();
            if (stride == 1) {
                System.arraycopy(a, base, dst, 0, classes);
            } else {
                for (int c = 0, i = base; c < classes; c++, i += stride) {
                    dst[c] = a[i];
                }
            }
        } else {
            FloatBuffer b = (FloatBuffer) x.buffer();
            if (stride == 1) {
                b.get(base, dst, 0, classes);
            } else {
                for (int c = 0, i = base; c < classes; c++, i += stride) {
                    dst[c] = b.get(i);
                }
            }
        }
    }

    /** {@code VectorCategorical.catRow}: one contiguous row of at least {@code MIN_VECTOR} classes. */
    private static double catRow(float[] p, float[] t, int classes, VectorCategorical.Smoothing sm,
                                 ProbabilityMode mode, Lanes ln) {
        if (mode == ProbabilityMode.LOGITS) {
            float max = Float.NEGATIVE_INFINITY;
            double sum = 0;
            double tsum = 0;
            double wsum = 0;
            double[] block = new double[3];
            for (int blk = 0; blk < classes; blk += BLOCK) {
                int end = Math.min(classes, blk + BLOCK);
                float blockMax = max(p, blk, end);
                float newMax = blockMax > max ? blockMax : max;
                if (newMax == Float.NEGATIVE_INFINITY) {
                    return VectorCategorical.catTwin(p, 0, t, 0, 1, classes, sm, mode);
                }
                catLogitsBlock(p, t, blk, end, newMax, sm, block);
                if (blk == 0) {
                    sum = block[0];
                    tsum = block[1];
                    wsum = block[2];
                } else {
                    double d = (double) newMax - max;
                    sum = sum * Math.exp(-d) + block[0];
                    wsum = wsum + tsum * d + block[2];
                    tsum += block[1];
                }
                max = newMax;
            }
            return tsum * Math.log(sum) + wsum;
        }
        float rowSum = (float) exactSum(p, classes, ln);
        return -catLogTerms(p, t, classes, rowSum, sm, ln);
    }

    /** {@code VectorKernel.exactSum} over a whole row: a TwoSum accumulator per lane, then the tail in double. */
    private static double exactSum(float[] a, int classes, Lanes ln) {
        float[] s = ln.s0;
        float[] c = ln.k0;
        java.util.Arrays.fill(s, 0f);
        java.util.Arrays.fill(c, 0f);
        int i = 0;
        for (; i + LANES <= classes; i += LANES) {
            for (int l = 0; l < LANES; l++) {
                float x = a[i + l];
                float u = s[l] + x;
                float bp = u - s[l];
                c[l] = c[l] + VectorKernel.finite((s[l] - (u - bp)) + (x - bp));
                s[l] = u;
            }
        }
        double total = 0;
        for (int l = 0; l < LANES; l++) {
            total += (double) s[l] + c[l];
        }
        for (; i < classes; i++) {
            total += a[i];
        }
        return total;
    }

    /** {@code VectorCategorical.catLogTerms}: per lane, zero targets left out where their terms vanish. */
    private static double catLogTerms(float[] p, float[] t, int classes, float rowSum, VectorCategorical.Smoothing sm,
                                      Lanes ln) {
        boolean skipZeros = VectorCategorical.zeroTargetsVanish(rowSum, sm);
        float[] s = ln.s0;
        float[] k = ln.k0;
        java.util.Arrays.fill(s, 0f);
        java.util.Arrays.fill(k, 0f);
        int i = 0;
        for (; i + LANES <= classes; i += LANES) {
            for (int l = 0; l < LANES; l++) {
                float tv = t[i + l];
                if (skipZeros && tv == 0f) {
                    continue;
                }
                // clip gives the vector kernel's two blends (NaN passes through).
                float y = sm.apply(tv) * FloatMath.log(FloatMath.clip(p[i + l] / rowSum)) - k[l];
                float u = s[l] + y;
                k[l] = VectorKernel.finite((u - s[l]) - y);
                s[l] = u;
            }
        }
        float s1 = 0f;
        float k1 = 0f;
        for (; i < classes; i++) {
            float tv = t[i];
            if (skipZeros && tv == 0f) {
                continue;
            }
            float y = sm.apply(tv) * FloatMath.log(FloatMath.clip(p[i] / rowSum)) - k1;
            float u = s1 + y;
            k1 = VectorKernel.finite((u - s1) - y);
            s1 = u;
        }
        return VectorKernel.combine(s, k) + ((double) s1 - k1);
    }

    /**
     * {@code VectorCategorical.catLogitsBlock} over {@code [from, to)}: each lane's three Kahan sums
     * ({@code VectorCategorical.catLogitsKahan} over every {@code LANES}-th class), added in lane order as the vector
     * kernel's {@code combine} does, then the scalar tail; into {@code block[0..2]}.
     */
    private static void catLogitsBlock(float[] p, float[] t, int from, int to, float max,
                                       VectorCategorical.Smoothing sm, double[] block) {
        int mainEnd = (to - from) / LANES * LANES;
        double[] lane = new double[3];
        block[0] = 0;
        block[1] = 0;
        block[2] = 0;
        for (int l = 0; l < LANES; l++) {
            VectorCategorical.catLogitsKahan(p, from, t, from, l, mainEnd, LANES, max, sm, lane);
            block[0] += lane[0];
            block[1] += lane[1];
            block[2] += lane[2];
        }
        VectorCategorical.catLogitsKahan(p, from, t, from, mainEnd, to - from, 1, max, sm, lane);
        block[0] += lane[0];
        block[1] += lane[1];
        block[2] += lane[2];
    }

    /** {@code VectorKernel.sparseRow}: one contiguous row with its classes spread over the lanes. */
    private static double row(float[] a, int rb, int classes, int label, ProbabilityMode mode, Lanes ln) {
        switch (mode) {
            case LOGITS: {
                float max = Float.NEGATIVE_INFINITY;
                double sum = 0;
                for (int blk = 0; blk < classes; blk += BLOCK) {
                    int end = Math.min(classes, blk + BLOCK);
                    float blockMax = max(a, rb + blk, rb + end);
                    float newMax = blockMax > max ? blockMax : max;
                    if (newMax == Float.NEGATIVE_INFINITY) {
                        return VectorKernel.sparseTwin(a, rb, 1, classes, label, mode);
                    }
                    double blockSum = sum(a, rb + blk, rb + end, VectorKernel.EXP, newMax, ln);
                    sum = blk == 0 ? blockSum : sum * Math.exp((double) max - newMax) + blockSum;
                    max = newMax;
                }
                return VectorKernel.finishSparse(mode, sum, max, a[rb + label]);
            }
            default: {
                int kind = mode == ProbabilityMode.CLIP_THEN_NORMALIZE ? VectorKernel.CLIP : VectorKernel.RAW;
                return VectorKernel.finishSparse(mode, sum(a, rb, rb + classes, kind, 0f, ln), 0f, a[rb + label]);
            }
        }
    }

    /**
     * The vector max ignores NaN (blend on {@code >}) and reduces its lanes with {@code MAX}; the only difference a
     * sequential scan can make is the sign of a zero maximum, which no result depends on ({@code x - max} and
     * {@code exp(oldMax - newMax)} are the same for either zero).
     */
    private static float max(float[] a, int from, int to) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            if (a[i] > m) {
                m = a[i];
            }
        }
        return m;
    }

    /**
     * {@code VectorKernel.sumExp} (EXP), lane for lane: two accumulators (a sum from {@code EXP_BIAS} and its
     * Fast2Sum errors) over pairs of vectors, a third over the rest, the last vector re-read from {@code to - LANES}
     * with the lanes already counted left as they are, then {@code VectorKernel.reducePair} (the vector kernel's
     * float-pair lane reduction, in scalar code). Probabilities (CLIP, RAW) go to {@link #probabilitySum}.
     */
    private static double sum(float[] a, int from, int to, int kind, float max, Lanes ln) {
        if (to - from < LANES) {
            return VectorKernel.shortSum(a, from, to, kind, max);
        }
        if (kind != VectorKernel.EXP) {
            return probabilitySum(a, from, to, kind == VectorKernel.CLIP, ln);
        }
        float bias = VectorKernel.EXP_BIAS;
        ln.resetTail(bias);
        // The main loop's 2 * LANES lanes (accumulator 0's lanes, then accumulator 1's) are independent chains: run
        // them four at a time, each group in locals, so the JIT keeps them in registers.
        int mainEnd = from + (to - from) / (2 * LANES) * (2 * LANES);
        for (int g = 0; g < 2 * LANES; g += 4) {
            float s0 = bias;
            float k0 = 0f;
            float s1 = bias;
            float k1 = 0f;
            float s2 = bias;
            float k2 = 0f;
            float s3 = bias;
            float k3 = 0f;
            for (int i = from + g; i < mainEnd; i += 2 * LANES) {
                float y0 = FloatMath.exp(a[i] - max);
                float y1 = FloatMath.exp(a[i + 1] - max);
                float y2 = FloatMath.exp(a[i + 2] - max);
                float y3 = FloatMath.exp(a[i + 3] - max);
                float t0 = s0 + y0;
                float t1 = s1 + y1;
                float t2 = s2 + y2;
                float t3 = s3 + y3;
                k0 += VectorKernel.error(t0, s0, y0);
                k1 += VectorKernel.error(t1, s1, y1);
                k2 += VectorKernel.error(t2, s2, y2);
                k3 += VectorKernel.error(t3, s3, y3);
                s0 = t0;
                s1 = t1;
                s2 = t2;
                s3 = t3;
            }
            float[] s = g < LANES ? ln.s0 : ln.s1;
            float[] k = g < LANES ? ln.k0 : ln.k1;
            int l = g % LANES;
            s[l] = s0 - bias;
            k[l] = k0;
            s[l + 1] = s1 - bias;
            k[l + 1] = k1;
            s[l + 2] = s2 - bias;
            k[l + 2] = k2;
            s[l + 3] = s3 - bias;
            k[l + 3] = k3;
        }
        float[] s0 = ln.s0;
        float[] k0 = ln.k0;
        float[] s1 = ln.s1;
        float[] k1 = ln.k1;
        int i = mainEnd;
        float[] s2 = ln.s2;
        float[] k2 = ln.k2;
        for (; i < to; i += LANES) {
            int first = Math.max(0, i + LANES - to);
            int b = Math.min(i, to - LANES);
            for (int l = first; l < LANES; l++) {
                float y = FloatMath.exp(a[b + l] - max);
                float t = s2[l] + y;
                k2[l] += VectorKernel.error(t, s2[l], y);
                s2[l] = t;
            }
        }
        for (int l = 0; l < LANES; l++) {
            s2[l] -= bias;
        }
        return VectorKernel.reducePair(s0, k0, s1, k1, s2, k2, ln.hi, ln.lo);
    }

    /**
     * {@code VectorKernel.sum} of probabilities: its double accumulators as {@code 2 * LANES} scalars (element
     * {@code q} of each step of two vectors, then the rest's unmasked lane {@code q}), run four at a time in locals,
     * then {@code VectorKernel.foldVirtual}.
     */
    private static double probabilitySum(float[] a, int from, int to, boolean clip, Lanes ln) {
        double[] v = ln.virtual;
        int mainEnd = from + (to - from) / (2 * LANES) * (2 * LANES);
        for (int g = 0; g < 2 * LANES; g += 4) {
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            for (int i = from + g; i < mainEnd; i += 2 * LANES) {
                s0 += term(a[i], clip);
                s1 += term(a[i + 1], clip);
                s2 += term(a[i + 2], clip);
                s3 += term(a[i + 3], clip);
            }
            v[g] = s0;
            v[g + 1] = s1;
            v[g + 2] = s2;
            v[g + 3] = s3;
        }
        for (int i = mainEnd; i < to; i += LANES) {
            int b = Math.min(i, to - LANES);
            for (int l = Math.max(0, i + LANES - to); l < LANES; l++) {
                v[l] += term(a[b + l], clip);
            }
        }
        return VectorKernel.foldVirtual(v, ln.dlanes);
    }

    /** A probability as its sum takes it: clipped (TF order) or raw. */
    private static float term(float x, boolean clip) {
        return clip ? FloatMath.clip(x) : x;
    }

    /** {@link #sum} for tests (see {@code VectorKernel.rowSum}). */
    static double rowSum(float[] a, int from, int to, int kind, float max) {
        return sum(a, from, to, kind, max, new Lanes());
    }

}
