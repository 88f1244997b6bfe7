package dev.xent.internal.kernel;

import static dev.xent.internal.kernel.CrossEntropyKernel.IGNORED;
import static dev.xent.internal.kernel.VectorKernel.BLOCK;
import static dev.xent.internal.kernel.VectorKernel.CLIP;
import static dev.xent.internal.kernel.VectorKernel.D;
import static dev.xent.internal.kernel.VectorKernel.DLANES;
import static dev.xent.internal.kernel.VectorKernel.EXP;
import static dev.xent.internal.kernel.VectorKernel.EXP_BIAS;
import static dev.xent.internal.kernel.VectorKernel.HI;
import static dev.xent.internal.kernel.VectorKernel.LO;
import static dev.xent.internal.kernel.VectorKernel.MIN_VECTOR;
import static dev.xent.internal.kernel.VectorKernel.NEG_INF;
import static dev.xent.internal.kernel.VectorKernel.RAW;
import static dev.xent.internal.kernel.VectorKernel.finishLog;
import static dev.xent.internal.kernel.VectorKernel.foldVirtual;
import static dev.xent.internal.kernel.VectorKernel.join;
import static dev.xent.internal.kernel.VectorKernel.logArgument;
import static dev.xent.internal.kernel.VectorKernel.sparseRow;
import static dev.xent.internal.kernel.VectorKernel.sparseTwin;
import static dev.xent.internal.kernel.VectorMath.F;
import static dev.xent.internal.kernel.VectorMath.LANES;

import dev.xent.internal.kernel.VectorKernel.Scratch;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link VectorKernel}'s sparse rows with a class axis before others (channels first): one row per lane, class
 * {@code c} of {@code LANES} neighbouring rows one contiguous load. For rows of {@link VectorKernel#MIN_VECTOR}
 * classes or more the lanes replay exactly the operations the contiguous path performs on one row (see the note
 * above {@link #laneSums}); rows with fewer take {@link VectorKernel#sparseTwin}'s sequential order.
 */
final class VectorStrided {

    private VectorStrided() {}

    /**
     * {@code n} rows, one per lane, whose class {@code c} sits at {@code a[b + c * stride + j]} for row {@code j}:
     * the channels-first layout. Groups of {@code LANES} rows are one vector per class; the rest use the twin.
     */
    static void sparseStrided(float[] a, int b, int stride, int classes, int n, int[] labels, int lr,
                              ProbabilityMode mode, double[] out, int op, Scratch sc) {
        int j = 0;
        boolean wide = classes >= MIN_VECTOR;
        if (stride >= MIN_VECTOR) {
            for (; j + LANES <= n; j += LANES) {
                if (wide) {
                    sparseWideLanes(a, b + j, stride, classes, labels, lr + j, mode, out, op + j, sc);
                } else {
                    sparseLanes(a, b + j, stride, classes, labels, lr + j, mode, out, op + j, sc);
                }
            }
        }
        for (; j < n; j++) {
            int label = labels[lr + j];
            if (label == IGNORED) {
                out[op + j] = 0.0;
            } else if (wide) {
                out[op + j] = (float) sparseRow(sc.gather(a, b + j, stride, classes, false), 0, classes, label, mode,
                        sc);
            } else {
                out[op + j] = (float) sparseTwin(a, b + j, stride, classes, label, mode);
            }
        }
    }

    // ---- strided rows with many classes: the contiguous path's operations, one row per lane -----------------------
    //
    // A row's value must not depend on where its class axis is, so for classes >= MIN_VECTOR the lanes below replay
    // exactly what sparseRow/catRow do to a contiguous row: "virtual lane" l of the contiguous code (the classes it
    // accumulates, in its order, into its own sum and error sum) is computed here for LANES rows at once, and the
    // per-lane totals are reduced in the same order (reducePair's, computed for LANES rows at once).

    /**
     * For {@code LANES} strided rows: into {@code tot[row]}, exactly what {@link VectorKernel#sum} ({@code CLIP},
     * {@code RAW}) or {@link VectorKernel#sumExp} ({@code EXP}) returns for that row's classes {@code [from, to)}.
     * Phase {@code l} replays virtual lane {@code l} of the contiguous loop: the classes that lane {@code l} of each
     * accumulator reads, step by step, including the masked last step; the per-lane results are then reduced as {@link
     * VectorKernel#reducePair} does (sums of exps) or as {@link VectorKernel#foldVirtual} does (probabilities, see
     * {@link #probabilityLaneSums}).
     */
    static void laneSums(float[] a, int b, int stride, int from, int to, int kind, FloatVector max,
                         double[] tot, Scratch sc) {
        if (kind != EXP) {
            probabilityLaneSums(a, b, stride, from, to, kind == CLIP, tot, sc);
            return;
        }
        int len = to - from;
        int base = b + from * stride;
        FloatVector zero = FloatVector.zero(F);
        FloatVector start = FloatVector.broadcast(F, EXP_BIAS);
        // A row shorter than one vector is one sequential sum (shortSum's): one phase, one accumulator, every class.
        boolean whole = len < LANES;
        int n2 = len / (2 * LANES) * (2 * LANES);
        float[][] virtualHi = sc.virtualHi;
        float[][] virtualLo = sc.virtualLo;
        for (int l = 0; l < (whole ? 1 : LANES); l++) {
            // acc = 0, 1: the main loop's two accumulators (lane l reads class step + l, step + LANES + l);
            // acc = 2: the single-vector rest, whose last step reads the row's last vector, lane l counted if unmasked.
            for (int acc = 0; acc < (whole ? 1 : 3); acc++) {
                FloatVector s = start;
                FloatVector k = zero;
                int first = whole ? 0 : acc < 2 ? acc * LANES + l : n2;
                int limit = whole ? len : acc < 2 ? n2 : len;
                int step = whole ? 1 : acc < 2 ? 2 * LANES : LANES;
                for (int i = first; i < limit; i += step) {
                    int c = i;
                    if (acc == 2) {
                        if (l < i + LANES - len) {
                            continue; // masked: already counted
                        }
                        c = Math.min(i, len - LANES) + l;
                    }
                    FloatVector y = VectorMath.exp(FloatVector.fromArray(F, a, base + c * stride).sub(max));
                    FloatVector t = s.add(y);
                    k = k.add(y.sub(t.sub(s)));
                    s = t;
                }
                s.sub(EXP_BIAS).intoArray(acc == 0 ? sc.a : acc == 1 ? sc.c : sc.e, 0);
                k.intoArray(acc == 0 ? sc.b : acc == 1 ? sc.d : sc.f, 0);
            }
            if (whole) {
                for (int r = 0; r < LANES; r++) {
                    tot[r] = (double) sc.a[r] + sc.b[r];
                }
                return;
            }
            // reducePair's per-lane pair for virtual lane l, for LANES rows at once.
            FloatVector s0 = FloatVector.fromArray(F, sc.a, 0);
            FloatVector s1 = FloatVector.fromArray(F, sc.c, 0);
            FloatVector s2 = FloatVector.fromArray(F, sc.e, 0);
            FloatVector h1 = s0.add(s1);
            FloatVector b1 = h1.sub(s0);
            FloatVector e1 = s0.sub(h1.sub(b1)).add(s1.sub(b1));
            FloatVector hi = h1.add(s2);
            FloatVector b2 = hi.sub(h1);
            FloatVector e2 = h1.sub(hi.sub(b2)).add(s2.sub(b2));
            FloatVector lo = e1.add(e2).add(FloatVector.fromArray(F, sc.b, 0).add(FloatVector.fromArray(F, sc.d, 0))
                    .add(FloatVector.fromArray(F, sc.f, 0)));
            hi.intoArray(virtualHi[l], 0);
            lo.intoArray(virtualLo[l], 0);
        }
        // The lane tree (reduceLanes) over the virtual lanes, for LANES rows at once.
        for (int w = LANES / 2; w >= 1; w >>= 1) {
            for (int l = 0; l < w; l++) {
                FloatVector hi = FloatVector.fromArray(F, virtualHi[l], 0);
                FloatVector h = FloatVector.fromArray(F, virtualHi[l + w], 0);
                FloatVector t = hi.add(h);
                FloatVector bt = t.sub(hi);
                FloatVector lo = FloatVector.fromArray(F, virtualLo[l], 0)
                        .add(FloatVector.fromArray(F, virtualLo[l + w], 0)).add(hi.sub(t.sub(bt)).add(h.sub(bt)));
                t.intoArray(virtualHi[l], 0);
                lo.intoArray(virtualLo[l], 0);
            }
        }
        for (int r = 0; r < LANES; r++) {
            tot[r] = join(virtualHi[0][r], virtualLo[0][r]);
        }
    }

    /**
     * {@link #laneSums} of probabilities: for {@code LANES} strided rows, what {@link VectorKernel#sum} returns for
     * each. Virtual accumulator {@code q} (element {@code q} of every step of two vectors, then for {@code q < LANES}
     * lane {@code q} of the rest's unmasked steps) is summed for all rows at once in double, then {@link
     * VectorKernel#foldVirtual} per row. A row shorter than one vector is one sequential double sum, as {@link
     * VectorKernel#shortSum}.
     */
    private static void probabilityLaneSums(float[] a, int b, int stride, int from, int to, boolean clip,
                                            double[] tot, Scratch sc) {
        int len = to - from;
        int base = b + from * stride;
        boolean whole = len < LANES;
        int n2 = len / (2 * LANES) * (2 * LANES);
        double[][] virtual = sc.virtualSums;
        for (int q = 0; q < (whole ? 1 : 2 * LANES); q++) {
            DoubleVector lo = DoubleVector.zero(D);
            DoubleVector hi = lo;
            int end = whole ? len : n2;
            for (int c = whole ? 0 : q; c < end; c += whole ? 1 : 2 * LANES) {
                FloatVector x = FloatVector.fromArray(F, a, base + c * stride);
                if (clip) {
                    x = x.blend(LO, x.compare(VectorOperators.LT, LO)).blend(HI, x.compare(VectorOperators.GT, HI));
                }
                lo = lo.add((DoubleVector) x.convertShape(VectorOperators.F2D, D, 0));
                hi = hi.add((DoubleVector) x.convertShape(VectorOperators.F2D, D, 1));
            }
            for (int i = n2; !whole && q < LANES && i < len; i += LANES) {
                if (q >= i + LANES - len) {
                    FloatVector x = FloatVector.fromArray(F, a, base + (Math.min(i, len - LANES) + q) * stride);
                    if (clip) {
                        x = x.blend(LO, x.compare(VectorOperators.LT, LO))
                                .blend(HI, x.compare(VectorOperators.GT, HI));
                    }
                    lo = lo.add((DoubleVector) x.convertShape(VectorOperators.F2D, D, 0));
                    hi = hi.add((DoubleVector) x.convertShape(VectorOperators.F2D, D, 1));
                }
            }
            lo.intoArray(whole ? tot : virtual[q], 0);
            hi.intoArray(whole ? tot : virtual[q], DLANES);
        }
        if (whole) {
            return;
        }
        double[] v = sc.virtualRow;
        for (int r = 0; r < LANES; r++) {
            for (int q = 0; q < 2 * LANES; q++) {
                v[q] = virtual[q][r];
            }
            tot[r] = foldVirtual(v, sc.dlanes);
        }
    }

    /** Lane-wise max over classes {@code [from, to)} of {@code LANES} strided rows (NaN ignored, as {@link #max}). */
    static FloatVector laneMax(float[] a, int b, int stride, int from, int to) {
        FloatVector m = FloatVector.broadcast(F, NEG_INF);
        for (int c = from, i = b + from * stride; c < to; c++, i += stride) {
            FloatVector v = FloatVector.fromArray(F, a, i);
            m = m.blend(v, v.compare(VectorOperators.GT, m));
        }
        return m;
    }

    /** {@link VectorKernel#sparseRow} for {@code LANES} strided rows at once. */
    private static void sparseWideLanes(float[] a, int b, int stride, int classes, int[] labels, int lr,
                                        ProbabilityMode mode, double[] out, int op, Scratch sc) {
        double[] tot = sc.tot;
        if (mode != ProbabilityMode.LOGITS) {
            boolean clip = mode == ProbabilityMode.CLIP_THEN_NORMALIZE;
            laneSums(a, b, stride, 0, classes, clip ? CLIP : RAW, null, tot, sc);
            finishGroup(a, b, stride, labels, lr, mode, tot, null, null, out, op, sc);
            return;
        }
        double[] sum = sc.run;
        boolean[] fallback = sc.fallback;
        java.util.Arrays.fill(fallback, false);
        FloatVector max = FloatVector.broadcast(F, NEG_INF);
        for (int blk = 0; blk < classes; blk += BLOCK) {
            int end = Math.min(classes, blk + BLOCK);
            FloatVector blockMax = laneMax(a, b, stride, blk, end);
            FloatVector newMax = max.blend(blockMax, blockMax.compare(VectorOperators.GT, max));
            laneSums(a, b, stride, blk, end, EXP, newMax, tot, sc);
            max.intoArray(sc.e, 0);
            newMax.intoArray(sc.f, 0);
            for (int r = 0; r < LANES; r++) {
                if (sc.f[r] == NEG_INF) {
                    fallback[r] = true;
                }
                sum[r] = blk == 0 ? tot[r] : sum[r] * Math.exp((double) sc.e[r] - sc.f[r]) + tot[r];
            }
            max = newMax;
        }
        max.intoArray(sc.g, 0);
        finishGroup(a, b, stride, labels, lr, mode, sum, sc.g, fallback, out, op, sc);
        for (int r = 0; r < LANES; r++) {
            if (fallback[r] && labels[lr + r] != IGNORED) {
                out[op + r] = (float) sparseTwin(a, b + r, stride, classes, labels[lr + r], mode);
            }
        }
    }

    /**
     * The final log of {@code LANES} rows at once: row {@code r} (class {@code c} at {@code a[b + r + c * stride]})
     * gets {@code finishSparse(mode, sum[r], max[r], label's value)}, its log from {@link VectorMath#logDouble}
     * (the twin's {@link FloatMath#logDouble} lane for lane). {@code max} is null for probabilities; rows marked in
     * {@code skip} (may be null) are left to the caller.
     */
    private static void finishGroup(float[] a, int b, int stride, int[] labels, int lr, ProbabilityMode mode,
                                    double[] sum, float[] max, boolean[] skip, double[] out, int op, Scratch sc) {
        for (int r = 0; r < LANES; r++) {
            int label = labels[lr + r];
            float x = label == IGNORED ? 0f : a[b + r + label * stride];
            sc.labelValue[r] = x;
            sc.logArg[r] = logArgument(mode, sum[r], x);
        }
        VectorMath.logDouble(sc.logArg, sc.logs);
        for (int r = 0; r < LANES; r++) {
            if (labels[lr + r] == IGNORED) {
                out[op + r] = 0.0;
            } else if (skip == null || !skip[r]) {
                out[op + r] = (float) finishLog(mode, sc.logs[r], max == null ? 0f : max[r], sc.labelValue[r]);
            }
        }
    }

    /** {@code LANES} strided rows at once: exactly {@link VectorKernel#sparseTwin}'s operations, one row per lane. */
    static void sparseLanes(float[] a, int b, int stride, int classes, int[] labels, int lr,
                            ProbabilityMode mode, double[] out, int op, Scratch sc) {
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = s0;
        FloatVector m = FloatVector.broadcast(F, NEG_INF);
        if (mode == ProbabilityMode.LOGITS) {
            for (int c = 0, i = b; c < classes; c++, i += stride) {
                FloatVector v = FloatVector.fromArray(F, a, i);
                m = m.blend(v, v.compare(VectorOperators.GT, m));
            }
            for (int c = 0, i = b; c < classes; c++, i += stride) {
                FloatVector y = VectorMath.exp(FloatVector.fromArray(F, a, i).sub(m));
                s0 = s0.add((DoubleVector) y.convertShape(VectorOperators.F2D, D, 0));
                s1 = s1.add((DoubleVector) y.convertShape(VectorOperators.F2D, D, 1));
            }
        } else {
            boolean clip = mode == ProbabilityMode.CLIP_THEN_NORMALIZE;
            for (int c = 0, i = b; c < classes; c++, i += stride) {
                FloatVector v = FloatVector.fromArray(F, a, i);
                if (clip) {
                    v = v.blend(LO, v.compare(VectorOperators.LT, LO));
                    v = v.blend(HI, v.compare(VectorOperators.GT, HI));
                }
                s0 = s0.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0));
                s1 = s1.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1));
            }
        }
        double[] sum = sc.tot;
        s0.intoArray(sum, 0);
        s1.intoArray(sum, DLANES);
        m.intoArray(sc.c, 0);
        finishGroup(a, b, stride, labels, lr, mode, sum, sc.c, null, out, op, sc);
    }
}
