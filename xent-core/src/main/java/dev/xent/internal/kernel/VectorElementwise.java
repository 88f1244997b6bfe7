package dev.xent.internal.kernel;

import static dev.xent.internal.kernel.VectorMath.F;
import static dev.xent.internal.kernel.VectorMath.LANES;

import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.nio.FloatBuffer;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The SIMD {@link ElementwiseKernel} for float32: binary cross-entropy (probabilities and logits), KL divergence and
 * Poisson. Float64, the focal losses and anything it does not serve go to {@link ScalarElementwise}.
 *
 * <p>One pass, one loop skeleton ({@link #reduce}): the elements are computed in blocks of up to {@link #BLOCK}, a
 * vector at a time, into a small float block (L1-resident), which is then summed per output in double. With the
 * reduced axis last the block holds whole groups (or, for groups longer than a block, consecutive pieces of one
 * group, cut at the same offsets from the group's start whatever the call's range); with an axis before others, the
 * block is a run of neighbouring outputs for one position of the axis, added to their double sums in {@code out}.
 * Targets and predictions that are not {@code float[]} (other dtypes, buffers) are copied a block at a time into
 * reusable arrays; nothing of the input's size is allocated.
 *
 * <p>Each element is computed by the same lane operations wherever it sits (the last partial vector of a block is
 * recomputed overlapping the previous one, and a block shorter than a vector is padded), and each output's sum
 * depends only on its group, so results do not depend on how outputs are split between calls or threads.
 *
 * <p>Numerics: the float32 steps of TensorFlow's formulas, with {@link VectorMath}'s Cephes {@code log}/{@code exp}
 * (within about an ulp of {@code Math.log}/{@code exp}) and {@link VectorMath#log1pUnit} for {@code log1p}; the sums
 * in double. Each output is within a few float32 ulps of the reference (KernelAgreement tests).
 */
final class VectorElementwise implements ElementwiseKernel {

    static final VectorElementwise INSTANCE = new VectorElementwise();

    /** Elements computed per block: 8 KB of values, re-read from L1 by the sums. */
    static final int BLOCK = 2048;

    static final int BCE = 0;
    static final int BCE_LOGITS = 1;
    static final int KL = 2;
    static final int POISSON = 3;

    private static final float LO = (float) Precision.FLOAT32.clipLow;
    private static final float HI = (float) Precision.FLOAT32.clipHigh;

    private VectorElementwise() {}

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public void binaryCrossentropy(NdArray target, NdArray pred, RowLayout groups, double keep, double add,
                                   boolean fromLogits, Precision precision, double[] out, int outOffset, int from,
                                   int to) {
        if (precision != Precision.FLOAT32) {
            ScalarElementwise.INSTANCE.binaryCrossentropy(target, pred, groups, keep, add, fromLogits, precision, out,
                    outOffset, from, to);
            return;
        }
        reduce(fromLogits ? BCE_LOGITS : BCE, (float) keep, (float) add, true, target, pred, groups, out, outOffset,
                from, to);
    }

    @Override
    public void binaryFocalCrossentropy(NdArray target, NdArray pred, RowLayout groups, double keep, double add,
                                        boolean fromLogits, Focal focal, Precision precision, double[] out,
                                        int outOffset, int from, int to) {
        ScalarElementwise.INSTANCE.binaryFocalCrossentropy(target, pred, groups, keep, add, fromLogits, focal,
                precision, out, outOffset, from, to);
    }

    @Override
    public void categoricalFocalCrossentropy(NdArray target, NdArray pred, RowLayout rows, double keep, double add,
                                             boolean fromLogits, double gamma, double[] alpha, Precision precision,
                                             double[] out, int outOffset, int from, int to) {
        ScalarElementwise.INSTANCE.categoricalFocalCrossentropy(target, pred, rows, keep, add, fromLogits, gamma,
                alpha, precision, out, outOffset, from, to);
    }

    @Override
    public void klDivergence(NdArray target, NdArray pred, RowLayout groups, Precision precision, double[] out,
                             int outOffset, int from, int to) {
        if (precision != Precision.FLOAT32) {
            ScalarElementwise.INSTANCE.klDivergence(target, pred, groups, precision, out, outOffset, from, to);
            return;
        }
        reduce(KL, 1f, 0f, false, target, pred, groups, out, outOffset, from, to);
    }

    @Override
    public void poisson(NdArray target, NdArray pred, RowLayout groups, Precision precision, double[] out,
                        int outOffset, int from, int to) {
        if (precision != Precision.FLOAT32) {
            ScalarElementwise.INSTANCE.poisson(target, pred, groups, precision, out, outOffset, from, to);
            return;
        }
        reduce(POISSON, 1f, 0f, true, target, pred, groups, out, outOffset, from, to);
    }

    // ---- the element functions, lane-wise -------------------------------------------------------------------

    /** One vector of element values of {@code kind}, targets smoothed first (float32 steps, as TensorFlow). */
    static FloatVector element(int kind, boolean smooth, float keep, float add, FloatVector t, FloatVector p) {
        if (smooth) {
            t = t.mul(keep).add(add);
        }
        switch (kind) {
            case BCE:
                return bce(t, p);
            case BCE_LOGITS:
                return bceLogits(t, p);
            case KL:
                return kl(t, p);
            default:
                return poisson(t, p);
        }
    }

    /**
     * {@code -(t log o + (1 - t) log(1 - o))}, {@code o = clip(p)}. Where every target of the vector is 0 or 1 (hard
     * labels) this is {@code -log(t == 1 ? o : 1 - o)} bit for bit ({@code 1 * l + 0 * l'} adds a signed zero to a
     * finite negative log), so one log serves instead of two.
     */
    static FloatVector bce(FloatVector t, FloatVector p) {
        FloatVector o = p.max(LO).min(HI);
        FloatVector oneMinus = FloatVector.broadcast(F, 1f).sub(o);
        VectorMask<Float> one = t.compare(VectorOperators.EQ, 1f);
        if (one.or(t.compare(VectorOperators.EQ, 0f)).allTrue()) {
            return VectorMath.log(oneMinus.blend(o, one)).neg();
        }
        FloatVector a = t.mul(VectorMath.log(o));
        FloatVector b = FloatVector.broadcast(F, 1f).sub(t).mul(VectorMath.log(oneMinus));
        return a.add(b).neg();
    }

    /** {@code max(x, 0) - x t + log1p(exp(-|x|))}, with TensorFlow's {@code x >= 0} selects. */
    static FloatVector bceLogits(FloatVector t, FloatVector x) {
        VectorMask<Float> positive = x.compare(VectorOperators.GE, 0f);
        FloatVector relu = FloatVector.zero(F).blend(x, positive);
        FloatVector negAbs = x.blend(x.neg(), positive);
        FloatVector l = VectorMath.log1pUnit(VectorMath.exp(negAbs));
        return relu.sub(x.mul(t)).add(l);
    }

    /** {@code t log(t / p)}, both clipped to {@code [eps, 1]}: the log's argument is a positive normal float. */
    static FloatVector kl(FloatVector t, FloatVector p) {
        FloatVector tc = t.max(LO).min(1f);
        FloatVector pc = p.max(LO).min(1f);
        return tc.mul(VectorMath.log(tc.div(pc)));
    }

    /** {@code p - t log(p + eps)}; {@code p + eps} is not clipped, so the log takes any float. */
    static FloatVector poisson(FloatVector t, FloatVector p) {
        return p.sub(t.mul(VectorMath.logAny(p.add(LO))));
    }

    // ---- the loop skeleton ----------------------------------------------------------------------------------

    /** Per-call buffers: the block of element values and, for inputs that are not float arrays, their copies. */
    private static final class Block {
        final float[] values;
        final float[] padT = new float[LANES];
        final float[] padP = new float[LANES];
        final float[] padV = new float[LANES];
        final double[] lanes = new double[VectorMath.D.length()];
        float[] copyT;
        float[] copyP;
        /** The current run of targets and predictions: {@code t[ti + k]}, {@code p[pi + k]}. */
        float[] t;
        float[] p;
        int ti;
        int pi;

        Block(int size) {
            values = new float[size];
        }

        /** Points {@link #t} and {@link #p} at elements {@code [index, index + len)} (copied if need be). */
        void load(NdArray target, NdArray pred, int index, int len) {
            if (isFloatArray(target)) {
                t = (float[]) target.array();
                ti = target.arrayOffset() + index;
            } else {
                if (copyT == null) {
                    copyT = new float[values.length];
                }
                copy(target, index, len, copyT);
                t = copyT;
                ti = 0;
            }
            if (isFloatArray(pred)) {
                p = (float[]) pred.array();
                pi = pred.arrayOffset() + index;
            } else {
                if (copyP == null) {
                    copyP = new float[values.length];
                }
                copy(pred, index, len, copyP);
                p = copyP;
                pi = 0;
            }
        }
    }

    private static boolean isFloatArray(NdArray a) {
        return a.dtype() == DType.FLOAT32 && a.hasArray();
    }

    /** Elements {@code [index, index + len)} as float32 (Keras's cast), into {@code dst}. */
    private static void copy(NdArray a, int index, int len, float[] dst) {
        if (a.dtype() == DType.FLOAT32) {
            ((FloatBuffer) a.buffer()).get(a.arrayOffset() + index, dst, 0, len);
            return;
        }
        for (int k = 0; k < len; k++) {
            dst[k] = a.getFloat(index + k);
        }
    }

    /** The element values of the block's current run of {@code len} elements into {@code b.values[0, len)}. */
    private static void compute(int kind, boolean smooth, float keep, float add, Block b, int len) {
        float[] t = b.t;
        float[] p = b.p;
        float[] v = b.values;
        if (len < LANES) {
            // Padded to one vector, so these elements get the same lane operations as anywhere else.
            System.arraycopy(t, b.ti, b.padT, 0, len);
            System.arraycopy(p, b.pi, b.padP, 0, len);
            element(kind, smooth, keep, add, FloatVector.fromArray(F, b.padT, 0), FloatVector.fromArray(F, b.padP, 0))
                    .intoArray(b.padV, 0);
            System.arraycopy(b.padV, 0, v, 0, len);
            return;
        }
        int ti = b.ti;
        int pi = b.pi;
        int i = 0;
        for (; i <= len - LANES; i += LANES) {
            element(kind, smooth, keep, add, FloatVector.fromArray(F, t, ti + i), FloatVector.fromArray(F, p, pi + i))
                    .intoArray(v, i);
        }
        if (i < len) {
            // The last partial vector overlaps the previous one: same values again for the overlap.
            i = len - LANES;
            element(kind, smooth, keep, add, FloatVector.fromArray(F, t, ti + i), FloatVector.fromArray(F, p, pi + i))
                    .intoArray(v, i);
        }
    }

    /**
     * {@code sum v[from, from + len)} in double: widened double lanes from two vectors on (their order fixed by
     * the offset from {@code from}), else one sequential sum; the same for the same values wherever they sit.
     * {@code lanes} is scratch of {@code D.length()}.
     */
    static double sum(float[] v, int from, int len, double[] lanes) {
        int to = from + len;
        int i = from;
        double s = 0;
        if (len >= 2 * LANES) {
            DoubleVector d0 = DoubleVector.zero(VectorMath.D);
            DoubleVector d1 = d0;
            for (; i + LANES <= to; i += LANES) {
                FloatVector x = FloatVector.fromArray(F, v, i);
                d0 = d0.add((DoubleVector) x.convertShape(VectorOperators.F2D, VectorMath.D, 0));
                d1 = d1.add((DoubleVector) x.convertShape(VectorOperators.F2D, VectorMath.D, 1));
            }
            // An explicit lane order: reduceLanes may add in another order once compiled than interpreted.
            d0.add(d1).intoArray(lanes, 0);
            for (double lane : lanes) {
                s += lane;
            }
        }
        for (; i < to; i++) {
            s += v[i];
        }
        return s;
    }

    /** Outputs {@code [from, to)}: the element values of each group, summed in double, averaged if {@code mean}. */
    private static void reduce(int kind, float keep, float add, boolean mean, NdArray target, NdArray pred,
                               RowLayout groups, double[] out, int outOffset, int from, int to) {
        int n = groups.classes;
        int inner = groups.inner;
        boolean smooth = keep != 1f || add != 0f;
        if (to <= from) {
            return;
        }
        if (n == 0) {
            java.util.Arrays.fill(out, outOffset, outOffset + to - from, mean ? Double.NaN : 0.0);
            return;
        }
        if (inner == 1) {
            int perBlock = Math.max(1, BLOCK / n);
            Block b = new Block((int) Math.min(BLOCK, (long) Math.min(perBlock, to - from) * n));
            if (n <= BLOCK) {
                // Whole groups per block.
                for (int r = from; r < to; r += perBlock) {
                    int g = Math.min(perBlock, to - r);
                    b.load(target, pred, r * n, g * n);
                    compute(kind, smooth, keep, add, b, g * n);
                    for (int k = 0; k < g; k++) {
                        double s = sum(b.values, k * n, n, b.lanes);
                        out[outOffset + r + k - from] = (float) (mean ? s / n : s);
                    }
                }
            } else {
                // Long groups in pieces cut at the same offsets from each group's start.
                for (int r = from; r < to; r++) {
                    double s = 0;
                    for (int c = 0; c < n; c += BLOCK) {
                        int len = Math.min(BLOCK, n - c);
                        b.load(target, pred, r * n + c, len);
                        compute(kind, smooth, keep, add, b, len);
                        s += sum(b.values, 0, len, b.lanes);
                    }
                    out[outOffset + r - from] = (float) (mean ? s / n : s);
                }
            }
            return;
        }
        // Axis before others: output r = o * inner + i sums elements o * n * inner + c * inner + i over c, in order.
        Block b = new Block((int) Math.min(BLOCK, Math.min(inner, to - from)));
        java.util.Arrays.fill(out, outOffset, outOffset + to - from, 0.0);
        for (int o = from / inner; o <= (to - 1) / inner; o++) {
            int i0 = Math.max(from, o * inner) - o * inner;
            int i1 = Math.min(to, (o + 1) * inner) - o * inner;
            int at = outOffset + o * inner - from;
            for (int c = 0; c < n; c++) {
                int base = (o * n + c) * inner;
                for (int i = i0; i < i1; i += BLOCK) {
                    int len = Math.min(BLOCK, i1 - i);
                    b.load(target, pred, base + i, len);
                    compute(kind, smooth, keep, add, b, len);
                    float[] v = b.values;
                    for (int k = 0; k < len; k++) {
                        out[at + i + k] += v[k];
                    }
                }
            }
            for (int i = i0; i < i1; i++) {
                out[at + i] = (float) (mean ? out[at + i] / n : out[at + i]);
            }
        }
    }
}
