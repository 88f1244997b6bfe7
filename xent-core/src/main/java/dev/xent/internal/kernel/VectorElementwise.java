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
 * <p>One pass over the input, one loop skeleton ({@link #reduce}): the elements are computed in blocks of up to
 * {@link #BLOCK}, a vector at a time, into a small float block (L1-resident), which is then summed per output in
 * double. Each function is a short list of {@link Pass}es over the block (see there for why). With the
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
 * in double. Each output is within a few float32 ulps of the reference (ElementwiseAgreementTest).
 */
final class VectorElementwise implements ElementwiseKernel {

    static final VectorElementwise INSTANCE = new VectorElementwise();

    /** Elements computed per block: 4 KB of each input and of each scratch array, all L1-resident between passes. */
    static final int BLOCK = 1024;

    static final int BCE = 0;
    static final int BCE_LOGITS = 1;
    static final int KL = 2;
    static final int POISSON = 3;

    private static final float LO = (float) Precision.FLOAT32.clipLow;
    private static final float HI = (float) Precision.FLOAT32.clipHigh;

    private VectorElementwise() {}

    /**
     * {@code clip(x, eps, 1 - eps)} as {@code tf.clip_by_value}: NaN passes. Compares and blends: the Vector API's
     * {@code max}/{@code min} follow {@code Math.max}'s NaN and signed-zero rules, several instructions each on x86.
     */
    static FloatVector clip(FloatVector x) {
        FloatVector lo = x.blend(LO, x.compare(VectorOperators.LT, LO));
        return lo.blend(HI, lo.compare(VectorOperators.GT, HI));
    }

    /** {@code clip(x, eps, 1)} (KL divergence). */
    static FloatVector clipToOne(FloatVector x) {
        FloatVector lo = x.blend(LO, x.compare(VectorOperators.LT, LO));
        return lo.blend(1f, lo.compare(VectorOperators.GT, 1f));
    }

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

    // ---- the passes -----------------------------------------------------------------------------------------

    /**
     * One vectorised step of a function over elements {@code [at, at + len)} of the block's current run ({@code len}
     * a multiple of {@code LANES}): from the inputs (targets {@code t}, predictions {@code p}) and the block's scratch
     * arrays to scratch or to the values. A pass never writes an array it reads: {@link #apply} runs it twice over
     * the elements where the last partial vector overlaps the others.
     *
     * <p>Why passes: C2 (JDK 17) stops inlining a compilation at a node budget, and each inlined lane operation costs it
     * hundreds of nodes: one {@code log} or {@code exp} takes about half of it. A vector operation left out is boxed
     * (measured 3-10x slower). So each pass calls at most one {@code log} or {@code exp}, and every pass runs through
     * the one call site in {@link #apply}: a function of two transcendentals has three passes, so that site sees three
     * classes or more and C2 calls each pass as its own compiled method instead of inlining them into one; a function
     * of one sees two at least, which C2 may inline together. The first pass of each function reads the inputs from
     * memory while it computes its transcendental (a pass that only copied would leave memory idle during the
     * others); later passes re-read them from L1.
     */
    private abstract static class Pass {
        abstract void run(Block b, int at, int len);
    }

    /**
     * Binary cross-entropy, first pass: {@code s = log(t == 1 ? o : 1 - o)}, {@code o = clip(p)}; notes in
     * {@code b.soft} whether a target is other than 0 and 1. Nothing else is stored: with 0/1 targets (the common
     * case) this pass is the whole function.
     */
    private static final Pass BCE_FIRST = new Pass() {
        @Override
        void run(Block b, int at, int len) {
            float[] t = b.t;
            float[] p = b.p;
            float[] s = b.scratch;
            int ti = b.ti;
            int pi = b.pi;
            boolean soft = false;
            for (int i = at; i < at + len; i += LANES) {
                FloatVector tv = FloatVector.fromArray(F, t, ti + i);
                VectorMask<Float> one = tv.compare(VectorOperators.EQ, 1f);
                soft |= !one.or(tv.compare(VectorOperators.EQ, 0f)).allTrue();
                FloatVector o = clip(FloatVector.fromArray(F, p, pi + i));
                VectorMath.logFast(FloatVector.broadcast(F, 1f).sub(o).blend(o, one)).intoArray(s, i);
            }
            b.soft |= soft;
        }
    };

    /** Binary cross-entropy, soft targets: {@code s2 = log(o)}. */
    private static final Pass LOG_CLIPPED = new Pass() {
        @Override
        void run(Block b, int at, int len) {
            float[] p = b.p;
            float[] s2 = b.scratch2;
            for (int i = at; i < at + len; i += LANES) {
                VectorMath.logFast(clip(FloatVector.fromArray(F, p, b.pi + i))).intoArray(s2, i);
            }
        }
    };

    /**
     * Binary cross-entropy, soft targets: {@code v = -(t s2 + (1 - t) s)}. Where {@code t == 1}, {@code s} holds
     * {@code log o} instead of {@code log(1 - o)}: both finite, times {@code 1 - t = 0} they give the same zero.
     */
    private static final Pass BCE_SOFT = new Pass() {
        @Override
        void run(Block b, int at, int len) {
            float[] t = b.t;
            float[] s = b.scratch;
            float[] s2 = b.scratch2;
            float[] v = b.values;
            for (int i = at; i < at + len; i += LANES) {
                FloatVector tv = FloatVector.fromArray(F, t, b.ti + i);
                FloatVector a = tv.mul(FloatVector.fromArray(F, s2, i));
                FloatVector c = FloatVector.broadcast(F, 1f).sub(tv).mul(FloatVector.fromArray(F, s, i));
                a.add(c).neg().intoArray(v, i);
            }
        }
    };

    /** Logits cross-entropy, first pass: {@code s = exp(-|x|)} (TensorFlow's {@code x >= 0} select). */
    private static final Pass EXP_NEG_ABS = new Pass() {
        @Override
        void run(Block b, int at, int len) {
            float[] p = b.p;
            float[] s = b.scratch;
            for (int i = at; i < at + len; i += LANES) {
                FloatVector x = FloatVector.fromArray(F, p, b.pi + i);
                VectorMath.exp(x.blend(x.neg(), x.compare(VectorOperators.GE, 0f))).intoArray(s, i);
            }
        }
    };

    /** {@code s2 = log1p(s)}, for {@code s} in {@code [0, 1]} and NaN. */
    private static final Pass LOG1P = new Pass() {
        @Override
        void run(Block b, int at, int len) {
            float[] s = b.scratch;
            float[] s2 = b.scratch2;
            for (int i = at; i < at + len; i += LANES) {
                VectorMath.log1pUnit(FloatVector.fromArray(F, s, i)).intoArray(s2, i);
            }
        }
    };

    /** Logits cross-entropy: {@code v = max(x, 0) - x t + s2}, {@code s2 = log1p(exp(-|x|))}. */
    private static final Pass LOGITS = new Pass() {
        @Override
        void run(Block b, int at, int len) {
            float[] t = b.t;
            float[] p = b.p;
            float[] s = b.scratch2;
            float[] v = b.values;
            for (int i = at; i < at + len; i += LANES) {
                FloatVector tv = FloatVector.fromArray(F, t, b.ti + i);
                FloatVector x = FloatVector.fromArray(F, p, b.pi + i);
                FloatVector relu = FloatVector.zero(F).blend(x, x.compare(VectorOperators.GE, 0f));
                relu.sub(x.mul(tv)).add(FloatVector.fromArray(F, s, i)).intoArray(v, i);
            }
        }
    };

    /** KL divergence, first pass: {@code s = log(tc / pc)}, {@code st = tc}, both clipped to {@code [eps, 1]}. */
    private static final Pass KL_LOG = new Pass() {
        @Override
        void run(Block b, int at, int len) {
            float[] t = b.t;
            float[] p = b.p;
            float[] s = b.scratch;
            float[] st = b.targets;
            for (int i = at; i < at + len; i += LANES) {
                FloatVector tc = clipToOne(FloatVector.fromArray(F, t, b.ti + i));
                tc.intoArray(st, i);
                VectorMath.logFast(tc.div(clipToOne(FloatVector.fromArray(F, p, b.pi + i)))).intoArray(s, i);
            }
        }
    };

    /** KL divergence: {@code v = tc s}. */
    private static final Pass KL_TERM = new Pass() {
        @Override
        void run(Block b, int at, int len) {
            float[] s = b.scratch;
            float[] st = b.targets;
            float[] v = b.values;
            for (int i = at; i < at + len; i += LANES) {
                FloatVector.fromArray(F, st, i).mul(FloatVector.fromArray(F, s, i)).intoArray(v, i);
            }
        }
    };

    /** Poisson, first pass: {@code s = log(p + eps)} over the whole float domain ({@code p + eps} is not clipped). */
    private static final Pass POISSON_LOG = new Pass() {
        @Override
        void run(Block b, int at, int len) {
            float[] p = b.p;
            float[] s = b.scratch;
            for (int i = at; i < at + len; i += LANES) {
                VectorMath.logAny(FloatVector.fromArray(F, p, b.pi + i).add(LO)).intoArray(s, i);
            }
        }
    };

    /** Poisson: {@code v = p - t s}. */
    private static final Pass POISSON_TERM = new Pass() {
        @Override
        void run(Block b, int at, int len) {
            float[] t = b.t;
            float[] p = b.p;
            float[] s = b.scratch;
            float[] v = b.values;
            for (int i = at; i < at + len; i += LANES) {
                FloatVector pv = FloatVector.fromArray(F, p, b.pi + i);
                pv.sub(FloatVector.fromArray(F, t, b.ti + i).mul(FloatVector.fromArray(F, s, i))).intoArray(v, i);
            }
        }
    };

    /**
     * The passes of each function, in order. Read from arrays, which C2 does not treat as constants, so that the
     * call in {@link #apply} stays virtual (a constant receiver would be inlined whatever the call site has seen).
     */
    private static final Pass[] BCE_FIRST_PASS = {BCE_FIRST};
    private static final Pass[] BCE_SOFT_PASSES = {LOG_CLIPPED, BCE_SOFT};
    private static final Pass[] BCE_LOGITS_PASSES = {EXP_NEG_ABS, LOG1P, LOGITS};
    private static final Pass[] KL_PASSES = {KL_LOG, KL_TERM};
    private static final Pass[] POISSON_PASSES = {POISSON_LOG, POISSON_TERM};

    /**
     * Runs {@code passes} over the block's current run of {@code len >= LANES} elements: the whole vectors, then the
     * last partial vector overlapping the previous one (the same values again for the overlap). The one call site of
     * every pass (see {@link Pass}).
     */
    private static void apply(Pass[] passes, Block b, int len) {
        int whole = len - len % LANES;
        for (Pass pass : passes) {
            for (int segment = 0; segment < 2; segment++) {
                int at = segment == 0 ? 0 : len - LANES;
                int n = segment == 0 ? whole : whole < len ? LANES : 0;
                if (n > 0) {
                    pass.run(b, at, n);
                }
            }
        }
    }

    /**
     * The element values of the block's current run of {@code len} elements into {@code b.result[0, len)}, negated if
     * {@code b.negated}.
     */
    private static void compute(int kind, Block b, int len) {
        b.result = b.values;
        b.negated = false;
        if (len < LANES) {
            // Padded to one vector, so these elements get the same lane operations as anywhere else.
            System.arraycopy(b.t, b.ti, b.padT, 0, len);
            System.arraycopy(b.p, b.pi, b.padP, 0, len);
            b.t = b.padT;
            b.ti = 0;
            b.p = b.padP;
            b.pi = 0;
            compute(kind, b, LANES);
            return;
        }
        if (b.keep != 1f || b.add != 0f) {
            smooth(b, len);
        }
        switch (kind) {
            case BCE:
                b.soft = false;
                apply(BCE_FIRST_PASS, b, len);
                if (b.soft) {
                    apply(BCE_SOFT_PASSES, b, len);
                } else {
                    // Every target 0 or 1: the values are -s, bit for bit the general formula (1 * l + 0 * l' adds
                    // a signed zero to a finite negative log); the sums negate instead (IEEE sums are symmetric).
                    b.result = b.scratch;
                    b.negated = true;
                }
                break;
            case BCE_LOGITS:
                apply(BCE_LOGITS_PASSES, b, len);
                break;
            case KL:
                apply(KL_PASSES, b, len);
                break;
            default:
                apply(POISSON_PASSES, b, len);
                break;
        }
    }

    /**
     * Label smoothing, once per block: {@code t * keep + add} in float (Keras's steps: a multiply, then an add), into
     * {@code b.targets}, which the passes then read as the targets. A loop C2 vectorises by itself, outside the passes
     * so that their compiled size stays within JDK 17's inlining budget.
     */
    private static void smooth(Block b, int len) {
        float[] t = b.t;
        int ti = b.ti;
        float[] st = b.targets;
        float keep = b.keep;
        float add = b.add;
        for (int k = 0; k < len; k++) {
            st[k] = t[ti + k] * keep + add;
        }
        b.t = st;
        b.ti = 0;
    }

    // ---- the loop skeleton ----------------------------------------------------------------------------------

    /**
     * Per-thread buffers (a call runs on one thread): the block of element values and, for inputs that are not float
     * arrays, their copies. Reused across calls, so a small call allocates nothing.
     */
    private static final class Block {
        final float[] values = new float[BLOCK];
        final float[] padT = new float[LANES];
        final float[] padP = new float[LANES];
        final double[] lanes = new double[VectorMath.D.length()];
        float[] copyT;
        float[] copyP;
        /** The function's target smoothing, {@code t * keep + add}. */
        float keep;
        float add;
        /** The current run of targets and predictions: {@code t[ti + k]}, {@code p[pi + k]}. */
        float[] t;
        float[] p;
        int ti;
        int pi;

        /**
         * Scratch between a function's passes (each as long as {@link #values}): two results, and the targets (smoothed
         * ones, or KL divergence's clipped ones).
         */
        final float[] scratch = new float[BLOCK];
        final float[] scratch2 = new float[BLOCK];
        final float[] targets = new float[BLOCK];
        /** Set by binary cross-entropy's first pass where a target is other than 0 and 1. */
        boolean soft;
        /** Where {@link #compute} left the values ({@link #values} or a scratch array), and whether negated. */
        float[] result;
        boolean negated;
        /** The double sums of a block's short groups, and the gather index of their length. */
        final double[] sums = new double[BLOCK];
        private final int[] index = new int[LANES];
        private int indexStride;

        /** {@code 0, n, 2n, ...}: the lanes' offsets for {@link #shortSums}. */
        int[] stride(int n) {
            if (indexStride != n) {
                for (int l = 0; l < LANES; l++) {
                    index[l] = l * n;
                }
                indexStride = n;
            }
            return index;
        }

        /** Points {@link #t} and {@link #p} at elements {@code [index, index + len)} (copied if need be). */
        void load(NdArray target, NdArray pred, int index, int len) {
            if (isFloatArray(target)) {
                t = (float[]) target.array();
                ti = target.arrayOffset() + index;
            } else {
                if (copyT == null) {
                    copyT = new float[BLOCK];
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
                    copyP = new float[BLOCK];
                }
                copy(pred, index, len, copyP);
                p = copyP;
                pi = 0;
            }
        }
    }

    private static final ThreadLocal<Block> BLOCKS = ThreadLocal.withInitial(Block::new);

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

    /**
     * The sequential double sums of {@code g} consecutive groups of {@code n} values each, the same as {@link #sum}
     * gives a group shorter than two vectors, one group per lane: position {@code c} of {@code LANES} groups is one
     * gather ({@code index} holds {@code 0, n, 2n, ...}), widened and added to the groups' double sums in order.
     */
    private static void shortSums(float[] v, int n, int g, int[] index, double[] sums) {
        int k = 0;
        for (; k + LANES <= g; k += LANES) {
            DoubleVector s0 = DoubleVector.zero(VectorMath.D);
            DoubleVector s1 = s0;
            for (int c = 0, i = k * n; c < n; c++, i++) {
                FloatVector x = FloatVector.fromArray(F, v, i, index, 0);
                s0 = s0.add((DoubleVector) x.convertShape(VectorOperators.F2D, VectorMath.D, 0));
                s1 = s1.add((DoubleVector) x.convertShape(VectorOperators.F2D, VectorMath.D, 1));
            }
            s0.intoArray(sums, k);
            s1.intoArray(sums, k + VectorMath.D.length());
        }
        for (; k < g; k++) {
            double s0 = 0;
            for (int c = 0, i = k * n; c < n; c++, i++) {
                s0 += v[i];
            }
            sums[k] = s0;
        }
    }

    /** Outputs {@code [from, to)}: the element values of each group, summed in double, averaged if {@code mean}. */
    private static void reduce(int kind, float keep, float add, boolean mean, NdArray target, NdArray pred,
                               RowLayout groups, double[] out, int outOffset, int from, int to) {
        int n = groups.classes;
        int inner = groups.inner;
        if (to <= from) {
            return;
        }
        if (n == 0) {
            java.util.Arrays.fill(out, outOffset, outOffset + to - from, mean ? Double.NaN : 0.0);
            return;
        }
        Block b = BLOCKS.get();
        b.keep = keep;
        b.add = add;
        if (inner == 1) {
            int perBlock = Math.max(1, BLOCK / n);
            if (n <= BLOCK) {
                // Whole groups per block.
                for (int r = from; r < to; r += perBlock) {
                    int g = Math.min(perBlock, to - r);
                    b.load(target, pred, r * n, g * n);
                    compute(kind, b, g * n);
                    if (n < 2 * LANES) {
                        shortSums(b.result, n, g, b.stride(n), b.sums);
                    }
                    for (int k = 0; k < g; k++) {
                        double s = n < 2 * LANES ? b.sums[k] : sum(b.result, k * n, n, b.lanes);
                        s = b.negated ? -s : s;
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
                        compute(kind, b, len);
                        double piece = sum(b.result, 0, len, b.lanes);
                        s += b.negated ? -piece : piece;
                    }
                    out[outOffset + r - from] = (float) (mean ? s / n : s);
                }
            }
            return;
        }
        // Axis before others: output r = o * inner + i sums elements o * n * inner + c * inner + i over c, in order.
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
                    compute(kind, b, len);
                    float[] v = b.result;
                    float sign = b.negated ? -1f : 1f;
                    for (int k = 0; k < len; k++) {
                        out[at + i + k] += sign * v[k];
                    }
                }
            }
            for (int i = i0; i < i1; i++) {
                out[at + i] = (float) (mean ? out[at + i] / n : out[at + i]);
            }
        }
    }
}
