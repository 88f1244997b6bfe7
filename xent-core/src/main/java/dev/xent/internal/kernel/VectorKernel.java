package dev.xent.internal.kernel;

import static dev.xent.internal.kernel.VectorMath.F;
import static dev.xent.internal.kernel.VectorMath.LANES;
import static dev.xent.internal.kernel.VectorStrided.laneSums;
import static dev.xent.internal.kernel.VectorStrided.sparseLanes;
import static dev.xent.internal.kernel.VectorStrided.sparseStrided;

import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.nio.FloatBuffer;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-pass SIMD kernels for float32 predictions ({@code float[]}, or a {@link FloatBuffer} copied through a
 * small reusable block). Float64 probabilities with the class axis last go to {@link DoubleVectorKernel}; everything
 * else (other float64 work, other dtypes) to {@link ScalarKernel}.
 *
 * <p>Per row, nothing is materialised (no one-hot, no softmax, no copy of the input):
 * <ul>
 *   <li>probabilities, TF order: the clipped row sum and the label's clipped entry, one {@code log(sum / p[y])};
 *   <li>probabilities, normalise first: the raw row sum, then {@code -log(clip(p[y] / sum))};
 *   <li>logits: the row is read in blocks of {@link #BLOCK} classes (L1-resident): the block's max, then
 *       {@code sum exp(x - max)} over the block; the running sum is rescaled by {@code exp(oldMax - newMax)} when the
 *       max grows, so a row of 128k classes streams from memory once; then {@code log(sum) - (x[y] - max)};
 *   <li>categorical ({@link VectorCategorical}): the same passes also accumulate {@code sum t} and
 *       {@code sum t (max - x)} (logits) or, after the row sum, {@code sum t log(clip(x / sum))} (probabilities; the
 *       row is re-read from cache), with the smoothing {@code t * keep + add} applied on the fly.
 * </ul>
 * With the class axis last, one row's classes are spread over the lanes (from {@link #MIN_VECTOR} classes; fewer go
 * row by row). With a class axis before others ({@code inner > 1}, channels first) each lane is one row: class
 * {@code c} of {@code LANES} neighbouring rows is one contiguous load, so nothing is transposed.
 *
 * <p>Numerics: per-element work is float32, as in Keras. Sparse sums of probabilities are double lanes (each float32
 * term widened; exact for clipped rows summing to less than 64, see {@link #sum}); sparse sums of exps are float
 * lanes that carry beside them the exact rounding error of every addition (Fast2Sum, made exact by starting each
 * accumulator at {@link #EXP_BIAS}), reduced to a row sum as float pairs by error-free additions
 * (see {@link #reducePair}); a sparse row of fewer than {@link #MIN_VECTOR} classes is one sequential sum in double
 * instead. Categorical sums are float lanes combined in double, with the same exact errors for the sum of exps of
 * logits and Kahan's compensation for the others; and the one log per row is taken in double (sparse:
 * {@link FloatMath#logDouble}, within one ulp of {@code Math.log}, for the lanes of a row group at once by
 * {@link VectorMath#logDouble}; categorical: {@code Math.log}), so each result is within float32 rounding of the
 * {@link ScalarKernel} reference. One documented exception: categorical cross-entropy from logits whose differences
 * exceed the float range (about 3e38, e.g. logits of +-2e38) overflows to infinity or NaN here, as it does in Keras
 * (float32), where the reference, computing in double, stays finite.
 *
 * <p>A row's result depends only on its data: not on the lane, chunk or thread that computed it, nor on where the
 * class axis is. Rows with fewer than {@link #MIN_VECTOR} classes use one sequential order everywhere (the lanes of
 * {@link VectorStrided#sparseLanes} and the scalar {@link #sparseTwin} perform the same operations); rows with more use
 * the contiguous lane order everywhere (channels-first lanes replay it, see {@link VectorStrided#laneSums}; left-over
 * strided rows are copied to a small contiguous buffer). Buffer-backed input goes through the same code on copied
 * blocks.
 */
final class VectorKernel implements CrossEntropyKernel {

    static final VectorKernel INSTANCE = new VectorKernel();

    /** Vectorise a row, or across rows, only from two vector widths on. */
    static final int MIN_VECTOR = 2 * LANES;
    /** Logit rows are processed in blocks of this many classes, small enough to be re-read from L1. */
    static final int BLOCK = 4096;
    /** Buffer-backed inputs are copied in pieces of about this many floats. */
    static final int COPY_BLOCK = 1 << 15;
    /** Rows (or class columns) longer than this are not copied: buffer-backed input goes to the reference. */
    static final int MAX_COPY = 1 << 24;

    static final float LO = (float) Precision.FLOAT32.clipLow;
    static final float HI = (float) Precision.FLOAT32.clipHigh;
    static final float NEG_INF = Float.NEGATIVE_INFINITY;
    /** {@code 0, 1, ..., LANES - 1}: lane indices for masks. */
    private static final float[] IOTA = new float[LANES];

    static {
        for (int l = 0; l < LANES; l++) {
            IOTA[l] = l;
        }
    }

    /** Double lanes: a vector of the same size as {@code F} holds half as many doubles. */
    static final VectorSpecies<Double> D = VectorMath.D;
    static final int DLANES = LANES / 2;

    /** Lane {@code l} to lane {@code l ^ w}: the partner of each lane at one level of the lane tree. */
    private static final VectorShuffle<Float> XOR1 = xor(F, 1);
    private static final VectorShuffle<Float> XOR2 = xor(F, 2);
    private static final VectorShuffle<Float> XOR4 = xor(F, 4);
    private static final VectorShuffle<Float> XOR8 = xor(F, 8);

    /** The same for double lanes (the lane tree of the probability sums, see foldLanes). */
    private static final VectorShuffle<Double> DXOR1 = xor(D, 1);
    private static final VectorShuffle<Double> DXOR2 = xor(D, 2);
    private static final VectorShuffle<Double> DXOR4 = xor(D, 4);

    /** Lanes whose index has bit {@code w} set (packedLanes). */
    private static final VectorMask<Float> BIT1 = bit(1);
    private static final VectorMask<Float> BIT2 = bit(2);
    private static final VectorMask<Float> BIT4 = bit(4);
    private static final VectorMask<Float> BIT8 = bit(8);
    /** The lane of slot 0 in which packedLanes leaves row r: r with its lane-index bits reversed. */
    private static final int[] LANE_OF_ROW = new int[LANES];

    static {
        for (int r = 0; r < LANES; r++) {
            LANE_OF_ROW[r] = Integer.reverse(r) >>> (Integer.numberOfLeadingZeros(LANES) + 1);
        }
    }

    private static VectorMask<Float> bit(int w) {
        boolean[] set = new boolean[LANES];
        for (int l = 0; l < LANES; l++) {
            set[l] = (l & w) != 0;
        }
        return VectorMask.fromArray(F, set, 0);
    }

    private static <E> VectorShuffle<E> xor(VectorSpecies<E> species, int w) {
        int lanes = species.length();
        int[] to = new int[lanes];
        for (int l = 0; l < lanes; l++) {
            to[l] = (l ^ w) & (lanes - 1);
        }
        return VectorShuffle.fromArray(species, to, 0);
    }

    private VectorKernel() {}

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public boolean vectorized() {
        return true;
    }

    /** Per-call scratch: lane dumps and multi-value returns (one per call, so kernels stay thread-safe). */
    static final class Scratch {
        final float[] a = new float[LANES];
        final float[] b = new float[LANES];
        final float[] c = new float[LANES];
        final float[] d = new float[LANES];
        final float[] e = new float[LANES];
        final float[] f = new float[LANES];
        final float[] g = new float[LANES];
        final float[][] virtualHi = new float[LANES][LANES];
        final float[][] virtualLo = new float[LANES][LANES];
        /**
         * Probability sums: the double accumulators of {@link VectorStrided#probabilityLaneSums} and the lane tree's
         * scratch.
         */
        final double[][] virtualSums = new double[2 * LANES][LANES];
        final double[] virtualRow = new double[2 * LANES];
        final double[] dlanes = new double[DLANES];
        final double[] tot = new double[LANES];
        final double[] tot2 = new double[LANES];
        final double[] tot3 = new double[LANES];
        final double[] run = new double[LANES];
        final double[] run2 = new double[LANES];
        final double[] run3 = new double[LANES];
        final boolean[] fallback = new boolean[LANES];
        final float[] packHi = new float[LANES * LANES];
        final float[] packLo = new float[LANES * LANES];
        final float[] maxes = new float[LANES];
        final double[] tail = new double[3];
        /**
         * A row group's final log arguments, their logs and the label's values (see
         * {@link VectorStrided#finishGroup}).
         */
        final double[] logArg = new double[LANES];
        final double[] logs = new double[LANES];
        final float[] labelValue = new float[LANES];
        /** sumExp's third accumulator (see {@link #sumExpRest}). */
        final float[] restS = new float[LANES];
        final float[] restK = new float[LANES];
        float[] rowP = new float[0];
        float[] rowT = new float[0];
        double s;
        double t;
        double w;

        float[] tile = new float[0];
        float[] tileT = new float[0];

        float[] tile(int classes) {
            if (tile.length < classes * LANES) {
                tile = new float[classes * LANES];
            }
            return tile;
        }

        float[] tileT(int classes) {
            if (tileT.length < classes * LANES) {
                tileT = new float[classes * LANES];
            }
            return tileT;
        }

        /** One strided row copied to a contiguous buffer (for rows left over from lane groups). */
        float[] gather(float[] a, int b, int stride, int classes, boolean target) {
            float[] row = target ? rowT : rowP;
            if (row.length < classes) {
                row = new float[classes];
                if (target) {
                    rowT = row;
                } else {
                    rowP = row;
                }
            }
            for (int c = 0, i = b; c < classes; c++, i += stride) {
                row[c] = a[i];
            }
            return row;
        }
    }

    static boolean fast(NdArray x) {
        return x.dtype() == DType.FLOAT32 && (x.hasArray() || x.buffer() instanceof FloatBuffer);
    }

    static void copy(NdArray x, int index, float[] dst, int dstOffset, int length) {
        if (x.hasArray()) {
            System.arraycopy((float[]) x.array(), x.arrayOffset() + index, dst, dstOffset, length);
        } else {
            ((FloatBuffer) x.buffer()).get(x.arrayOffset() + index, dst, dstOffset, length);
        }
    }

    static float clip(float x) {
        // Branch-free (NaN passes through, as with the comparisons): a branch that the profile never saw taken,
        // such as the first probability below LO, would send the compiled kernel back to the interpreter.
        return Math.max(LO, Math.min(x, HI));
    }

    // ---- sparse ------------------------------------------------------------------------------------------------

    @Override
    public void sparse(NdArray pred, RowLayout layout, int[] labels, ProbabilityMode mode, Precision precision,
                       double[] out, int outOffset, int from, int to) {
        int classes = layout.classes;
        int inner = layout.inner;
        if (DoubleVectorKernel.handles(pred, layout, mode, precision)) {
            DoubleVectorKernel.sparse(pred, layout, labels, mode, out, outOffset, from, to);
            return;
        }
        if (precision != Precision.FLOAT32 || !fast(pred) || classes == 0
                || (!pred.hasArray() && (long) classes * Math.min(inner, 2) > MAX_COPY)) {
            ScalarKernel.INSTANCE.sparse(pred, layout, labels, mode, precision, out, outOffset, from, to);
            return;
        }
        Scratch sc = new Scratch();
        if (pred.hasArray()) {
            float[] a = (float[]) pred.array();
            int off = pred.arrayOffset();
            if (inner == 1) {
                sparseContiguous(a, off + from * classes, classes, to - from, labels, from, mode, out, outOffset, sc);
                return;
            }
            for (int r = from; r < to; ) {
                int o = r / inner;
                int i = r - o * inner;
                int n = Math.min(inner - i, to - r);
                sparseStrided(a, off + o * classes * inner + i, inner, classes, n, labels, r, mode, out,
                        outOffset + (r - from), sc);
                r += n;
            }
            return;
        }
        if (inner == 1) {
            int k = Math.max(1, COPY_BLOCK / classes);
            float[] block = new float[Math.min(k, to - from) * classes];
            for (int r = from; r < to; r += k) {
                int m = Math.min(k, to - r);
                copy(pred, r * classes, block, 0, m * classes);
                sparseContiguous(block, 0, classes, m, labels, r, mode, out, outOffset + (r - from), sc);
            }
            return;
        }
        int w = Math.max(1, COPY_BLOCK / classes);
        float[] block = new float[Math.min(w, Math.min(inner, to - from)) * classes];
        for (int r = from; r < to; ) {
            int o = r / inner;
            int i = r - o * inner;
            int n = Math.min(inner - i, to - r);
            for (int j = 0; j < n; j += w) {
                int ww = Math.min(w, n - j);
                for (int c = 0; c < classes; c++) {
                    copy(pred, o * classes * inner + c * inner + i + j, block, c * ww, ww);
                }
                sparseStrided(block, 0, ww, classes, ww, labels, r + j, mode, out, outOffset + (r + j - from), sc);
            }
            r += n;
        }
    }

    /** {@code n} rows of {@code classes} contiguous floats from {@code a[b]}; labels from {@code labels[lr]}. */
    private static void sparseContiguous(float[] a, int b, int classes, int n, int[] labels, int lr,
                                         ProbabilityMode mode, double[] out, int op, Scratch sc) {
        boolean vector = classes >= MIN_VECTOR;
        int j = 0;
        if (!vector && n >= MIN_VECTOR) {
            // Few classes: transpose LANES rows into a class-major tile and run one row per lane (the lanes perform
            // the twin's operations, so the result is the twin's).
            float[] tile = sc.tile(classes);
            for (; j + LANES <= n; j += LANES) {
                transpose(a, b + j * classes, classes, tile);
                sparseLanes(tile, 0, LANES, classes, labels, lr + j, mode, out, op + j, sc);
            }
        }
        if (vector && classes <= BLOCK) {
            // One block per row: LANES rows at a time, their lane reductions done together (packedLanes).
            boolean logits = mode == ProbabilityMode.LOGITS;
            boolean clip = mode == ProbabilityMode.CLIP_THEN_NORMALIZE;
            float[] maxes = sc.maxes;
            for (; j + LANES <= n; j += LANES) {
                for (int r = 0; r < LANES; r++) {
                    int rb = b + (j + r) * classes;
                    if (logits) {
                        float max = max(a, rb, rb + classes);
                        maxes[r] = max;
                        sumExp(a, rb, rb + classes, max, sc, r);
                    } else {
                        sc.tot[r] = sum(a, rb, rb + classes, clip);
                    }
                }
                if (logits) {
                    packedLanes(sc);
                }
                // One scalar log per row: at this row length a vector log of the group gains nothing, and its cold
                // code slowed the warm-up of large logit files (see docs/benchmarks.md, sixth session).
                for (int r = 0; r < LANES; r++) {
                    int label = labels[lr + j + r];
                    if (label == IGNORED) {
                        out[op + j + r] = 0.0;
                        continue;
                    }
                    int rb = b + (j + r) * classes;
                    int lane = LANE_OF_ROW[r];
                    double loss = logits && maxes[r] == NEG_INF
                            // All -inf or NaN: as sparseRow, the reference order settles what that gives.
                            ? sparseTwin(a, rb, 1, classes, label, mode)
                            : finishSparse(mode, logits ? join(sc.packHi[lane], sc.packLo[lane]) : sc.tot[r],
                                    logits ? maxes[r] : 0f, a[rb + label]);
                    out[op + j + r] = (float) loss;
                }
            }
        }
        for (; j < n; j++) {
            int label = labels[lr + j];
            if (label == IGNORED) {
                out[op + j] = 0.0;
                continue;
            }
            int rb = b + j * classes;
            double loss = vector ? sparseRow(a, rb, classes, label, mode, sc)
                    : sparseTwin(a, rb, 1, classes, label, mode);
            out[op + j] = (float) loss;
        }
    }

    /**
     * The lane reduction of {@code LANES} rows at once. Slot {@code r} of {@code sc.packHi}/{@code packLo} holds row
     * {@code r}'s per-lane pairs (the three accumulators merged); each round halves the slots: two rows' vectors are
     * blended so that one holds the lanes of both that the row's own round would add (lane l and l ^ w), and one
     * TwoSum adds them for both rows. Every lane performs the operations of the one-row rounds in {@link #sumExp}, so
     * the pairs are the same bit for bit; row {@code r} ends in lane {@code LANE_OF_ROW[r]} of slot 0.
     */
    private static void packedLanes(Scratch sc) {
        float[] hi = sc.packHi;
        float[] lo = sc.packLo;
        int pairs = LANES / 2;
        if (LANES > 8) {
            packRound(hi, lo, pairs, XOR8, BIT8);
            pairs /= 2;
        }
        if (LANES > 4) {
            packRound(hi, lo, pairs, XOR4, BIT4);
            pairs /= 2;
        }
        if (LANES > 2) {
            packRound(hi, lo, pairs, XOR2, BIT2);
            pairs /= 2;
        }
        packRound(hi, lo, pairs, XOR1, BIT1);
    }

    /**
     * One round of {@link #packedLanes}: slots {@code 2i} and {@code 2i + 1} into slot {@code i}. Small enough to be
     * inlined with its constant shuffle and mask (vectors never cross the call).
     */
    private static void packRound(float[] hi, float[] lo, int pairs, VectorShuffle<Float> xor, VectorMask<Float> bit) {
        for (int i = 0; i < pairs; i++) {
            FloatVector ah = FloatVector.fromArray(F, hi, 2 * i * LANES);
            FloatVector bh = FloatVector.fromArray(F, hi, (2 * i + 1) * LANES);
            FloatVector al = FloatVector.fromArray(F, lo, 2 * i * LANES);
            FloatVector bl = FloatVector.fromArray(F, lo, (2 * i + 1) * LANES);
            FloatVector x = ah.blend(bh, bit);
            FloatVector y = bh.blend(ah, bit).rearrange(xor);
            FloatVector t = x.add(y);
            FloatVector d = t.sub(x);
            FloatVector l = al.blend(bl, bit).add(bl.blend(al, bit).rearrange(xor)).add(x.sub(t.sub(d)).add(y.sub(d)));
            t.intoArray(hi, i * LANES);
            l.intoArray(lo, i * LANES);
        }
    }

    /** {@code LANES} contiguous rows of {@code classes} from {@code a[b]} into {@code tile[c * LANES + row]}. */
    static void transpose(float[] a, int b, int classes, float[] tile) {
        for (int r = 0; r < LANES; r++) {
            for (int c = 0, i = b + r * classes; c < classes; c++, i++) {
                tile[c * LANES + r] = a[i];
            }
        }
    }

    /** One contiguous row with its classes spread over the lanes. */
    static double sparseRow(float[] a, int rb, int classes, int label, ProbabilityMode mode, Scratch sc) {
        switch (mode) {
            case LOGITS: {
                float max = NEG_INF;
                double sum = 0;
                for (int blk = 0; blk < classes; blk += BLOCK) {
                    int end = Math.min(classes, blk + BLOCK);
                    float blockMax = max(a, rb + blk, rb + end);
                    float newMax = blockMax > max ? blockMax : max;
                    if (newMax == NEG_INF) {
                        // All -inf or NaN so far: rare; the reference order settles what that gives.
                        return sparseTwin(a, rb, 1, classes, label, mode);
                    }
                    double blockSum = sumExp(a, rb + blk, rb + end, newMax, sc, -1);
                    sum = blk == 0 ? blockSum : sum * Math.exp((double) max - newMax) + blockSum;
                    max = newMax;
                }
                return finishSparse(mode, sum, max, a[rb + label]);
            }
            default:
                boolean clip = mode == ProbabilityMode.CLIP_THEN_NORMALIZE;
                return finishSparse(mode, sum(a, rb, rb + classes, clip), 0f, a[rb + label]);
        }
    }

    /**
     * Lane-wise max that ignores NaN (NaN reaches the result through the sum of exps instead). The rest after the
     * pairs of vectors is the row's last one or two vectors read again (a max does not mind elements seen twice), and
     * the lanes are reduced by compare and blend through xor shuffles, so a row takes no scalar loop and no branch
     * that depends on its data. {@code reduceLanes(MAX)} would also be slower: Java's {@code max} semantics (NaN,
     * signed zeros) cost a blend sequence per step on x86.
     */
    static float max(float[] a, int from, int to) {
        if (to - from < LANES) {
            float m = NEG_INF;
            for (int i = from; i < to; i++) {
                if (a[i] > m) {
                    m = a[i];
                }
            }
            return m;
        }
        FloatVector m0 = FloatVector.broadcast(F, NEG_INF);
        FloatVector m1 = m0;
        int i = from;
        for (; i + 2 * LANES <= to; i += 2 * LANES) {
            FloatVector v0 = FloatVector.fromArray(F, a, i);
            FloatVector v1 = FloatVector.fromArray(F, a, i + LANES);
            m0 = m0.blend(v0, v0.compare(VectorOperators.GT, m0));
            m1 = m1.blend(v1, v1.compare(VectorOperators.GT, m1));
        }
        if (i < to) {
            FloatVector v0 = FloatVector.fromArray(F, a, Math.min(i, to - LANES));
            FloatVector v1 = FloatVector.fromArray(F, a, to - LANES);
            m0 = m0.blend(v0, v0.compare(VectorOperators.GT, m0));
            m1 = m1.blend(v1, v1.compare(VectorOperators.GT, m1));
        }
        m0 = m0.blend(m1, m1.compare(VectorOperators.GT, m0));
        if (LANES > 8) {
            FloatVector h = m0.rearrange(XOR8);
            m0 = m0.blend(h, h.compare(VectorOperators.GT, m0));
        }
        if (LANES > 4) {
            FloatVector h = m0.rearrange(XOR4);
            m0 = m0.blend(h, h.compare(VectorOperators.GT, m0));
        }
        if (LANES > 2) {
            FloatVector h = m0.rearrange(XOR2);
            m0 = m0.blend(h, h.compare(VectorOperators.GT, m0));
        }
        FloatVector h = m0.rearrange(XOR1);
        m0 = m0.blend(h, h.compare(VectorOperators.GT, m0));
        return m0.lane(0);
    }

    /*
     * Contiguous row sums of exps (sumExp; probabilities are summed in double lanes, see sum). The main loop reads
     * two vectors per step into two independent accumulators (for latency), each a running sum and the sum of the
     * exact rounding errors of its additions (Kahan's cheaper correction is exact only while the running sum
     * outweighs the new term); the rest (fewer than 2 LANES elements) goes one vector at a time into a third
     * accumulator, the last of these re-reading the row's last vector with the lanes
     * already counted masked off (masked lanes keep their accumulator), so there is no scalar tail and no load leaves
     * the row. Rows shorter than one vector are summed by shortSum. The lanes are reduced in registers (see
     * reducePair), or, with a {@code slot} of 0 or more, the merged per-lane pairs are stored for packedLanes to reduce
     * LANES rows at once. Vectors are never passed to helper methods: if C2 ran out of inlining budget such a call
     * would box them. laneSums replays exactly this order for channels-first rows.
     *
     * The error is Fast2Sum's. Every term exp(x - max) is at most 1, so an accumulator that starts at EXP_BIAS (1)
     * is never smaller than the term added to it, and Fast2Sum's error y - (t - s) is then exact: 3 operations
     * instead of TwoSum's 6. The bias is subtracted, exactly, before the lanes are reduced. The row's sum
     * of exps is at least 1 (its max's term), so the larger errors the biased accumulator collects cost nothing
     * against the float32 result.
     */

    /**
     * The start of every accumulator of a sum of exps (see above); {@code s - EXP_BIAS} is exact for {@code s >= 1}.
     */
    static final float EXP_BIAS = 1f;

    /** {@code sum exp(a[i] - max)} over {@code [from, to)}. */
    private static double sumExp(float[] a, int from, int to, float max, Scratch sc, int slot) {
        if (to - from < LANES) {
            return shortSum(a, from, to, EXP, max);
        }
        FloatVector vmax = FloatVector.broadcast(F, max);
        FloatVector s0 = FloatVector.broadcast(F, EXP_BIAS);
        FloatVector k0 = FloatVector.zero(F);
        FloatVector s1 = s0;
        FloatVector k1 = k0;
        int i = from;
        for (; i + 2 * LANES <= to; i += 2 * LANES) {
            FloatVector x0 = VectorMath.exp(FloatVector.fromArray(F, a, i).sub(vmax));
            FloatVector x1 = VectorMath.exp(FloatVector.fromArray(F, a, i + LANES).sub(vmax));
            FloatVector t0 = s0.add(x0);
            FloatVector t1 = s1.add(x1);
            k0 = k0.add(x0.sub(t0.sub(s0)));
            k1 = k1.add(x1.sub(t1.sub(s1)));
            s0 = t0;
            s1 = t1;
        }
        s0 = s0.sub(EXP_BIAS);
        s1 = s1.sub(EXP_BIAS);
        // The rest in a method of its own: inlined here, its exp call would pass C2's inlining node limit and run
        // as a call with boxed vectors, once per row.
        sumExpRest(a, i, to, max, sc);
        FloatVector s2 = FloatVector.fromArray(F, sc.restS, 0);
        FloatVector k2 = FloatVector.fromArray(F, sc.restK, 0);
        // The lane reduction (see reducePair), written out: a helper taking vectors would box them if not inlined.
        FloatVector h1 = s0.add(s1);
        FloatVector b1 = h1.sub(s0);
        FloatVector e1 = s0.sub(h1.sub(b1)).add(s1.sub(b1));
        FloatVector hi = h1.add(s2);
        FloatVector b2 = hi.sub(h1);
        FloatVector e2 = h1.sub(hi.sub(b2)).add(s2.sub(b2));
        FloatVector lo = e1.add(e2).add(k0.add(k1).add(k2));
        if (slot >= 0) {
            // The lanes of a group of rows are reduced together (packedLanes).
            hi.intoArray(sc.packHi, slot * LANES);
            lo.intoArray(sc.packLo, slot * LANES);
            return 0;
        }
        if (LANES > 8) {
            FloatVector h = hi.rearrange(XOR8);
            FloatVector t = hi.add(h);
            FloatVector b = t.sub(hi);
            lo = lo.add(lo.rearrange(XOR8)).add(hi.sub(t.sub(b)).add(h.sub(b)));
            hi = t;
        }
        if (LANES > 4) {
            FloatVector h = hi.rearrange(XOR4);
            FloatVector t = hi.add(h);
            FloatVector b = t.sub(hi);
            lo = lo.add(lo.rearrange(XOR4)).add(hi.sub(t.sub(b)).add(h.sub(b)));
            hi = t;
        }
        if (LANES > 2) {
            FloatVector h = hi.rearrange(XOR2);
            FloatVector t = hi.add(h);
            FloatVector b = t.sub(hi);
            lo = lo.add(lo.rearrange(XOR2)).add(hi.sub(t.sub(b)).add(h.sub(b)));
            hi = t;
        }
        FloatVector h = hi.rearrange(XOR1);
        FloatVector t = hi.add(h);
        FloatVector b = t.sub(hi);
        lo = lo.add(lo.rearrange(XOR1)).add(hi.sub(t.sub(b)).add(h.sub(b)));
        return join(t.lane(0), lo.lane(0));
    }

    /**
     * {@link #sumExp}'s third accumulator: elements {@code [i, to)} (fewer than {@code 2 * LANES}) one vector at a
     * time, the last re-reading the row's last vector with the lanes already counted masked off; into
     * {@code sc.restS} and {@code sc.restK}.
     */
    private static void sumExpRest(float[] a, int i, int to, float max, Scratch sc) {
        FloatVector vmax = FloatVector.broadcast(F, max);
        FloatVector iota = FloatVector.fromArray(F, IOTA, 0);
        FloatVector s2 = FloatVector.broadcast(F, EXP_BIAS);
        FloatVector k2 = FloatVector.zero(F);
        for (; i < to; i += LANES) {
            VectorMask<Float> m = iota.compare(VectorOperators.GE, (float) Math.max(0, i + LANES - to));
            FloatVector x = VectorMath.exp(FloatVector.fromArray(F, a, Math.min(i, to - LANES)).sub(vmax));
            FloatVector t = s2.add(x);
            k2 = k2.blend(k2.add(x.sub(t.sub(s2))), m);
            s2 = s2.blend(t, m);
        }
        s2 = s2.sub(EXP_BIAS);
        s2.intoArray(sc.restS, 0);
        k2.intoArray(sc.restK, 0);
    }

    /*
     * Probability sums (sum, laneSums' double lanes, shortSum, the twin) are double lanes: each float32 term, clipped
     * or not, is widened and added to one of four double accumulators (the two halves of each of the pair of vectors a
     * step reads), the rest re-reads the row's last vector with the lanes already counted zeroed into the first two,
     * and the accumulators are added in a fixed tree (foldLanes). Clipped probabilities are multiples of 2^-47 below
     * 1, so while a row sums to less than 64 every partial sum is exact in double and the order does not matter: the
     * row sum is the exact sum, the reference's sequential double sum bit for bit. Float lanes with TwoSum (which the
     * sums of exps keep, as Fast2Sum) took six operations per vector against the widening's five (two conversions, an
     * extract, two additions); the double lanes are as fast at 100 classes, and the twin replays them at twice the
     * speed (docs/benchmarks.md, ninth session).
     */

    /** {@code sum clip(a[i])} (or the raw sum) over {@code [from, to)} in double lanes (see above). */
    private static double sum(float[] a, int from, int to, boolean clip) {
        if (to - from < LANES) {
            return shortSum(a, from, to, clip ? CLIP : RAW, 0f);
        }
        DoubleVector d0 = DoubleVector.zero(D);
        DoubleVector d1 = d0;
        DoubleVector d2 = d0;
        DoubleVector d3 = d0;
        int i = from;
        for (; i + 2 * LANES <= to; i += 2 * LANES) {
            FloatVector v0 = FloatVector.fromArray(F, a, i);
            FloatVector v1 = FloatVector.fromArray(F, a, i + LANES);
            if (clip) {
                v0 = v0.blend(LO, v0.compare(VectorOperators.LT, LO));
                v0 = v0.blend(HI, v0.compare(VectorOperators.GT, HI));
                v1 = v1.blend(LO, v1.compare(VectorOperators.LT, LO));
                v1 = v1.blend(HI, v1.compare(VectorOperators.GT, HI));
            }
            d0 = d0.add((DoubleVector) v0.convertShape(VectorOperators.F2D, D, 0));
            d1 = d1.add((DoubleVector) v0.convertShape(VectorOperators.F2D, D, 1));
            d2 = d2.add((DoubleVector) v1.convertShape(VectorOperators.F2D, D, 0));
            d3 = d3.add((DoubleVector) v1.convertShape(VectorOperators.F2D, D, 1));
        }
        FloatVector iota = FloatVector.fromArray(F, IOTA, 0);
        FloatVector zero = FloatVector.zero(F);
        for (; i < to; i += LANES) {
            VectorMask<Float> m = iota.compare(VectorOperators.GE, (float) Math.max(0, i + LANES - to));
            FloatVector v = FloatVector.fromArray(F, a, Math.min(i, to - LANES));
            if (clip) {
                v = v.blend(LO, v.compare(VectorOperators.LT, LO));
                v = v.blend(HI, v.compare(VectorOperators.GT, HI));
            }
            // Adding 0 to an accumulator changes nothing: it starts at +0, so it is never -0.
            v = zero.blend(v, m);
            d0 = d0.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0));
            d1 = d1.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1));
        }
        DoubleVector t = d0.add(d2).add(d1.add(d3));
        if (DLANES > 4) {
            t = t.add(t.rearrange(DXOR4));
        }
        if (DLANES > 2) {
            t = t.add(t.rearrange(DXOR2));
        }
        return t.add(t.rearrange(DXOR1)).lane(0);
    }

    /**
     * The lane tree of the double-lane sums, in place: lane {@code l} plus lane {@code l + w} for {@code w} from
     * {@code DLANES / 2} down to 1 ({@code (s0 + s2) + (s1 + s3)} for four lanes); returns the total. {@link #sum}
     * does the same with xor shuffles (lane {@code l} plus lane {@code l ^ w}: the same additions in lane 0).
     */
    static double foldLanes(double[] s) {
        for (int w = DLANES / 2; w >= 1; w >>= 1) {
            for (int l = 0; l < w; l++) {
                s[l] += s[l + w];
            }
        }
        return s[0];
    }

    /**
     * {@link #sum}'s total from its accumulators as scalars: {@code v[q]} summed the terms of element {@code q} of
     * each step of two vectors ({@code q < LANES} also the rest's lane {@code q}), so accumulator {@code k} lane
     * {@code l} is {@code v[k * DLANES + l]}; {@code s} is scratch of {@code DLANES}.
     */
    static double foldVirtual(double[] v, double[] s) {
        for (int l = 0; l < DLANES; l++) {
            s[l] = (v[l] + v[2 * DLANES + l]) + (v[DLANES + l] + v[3 * DLANES + l]);
        }
        return foldLanes(s);
    }

    /**
     * One contiguous row sum as the sparse kernel takes it ({@link #sum} or {@link #sumExp} by {@code kind}), for
     * tests that pair it with {@code LaneTwin}'s and with {@link VectorStrided#laneSums} in double, before the row's
     * value is rounded to float32 (which hides most differences of order).
     */
    static double rowSum(float[] a, int from, int to, int kind, float max) {
        Scratch sc = new Scratch();
        return kind == EXP ? sumExp(a, from, to, max, sc, -1) : sum(a, from, to, kind == CLIP);
    }

    /**
     * {@link VectorStrided#laneSums} of the {@code LANES} strided rows whose class c sits at
     * {@code a[b + r + c * stride]}.
     */
    static double[] stridedSums(float[] a, int b, int stride, int from, int to, int kind, float max) {
        double[] tot = new double[LANES];
        laneSums(a, b, stride, from, to, kind, FloatVector.broadcast(F, max), tot, new Scratch());
        return tot;
    }

    /**
     * Fewer than {@code LANES} elements, one sequential sum ({@link VectorStrided#laneSums}' lanes do the same): of
     * probabilities in double, of exps in float with the error of each addition.
     */
    static double shortSum(float[] a, int from, int to, int kind, float max) {
        if (kind != EXP) {
            double s = 0;
            for (int i = from; i < to; i++) {
                s += kind == CLIP ? clip(a[i]) : a[i];
            }
            return s;
        }
        float s = EXP_BIAS;
        float k = 0f;
        for (int i = from; i < to; i++) {
            float x = FloatMath.exp(a[i] - max);
            float t = s + x;
            k += error(t, s, x);
            s = t;
        }
        return (double) (s - EXP_BIAS) + k;
    }

    /**
     * The exact rounding error of {@code t = s + y} in scalar code, as the vector sums of exps take it: Fast2Sum (an
     * accumulator started at {@link #EXP_BIAS} is never the smaller).
     */
    static float error(float t, float s, float y) {
        return y - (t - s);
    }

    /*
     * The lane reduction of the sparse sums of exps. Each lane holds three accumulators (sum s, summed errors k); per
     * lane they become an unevaluated float pair (hi, lo): hi = (s0 + s1) + s2 with the rounding errors of both
     * additions taken exactly (TwoSum) into lo, together with the accumulated errors. The lanes' pairs are then added
     * pairwise (lane l with lane l ^ w, for w = LANES / 2 down to 1), again by TwoSum, and the row sum is
     * (double) hi + lo. All of it is float arithmetic without a dump, a conversion or a scalar loop per lane (this was
     * a third of the cost of a 100-class row when it was done lane by lane in double), and the pair carries about 48
     * bits, more than the double combination it replaces. A TwoSum's error is exact, so partners compute the same
     * pair and every lane ends with the row's total; reducePair replays it in scalar code for the twin and for
     * channels-first rows.
     */

    /**
     * The vector lane reduction of {@link #sumExp} in scalar code, lane by lane: the three accumulators of lane
     * {@code l} are {@code (s0[l], k0[l])}, {@code (s1[l], k1[l])}, {@code (s2[l], k2[l])}; {@code hi} and
     * {@code lo} are scratch.
     */
    static double reducePair(float[] s0, float[] k0, float[] s1, float[] k1, float[] s2, float[] k2, float[] hi,
                             float[] lo) {
        for (int l = 0; l < LANES; l++) {
            float h1 = s0[l] + s1[l];
            float b1 = h1 - s0[l];
            float e1 = (s0[l] - (h1 - b1)) + (s1[l] - b1);
            float h = h1 + s2[l];
            float b2 = h - h1;
            float e2 = (h1 - (h - b2)) + (s2[l] - b2);
            hi[l] = h;
            lo[l] = (e1 + e2) + ((k0[l] + k1[l]) + k2[l]);
        }
        return reduceLanes(hi, lo);
    }

    /** The lane tree of {@link #reducePair} over pairs {@code (hi[l], lo[l])}; clobbers both. */
    private static double reduceLanes(float[] hi, float[] lo) {
        for (int w = LANES / 2; w >= 1; w >>= 1) {
            for (int l = 0; l < w; l++) {
                float t = hi[l] + hi[l + w];
                float b = t - hi[l];
                lo[l] = (lo[l] + lo[l + w]) + ((hi[l] - (t - b)) + (hi[l + w] - b));
                hi[l] = t;
            }
        }
        return join(hi[0], lo[0]);
    }

    /**
     * {@code hi + lo} in double. A NaN {@code lo} beside a non-NaN {@code hi} only comes from an infinite sum
     * ({@code inf - inf} in a TwoSum): it is dropped, so infinite inputs give the infinite sum (see {@link #finite}).
     */
    static double join(float hi, float lo) {
        return (double) hi + (lo != lo ? 0f : lo);
    }

    /** The dumped sums and their accumulated TwoSum errors {@code x + y}, lane by lane, summed in double. */
    static double combineErrors(float[] x, float[] y) {
        double total = 0;
        for (int l = 0; l < LANES; l++) {
            total += (double) x[l] + y[l];
        }
        return total;
    }

    /** The dumped single accumulators {@code x - y}, lane by lane, summed in double. */
    static double combine(float[] x, float[] y) {
        double total = 0;
        for (int l = 0; l < LANES; l++) {
            total += (double) x[l] - y[l];
        }
        return total;
    }

    /**
     * A compensation or rounding error that is not finite only because the running sum became infinite is dropped,
     * so infinite inputs and sums that overflow float give the infinite sum the reference's value rounded to float
     * gives (if the data held NaN the running sum itself is already NaN). A TwoSum error is then NaN
     * ({@code inf - inf}); a Kahan compensation {@code (u - s) - y} is NaN after an infinite term but {@code +-inf}
     * when the sum overflows, and fed back into the next term it would make the sum {@code inf - inf}: Kahan loops
     * therefore test for both ({@code k - k != 0}). Applied where inputs can be infinite or huge: raw probabilities,
     * targets, and {@code t * (max - x)} with a {@code -inf} or 1e38-scale logit. Vector code writes it out,
     * {@code k.blend(0f, k.sub(k).compare(NE, 0f))} (TwoSum loops: {@code k.compare(NE, k)}): a helper taking a
     * vector boxes it wherever C2 stops inlining (it did in catLogTerms, whose inlined log fills the node budget: the
     * categorical probability path ran at a fifth of its speed).
     */
    static float finite(float k) {
        return k - k != 0f ? 0f : k;
    }

    /**
     * The row sum that Keras rounds to float before dividing (categorical, normalise then clip). A one-ulp change
     * there moves every term, so this sum uses error-free transformations (Sum2: TwoSum per addition, errors summed
     * separately) to round like the reference's double sum.
     */
    static double exactSum(float[] a, int from, int to, Scratch sc) {
        FloatVector s = FloatVector.zero(F);
        FloatVector c = s;
        int i = from;
        for (; i + LANES <= to; i += LANES) {
            FloatVector x = FloatVector.fromArray(F, a, i);
            FloatVector u = s.add(x);
            FloatVector bp = u.sub(s);
            FloatVector comp = s.sub(u.sub(bp)).add(x.sub(bp));
            c = c.add(comp.blend(0f, comp.compare(VectorOperators.NE, comp)));
            s = u;
        }
        s.intoArray(sc.a, 0);
        c.intoArray(sc.b, 0);
        double total = 0;
        for (int l = 0; l < LANES; l++) {
            total += (double) sc.a[l] + sc.b[l];
        }
        for (; i < to; i++) {
            total += a[i];
        }
        return total;
    }

    /** The kinds of row sum ({@link #rowSum}, {@link VectorStrided#laneSums}): clipped, raw, of exps. */
    static final int CLIP = 0;
    static final int RAW = 1;
    static final int EXP = 2;

    /**
     * One row, scalar, in the lane order of {@link VectorStrided#sparseLanes} (also the path for rows with few
     * classes).
     */
    static double sparseTwin(float[] a, int b, int stride, int classes, int label, ProbabilityMode mode) {
        double s = 0;
        float m = NEG_INF;
        if (mode == ProbabilityMode.LOGITS) {
            for (int c = 0, i = b; c < classes; c++, i += stride) {
                float x = a[i];
                if (x > m) {
                    m = x;
                }
            }
            for (int c = 0, i = b; c < classes; c++, i += stride) {
                s += FloatMath.exp(a[i] - m);
            }
        } else {
            boolean clip = mode == ProbabilityMode.CLIP_THEN_NORMALIZE;
            for (int c = 0, i = b; c < classes; c++, i += stride) {
                s += clip ? clip(a[i]) : a[i];
            }
        }
        return finishSparse(mode, s, m, a[b + label * stride]);
    }

    /**
     * A row's loss from its sum ({@code sum clip(p)}, {@code sum p} or {@code sum exp(x - max)}), its max (logits)
     * and its label's value {@code x}: one {@link FloatMath#logDouble} of {@link #logArgument}, then
     * {@link #finishLog}. Row groups take the same three steps with the log done for the group at once.
     */
    static double finishSparse(ProbabilityMode mode, double sum, float max, float x) {
        return finishLog(mode, FloatMath.logDouble(logArgument(mode, sum, x)), max, x);
    }

    static double logArgument(ProbabilityMode mode, double sum, float x) {
        switch (mode) {
            case LOGITS:
                return sum;
            case CLIP_THEN_NORMALIZE:
                return sum / clip(x);
            default:
                return clip((float) (x / sum));
        }
    }

    static double finishLog(ProbabilityMode mode, double log, float max, float x) {
        switch (mode) {
            case LOGITS:
                // An all -inf (or NaN) row: the reference's (-inf) - (-inf) is NaN.
                return max == NEG_INF ? Double.NaN : log - ((double) x - max);
            case CLIP_THEN_NORMALIZE:
                return log;
            default:
                return -log;
        }
    }

    @Override
    public void categorical(NdArray pred, NdArray target, RowLayout layout, double keep, double add,
                            ProbabilityMode mode, Precision precision, double[] out, int outOffset, int from,
                            int to) {
        VectorCategorical.categorical(pred, target, layout, keep, add, mode, precision, out, outOffset, from, to);
    }
}
