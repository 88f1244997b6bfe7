package dev.xent.internal.kernel;

import static dev.xent.internal.kernel.VectorKernel.BLOCK;
import static dev.xent.internal.kernel.VectorKernel.COPY_BLOCK;
import static dev.xent.internal.kernel.VectorKernel.HI;
import static dev.xent.internal.kernel.VectorKernel.LO;
import static dev.xent.internal.kernel.VectorKernel.MAX_COPY;
import static dev.xent.internal.kernel.VectorKernel.MIN_VECTOR;
import static dev.xent.internal.kernel.VectorKernel.NEG_INF;
import static dev.xent.internal.kernel.VectorKernel.clip;
import static dev.xent.internal.kernel.VectorKernel.combine;
import static dev.xent.internal.kernel.VectorKernel.combineErrors;
import static dev.xent.internal.kernel.VectorKernel.copy;
import static dev.xent.internal.kernel.VectorKernel.exactSum;
import static dev.xent.internal.kernel.VectorKernel.fast;
import static dev.xent.internal.kernel.VectorKernel.finite;
import static dev.xent.internal.kernel.VectorKernel.max;
import static dev.xent.internal.kernel.VectorKernel.transpose;
import static dev.xent.internal.kernel.VectorMath.F;
import static dev.xent.internal.kernel.VectorStrided.laneMax;
import static dev.xent.internal.kernel.VectorMath.LANES;

import dev.xent.internal.kernel.VectorKernel.Scratch;
import dev.xent.ndarray.NdArray;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link VectorKernel}'s categorical cross-entropy: per row one pass for the row's sum (of exps from logits, with
 * {@code sum t} and {@code sum t (max - x)} beside it; of the probabilities otherwise), a second over the row's
 * targets for {@code sum t log(clip(x / sum))} (probabilities; re-read from cache), the smoothing
 * {@code t * keep + add} applied on the fly. Rows with the class axis last spread their classes over the lanes (from
 * {@link VectorKernel#MIN_VECTOR} classes); with a class axis before others each lane is one row, replayed exactly by
 * the scalar {@link #catTwin}. The numerics are {@link VectorKernel}'s (see there).
 */
final class VectorCategorical {

    private VectorCategorical() {}

    static void categorical(NdArray pred, NdArray target, RowLayout layout, double keep, double add,
                            ProbabilityMode mode, Precision precision, double[] out, int outOffset, int from,
                            int to) {
        int classes = layout.classes;
        int inner = layout.inner;
        if (precision != Precision.FLOAT32 || !fast(pred) || !fast(target)
                || ((!pred.hasArray() || !target.hasArray()) && (long) classes * Math.min(inner, 2) > MAX_COPY)) {
            ScalarKernel.INSTANCE.categorical(pred, target, layout, keep, add, mode, precision, out, outOffset, from,
                    to);
            return;
        }
        if (classes == 0) {
            java.util.Arrays.fill(out, outOffset, outOffset + (to - from), 0.0);
            return;
        }
        Smoothing sm = new Smoothing((float) keep, (float) add);
        Scratch sc = new Scratch();
        if (pred.hasArray() && target.hasArray()) {
            float[] p = (float[]) pred.array();
            float[] t = (float[]) target.array();
            int po = pred.arrayOffset();
            int to0 = target.arrayOffset();
            if (inner == 1) {
                catContiguous(p, po + from * classes, t, to0 + from * classes, classes, to - from, sm, mode, out,
                        outOffset, sc);
                return;
            }
            for (int r = from; r < to; ) {
                int o = r / inner;
                int i = r - o * inner;
                int n = Math.min(inner - i, to - r);
                int base = o * classes * inner + i;
                catStrided(p, po + base, t, to0 + base, inner, classes, n, sm, mode, out, outOffset + (r - from), sc);
                r += n;
            }
            return;
        }
        if (inner == 1) {
            int k = Math.max(1, COPY_BLOCK / classes);
            int size = Math.min(k, to - from) * classes;
            float[] pb = new float[size];
            float[] tb = new float[size];
            for (int r = from; r < to; r += k) {
                int m = Math.min(k, to - r);
                copy(pred, r * classes, pb, 0, m * classes);
                copy(target, r * classes, tb, 0, m * classes);
                catContiguous(pb, 0, tb, 0, classes, m, sm, mode, out, outOffset + (r - from), sc);
            }
            return;
        }
        int w = Math.max(1, COPY_BLOCK / classes);
        int size = Math.min(w, Math.min(inner, to - from)) * classes;
        float[] pb = new float[size];
        float[] tb = new float[size];
        for (int r = from; r < to; ) {
            int o = r / inner;
            int i = r - o * inner;
            int n = Math.min(inner - i, to - r);
            for (int j = 0; j < n; j += w) {
                int ww = Math.min(w, n - j);
                for (int c = 0; c < classes; c++) {
                    int src = o * classes * inner + c * inner + i + j;
                    copy(pred, src, pb, c * ww, ww);
                    copy(target, src, tb, c * ww, ww);
                }
                catStrided(pb, 0, tb, 0, ww, classes, ww, sm, mode, out, outOffset + (r + j - from), sc);
            }
            r += n;
        }
    }

    /** Label smoothing {@code t * keep + add} in float32 (Keras casts both constants to the compute dtype). */
    static final class Smoothing {
        final float keep;
        final float add;
        final boolean on;

        Smoothing(float keep, float add) {
            this.keep = keep;
            this.add = add;
            this.on = keep != 1f || add != 0f;
        }

        float apply(float t) {
            return on ? t * keep + add : t;
        }

        FloatVector apply(FloatVector t) {
            return on ? t.mul(keep).add(add) : t;
        }
    }

    private static void catContiguous(float[] p, int pb, float[] t, int tb, int classes, int n, Smoothing sm,
                                      ProbabilityMode mode, double[] out, int op, Scratch sc) {
        boolean vector = classes >= MIN_VECTOR;
        int j = 0;
        if (!vector && n >= MIN_VECTOR) {
            float[] tile = sc.tile(classes);
            float[] tileT = sc.tileT(classes);
            for (; j + LANES <= n; j += LANES) {
                transpose(p, pb + j * classes, classes, tile);
                transpose(t, tb + j * classes, classes, tileT);
                catLanes(tile, 0, tileT, 0, LANES, classes, sm, mode, out, op + j, sc);
            }
        }
        for (; j < n; j++) {
            int pr = pb + j * classes;
            int tr = tb + j * classes;
            double loss = vector ? catRow(p, pr, t, tr, classes, sm, mode, sc)
                    : catTwin(p, pr, t, tr, 1, classes, sm, mode);
            out[op + j] = (float) loss;
        }
    }

    private static double catRow(float[] p, int pr, float[] t, int tr, int classes, Smoothing sm,
                                 ProbabilityMode mode, Scratch sc) {
        if (mode == ProbabilityMode.LOGITS) {
            float max = NEG_INF;
            double sum = 0;
            double tsum = 0;
            double wsum = 0;
            for (int blk = 0; blk < classes; blk += BLOCK) {
                int end = Math.min(classes, blk + BLOCK);
                float blockMax = max(p, pr + blk, pr + end);
                float newMax = blockMax > max ? blockMax : max;
                if (newMax == NEG_INF) {
                    return catTwin(p, pr, t, tr, 1, classes, sm, mode);
                }
                catLogitsBlock(p, pr + blk, t, tr + blk, end - blk, newMax, sm, sc);
                if (blk == 0) {
                    sum = sc.s;
                    tsum = sc.t;
                    wsum = sc.w;
                } else {
                    double d = (double) newMax - max;
                    sum = sum * Math.exp(-d) + sc.s;
                    wsum = wsum + tsum * d + sc.w;
                    tsum += sc.t;
                }
                max = newMax;
            }
            return tsum * Math.log(sum) + wsum;
        }
        float rowSum = (float) exactSum(p, pr, pr + classes, sc);
        return -catLogTerms(p, pr, t, tr, classes, rowSum, sm, sc);
    }

    /** Over one block: {@code sum exp(x - max)}, {@code sum t}, {@code sum t (max - x)} into {@code sc}. */
    private static void catLogitsBlock(float[] p, int pi, float[] t, int ti, int len, float max, Smoothing sm,
                                       Scratch sc) {
        FloatVector vmax = FloatVector.broadcast(F, max);
        FloatVector s = FloatVector.zero(F);
        FloatVector ks = s;
        FloatVector ts = s;
        FloatVector kt = s;
        FloatVector ws = s;
        FloatVector kw = s;
        int i = 0;
        for (; i + LANES <= len; i += LANES) {
            FloatVector x = FloatVector.fromArray(F, p, pi + i);
            FloatVector tv = sm.apply(FloatVector.fromArray(F, t, ti + i));
            FloatVector y = VectorMath.exp(x.sub(vmax));
            FloatVector u = s.add(y);
            FloatVector bu = u.sub(s);
            ks = ks.add(s.sub(u.sub(bu)).add(y.sub(bu)));
            s = u;
            y = tv.sub(kt);
            u = ts.add(y);
            kt = u.sub(ts).sub(y);
            kt = kt.blend(0f, kt.sub(kt).compare(VectorOperators.NE, 0f));
            ts = u;
            y = tv.mul(vmax.sub(x)).sub(kw);
            u = ws.add(y);
            kw = u.sub(ws).sub(y);
            kw = kw.blend(0f, kw.sub(kw).compare(VectorOperators.NE, 0f));
            ws = u;
        }
        double[] tail = sc.tail;
        catLogitsKahan(p, pi, t, ti, i, len, 1, max, sm, tail);
        s.intoArray(sc.a, 0);
        ks.intoArray(sc.b, 0);
        ts.intoArray(sc.c, 0);
        kt.intoArray(sc.d, 0);
        ws.intoArray(sc.e, 0);
        kw.intoArray(sc.f, 0);
        sc.s = combineErrors(sc.a, sc.b) + tail[0];
        sc.t = combine(sc.c, sc.d) + tail[1];
        sc.w = combine(sc.e, sc.f) + tail[2];
    }

    /**
     * One lane of {@link #catLogitsBlock} in scalar code: over {@code i = from, from + step, ... < to}, Kahan sums of
     * {@code exp(x - max)}, of {@code t} and of {@code t (max - x)}, each as {@code (double) sum - compensation} into
     * {@code out[0..2]}. The vector kernel's scalar tail (step 1) and {@code LaneTwin}'s lanes (step LANES).
     */
    static void catLogitsKahan(float[] p, int pi, float[] t, int ti, int from, int to, int step, float max,
                               Smoothing sm, double[] out) {
        float s1 = 0f;
        float k1 = 0f;
        float s2 = 0f;
        float k2 = 0f;
        float s3 = 0f;
        float k3 = 0f;
        for (int i = from; i < to; i += step) {
            float x = p[pi + i];
            float tv = sm.apply(t[ti + i]);
            float y = FloatMath.exp(x - max);
            float u = s1 + y;
            float bu = u - s1;
            k1 += (s1 - (u - bu)) + (y - bu);
            s1 = u;
            y = tv - k2;
            u = s2 + y;
            k2 = finite((u - s2) - y);
            s2 = u;
            y = tv * (max - x) - k3;
            u = s3 + y;
            k3 = finite((u - s3) - y);
            s3 = u;
        }
        out[0] = (double) s1 + k1;
        out[1] = (double) s2 - k2;
        out[2] = (double) s3 - k3;
    }

    /**
     * Whether a row's terms {@code t log(clip(x / rowSum))} with {@code t == 0} are all zeros that may be left out:
     * without smoothing (which makes every target non-zero) and with a finite, non-zero row sum (so that no quotient
     * is NaN, which would make {@code 0 * log} NaN).
     */
    static boolean zeroTargetsVanish(float rowSum, Smoothing sm) {
        return !sm.on && rowSum - rowSum == 0f && rowSum != 0f;
    }

    /**
     * {@code sum t log(clip(x / rowSum))} over one contiguous row, compensated. Lanes whose target is zero take no
     * part when their terms vanish ({@link #zeroTargetsVanish}; adding a zero is not a no-op for Kahan's update,
     * which would fold in the pending compensation), and vectors of zero targets are skipped: a one-hot row takes one
     * vector log instead of one per vector. {@link #catWideLanes} masks its lanes the same way.
     */
    private static double catLogTerms(float[] p, int pr, float[] t, int tr, int classes, float rowSum, Smoothing sm,
                                      Scratch sc) {
        boolean skipZeros = zeroTargetsVanish(rowSum, sm);
        VectorMask<Float> everyLane = F.maskAll(!skipZeros);
        FloatVector s = FloatVector.zero(F);
        FloatVector k = s;
        int i = 0;
        for (; i + LANES <= classes; i += LANES) {
            FloatVector tv = FloatVector.fromArray(F, t, tr + i);
            VectorMask<Float> m = tv.compare(VectorOperators.NE, 0f).or(everyLane);
            if (!m.anyTrue()) {
                continue;
            }
            FloatVector q = FloatVector.fromArray(F, p, pr + i).div(rowSum);
            q = q.blend(LO, q.compare(VectorOperators.LT, LO));
            q = q.blend(HI, q.compare(VectorOperators.GT, HI));
            FloatVector y = sm.apply(tv).mul(VectorMath.log(q)).sub(k);
            FloatVector u = s.add(y);
            FloatVector comp = u.sub(s).sub(y);
            k = k.blend(comp.blend(0f, comp.sub(comp).compare(VectorOperators.NE, 0f)), m);
            s = s.blend(u, m);
        }
        float s1 = 0f;
        float k1 = 0f;
        for (; i < classes; i++) {
            float tv = t[tr + i];
            if (skipZeros && tv == 0f) {
                continue;
            }
            float y = sm.apply(tv) * FloatMath.log(clip(p[pr + i] / rowSum)) - k1;
            float u = s1 + y;
            k1 = finite((u - s1) - y);
            s1 = u;
        }
        s.intoArray(sc.a, 0);
        k.intoArray(sc.b, 0);
        return combine(sc.a, sc.b) + ((double) s1 - k1);
    }

    private static void catStrided(float[] p, int pb, float[] t, int tb, int stride, int classes, int n,
                                   Smoothing sm, ProbabilityMode mode, double[] out, int op, Scratch sc) {
        int j = 0;
        boolean wide = classes >= MIN_VECTOR;
        if (stride >= MIN_VECTOR) {
            for (; j + LANES <= n; j += LANES) {
                if (wide) {
                    catWideLanes(p, pb + j, t, tb + j, stride, classes, sm, mode, out, op + j, sc);
                } else {
                    catLanes(p, pb + j, t, tb + j, stride, classes, sm, mode, out, op + j, sc);
                }
            }
        }
        for (; j < n; j++) {
            if (wide) {
                float[] pr = sc.gather(p, pb + j, stride, classes, false);
                float[] tr = sc.gather(t, tb + j, stride, classes, true);
                out[op + j] = (float) catRow(pr, 0, tr, 0, classes, sm, mode, sc);
            } else {
                out[op + j] = (float) catTwin(p, pb + j, t, tb + j, stride, classes, sm, mode);
            }
        }
    }

    /** {@link #catRow} for {@code LANES} strided rows at once (see the note above {@link VectorStrided#laneSums}). */
    private static void catWideLanes(float[] p, int pb, float[] t, int tb, int stride, int classes, Smoothing sm,
                                     ProbabilityMode mode, double[] out, int op, Scratch sc) {
        FloatVector zero = FloatVector.zero(F);
        if (mode != ProbabilityMode.LOGITS) {
            // exactSum: one TwoSum accumulator per virtual lane, then the tail added in double.
            int n1 = classes / LANES * LANES;
            double[] tot = sc.tot;
            java.util.Arrays.fill(tot, 0.0);
            for (int l = 0; l < LANES; l++) {
                FloatVector s = zero;
                FloatVector c = zero;
                for (int k = l, i = pb + l * stride; k < n1; k += LANES, i += LANES * stride) {
                    FloatVector x = FloatVector.fromArray(F, p, i);
                    FloatVector u = s.add(x);
                    FloatVector bp = u.sub(s);
                    FloatVector comp = s.sub(u.sub(bp)).add(x.sub(bp));
                    c = c.add(comp.blend(0f, comp.compare(VectorOperators.NE, comp)));
                    s = u;
                }
                s.intoArray(sc.a, 0);
                c.intoArray(sc.b, 0);
                for (int r = 0; r < LANES; r++) {
                    tot[r] += (double) sc.a[r] + sc.b[r];
                }
            }
            for (int k = n1; k < classes; k++) {
                for (int r = 0; r < LANES; r++) {
                    tot[r] += p[pb + r + k * stride];
                }
            }
            for (int r = 0; r < LANES; r++) {
                sc.c[r] = (float) tot[r];
            }
            FloatVector rowSum = FloatVector.fromArray(F, sc.c, 0);
            // catLogTerms: one Kahan accumulator per virtual lane (phase l < LANES), then the scalar tail; a row's
            // zero targets take no part where its terms vanish (zeroTargetsVanish, lane by lane).
            VectorMask<Float> everyTerm = sm.on ? F.maskAll(true)
                    : rowSum.sub(rowSum).compare(VectorOperators.NE, 0f).or(rowSum.compare(VectorOperators.EQ, 0f));
            java.util.Arrays.fill(tot, 0.0);
            for (int l = 0; l <= LANES; l++) {
                boolean tail = l == LANES;
                FloatVector s = zero;
                FloatVector k = zero;
                for (int q = tail ? n1 : l; q < (tail ? classes : n1); q += tail ? 1 : LANES) {
                    FloatVector tv = FloatVector.fromArray(F, t, tb + q * stride);
                    VectorMask<Float> m = tv.compare(VectorOperators.NE, 0f).or(everyTerm);
                    if (!m.anyTrue()) {
                        continue;
                    }
                    FloatVector x = FloatVector.fromArray(F, p, pb + q * stride).div(rowSum);
                    x = x.blend(LO, x.compare(VectorOperators.LT, LO));
                    x = x.blend(HI, x.compare(VectorOperators.GT, HI));
                    FloatVector y = sm.apply(tv).mul(VectorMath.log(x)).sub(k);
                    FloatVector u = s.add(y);
                    FloatVector comp = u.sub(s).sub(y);
                    k = k.blend(comp.blend(0f, comp.sub(comp).compare(VectorOperators.NE, 0f)), m);
                    s = s.blend(u, m);
                }
                s.intoArray(sc.a, 0);
                k.intoArray(sc.b, 0);
                if (!tail) {
                    for (int r = 0; r < LANES; r++) {
                        tot[r] += (double) sc.a[r] - sc.b[r];
                    }
                }
            }
            for (int r = 0; r < LANES; r++) {
                out[op + r] = (float) -(tot[r] + ((double) sc.a[r] - sc.b[r]));
            }
            return;
        }
        double[] sum = sc.run;
        double[] tsum = sc.run2;
        double[] wsum = sc.run3;
        boolean[] fallback = sc.fallback;
        java.util.Arrays.fill(fallback, false);
        FloatVector max = FloatVector.broadcast(F, NEG_INF);
        for (int blk = 0; blk < classes; blk += BLOCK) {
            int end = Math.min(classes, blk + BLOCK);
            FloatVector blockMax = laneMax(p, pb, stride, blk, end);
            FloatVector newMax = max.blend(blockMax, blockMax.compare(VectorOperators.GT, max));
            laneCatLogits(p, pb + blk * stride, t, tb + blk * stride, stride, end - blk, newMax, sm, sc);
            max.intoArray(sc.e, 0);
            newMax.intoArray(sc.f, 0);
            for (int r = 0; r < LANES; r++) {
                if (sc.f[r] == NEG_INF) {
                    fallback[r] = true;
                }
                if (blk == 0) {
                    sum[r] = sc.tot[r];
                    tsum[r] = sc.tot2[r];
                    wsum[r] = sc.tot3[r];
                } else {
                    double d = (double) sc.f[r] - sc.e[r];
                    sum[r] = sum[r] * Math.exp(-d) + sc.tot[r];
                    wsum[r] = wsum[r] + tsum[r] * d + sc.tot3[r];
                    tsum[r] += sc.tot2[r];
                }
            }
            max = newMax;
        }
        for (int r = 0; r < LANES; r++) {
            out[op + r] = (float) (fallback[r] ? catTwin(p, pb + r, t, tb + r, stride, classes, sm, mode)
                    : tsum[r] * Math.log(sum[r]) + wsum[r]);
        }
    }

    /** {@link #catLogitsBlock} for {@code LANES} strided rows: into {@code sc.tot}, {@code tot2}, {@code tot3}. */
    private static void laneCatLogits(float[] p, int pb, float[] t, int tb, int stride, int len, FloatVector max,
                                      Smoothing sm, Scratch sc) {
        int n1 = len / LANES * LANES;
        java.util.Arrays.fill(sc.tot, 0.0);
        java.util.Arrays.fill(sc.tot2, 0.0);
        java.util.Arrays.fill(sc.tot3, 0.0);
        FloatVector zero = FloatVector.zero(F);
        for (int l = 0; l <= LANES; l++) {
            // l < LANES: virtual lane l (classes l, l + LANES, ... below n1); l == LANES: the scalar tail.
            int first = l < LANES ? l : n1;
            int step = l < LANES ? LANES : 1;
            int limit = l < LANES ? n1 : len;
            FloatVector s = zero;
            FloatVector ks = zero;
            FloatVector ts = zero;
            FloatVector kt = zero;
            FloatVector ws = zero;
            FloatVector kw = zero;
            for (int c = first; c < limit; c += step) {
                FloatVector x = FloatVector.fromArray(F, p, pb + c * stride);
                FloatVector tv = sm.apply(FloatVector.fromArray(F, t, tb + c * stride));
                FloatVector y = VectorMath.exp(x.sub(max));
                FloatVector u = s.add(y);
                FloatVector bu = u.sub(s);
                ks = ks.add(s.sub(u.sub(bu)).add(y.sub(bu)));
                s = u;
                y = tv.sub(kt);
                u = ts.add(y);
                kt = u.sub(ts).sub(y);
                kt = kt.blend(0f, kt.sub(kt).compare(VectorOperators.NE, 0f));
                ts = u;
                y = tv.mul(max.sub(x)).sub(kw);
                u = ws.add(y);
                kw = u.sub(ws).sub(y);
                kw = kw.blend(0f, kw.sub(kw).compare(VectorOperators.NE, 0f));
                ws = u;
            }
            s.intoArray(sc.a, 0);
            ks.intoArray(sc.b, 0);
            ts.intoArray(sc.c, 0);
            kt.intoArray(sc.d, 0);
            ws.intoArray(sc.e, 0);
            kw.intoArray(sc.f, 0);
            for (int r = 0; r < LANES; r++) {
                sc.tot[r] += (double) sc.a[r] + sc.b[r];
                sc.tot2[r] += (double) sc.c[r] - sc.d[r];
                sc.tot3[r] += (double) sc.e[r] - sc.f[r];
            }
        }
    }

    /** {@code LANES} strided rows at once: exactly {@link #catTwin}'s operations, one row per lane. */
    private static void catLanes(float[] p, int pb, float[] t, int tb, int stride, int classes, Smoothing sm,
                                 ProbabilityMode mode, double[] out, int op, Scratch sc) {
        FloatVector s = FloatVector.zero(F);
        FloatVector ks = s;
        if (mode == ProbabilityMode.LOGITS) {
            FloatVector m = FloatVector.broadcast(F, NEG_INF);
            for (int c = 0, i = pb; c < classes; c++, i += stride) {
                FloatVector v = FloatVector.fromArray(F, p, i);
                m = m.blend(v, v.compare(VectorOperators.GT, m));
            }
            FloatVector ts = s;
            FloatVector kt = s;
            FloatVector ws = s;
            FloatVector kw = s;
            for (int c = 0, i = pb, ti = tb; c < classes; c++, i += stride, ti += stride) {
                FloatVector x = FloatVector.fromArray(F, p, i);
                FloatVector tv = sm.apply(FloatVector.fromArray(F, t, ti));
                FloatVector y = VectorMath.exp(x.sub(m));
                FloatVector u = s.add(y);
                FloatVector bu = u.sub(s);
                ks = ks.add(s.sub(u.sub(bu)).add(y.sub(bu)));
                s = u;
                y = tv.sub(kt);
                u = ts.add(y);
                kt = u.sub(ts).sub(y);
                kt = kt.blend(0f, kt.sub(kt).compare(VectorOperators.NE, 0f));
                ts = u;
                y = tv.mul(m.sub(x)).sub(kw);
                u = ws.add(y);
                kw = u.sub(ws).sub(y);
                kw = kw.blend(0f, kw.sub(kw).compare(VectorOperators.NE, 0f));
                ws = u;
            }
            s.intoArray(sc.a, 0);
            ks.intoArray(sc.b, 0);
            ts.intoArray(sc.c, 0);
            kt.intoArray(sc.d, 0);
            ws.intoArray(sc.e, 0);
            kw.intoArray(sc.f, 0);
            m.intoArray(sc.g, 0);
            for (int l = 0; l < LANES; l++) {
                out[op + l] = (float) finishCatLogits((double) sc.a[l] + sc.b[l], (double) sc.c[l] - sc.d[l],
                        (double) sc.e[l] - sc.f[l], sc.g[l]);
            }
            return;
        }
        for (int c = 0, i = pb; c < classes; c++, i += stride) {
            FloatVector x = FloatVector.fromArray(F, p, i);
            FloatVector u = s.add(x);
            FloatVector bp = u.sub(s);
            FloatVector comp = s.sub(u.sub(bp)).add(x.sub(bp));
            ks = ks.add(comp.blend(0f, comp.compare(VectorOperators.NE, comp)));
            s = u;
        }
        s.intoArray(sc.a, 0);
        ks.intoArray(sc.b, 0);
        for (int l = 0; l < LANES; l++) {
            sc.c[l] = (float) ((double) sc.a[l] + sc.b[l]);
        }
        FloatVector rowSum = FloatVector.fromArray(F, sc.c, 0);
        // As in catTwin, a row's zero targets take no part where its terms vanish (zeroTargetsVanish, lane by lane).
        VectorMask<Float> everyTerm = sm.on ? F.maskAll(true)
                : rowSum.sub(rowSum).compare(VectorOperators.NE, 0f).or(rowSum.compare(VectorOperators.EQ, 0f));
        FloatVector ls = FloatVector.zero(F);
        FloatVector kl = ls;
        for (int c = 0, i = pb, ti = tb; c < classes; c++, i += stride, ti += stride) {
            FloatVector tv = FloatVector.fromArray(F, t, ti);
            VectorMask<Float> m = tv.compare(VectorOperators.NE, 0f).or(everyTerm);
            if (!m.anyTrue()) {
                continue;
            }
            FloatVector q = FloatVector.fromArray(F, p, i).div(rowSum);
            q = q.blend(LO, q.compare(VectorOperators.LT, LO));
            q = q.blend(HI, q.compare(VectorOperators.GT, HI));
            FloatVector y = sm.apply(tv).mul(VectorMath.log(q)).sub(kl);
            FloatVector u = ls.add(y);
            FloatVector comp = u.sub(ls).sub(y);
            kl = kl.blend(comp.blend(0f, comp.sub(comp).compare(VectorOperators.NE, 0f)), m);
            ls = ls.blend(u, m);
        }
        ls.intoArray(sc.a, 0);
        kl.intoArray(sc.b, 0);
        for (int l = 0; l < LANES; l++) {
            out[op + l] = (float) -((double) sc.a[l] - sc.b[l]);
        }
    }

    /** One categorical row, scalar, in the lane order of {@link #catLanes} (also rows with few classes). */
    static double catTwin(float[] p, int pb, float[] t, int tb, int stride, int classes, Smoothing sm,
                          ProbabilityMode mode) {
        float s = 0f;
        float ks = 0f;
        if (mode == ProbabilityMode.LOGITS) {
            float m = NEG_INF;
            for (int c = 0, i = pb; c < classes; c++, i += stride) {
                float x = p[i];
                if (x > m) {
                    m = x;
                }
            }
            float ts = 0f;
            float kt = 0f;
            float ws = 0f;
            float kw = 0f;
            for (int c = 0, i = pb, ti = tb; c < classes; c++, i += stride, ti += stride) {
                float x = p[i];
                float tv = sm.apply(t[ti]);
                float y = FloatMath.exp(x - m);
                float u = s + y;
                float bu = u - s;
                ks += (s - (u - bu)) + (y - bu);
                s = u;
                y = tv - kt;
                u = ts + y;
                kt = finite((u - ts) - y);
                ts = u;
                y = tv * (m - x) - kw;
                u = ws + y;
                kw = finite((u - ws) - y);
                ws = u;
            }
            return finishCatLogits((double) s + ks, (double) ts - kt, (double) ws - kw, m);
        }
        for (int c = 0, i = pb; c < classes; c++, i += stride) {
            float x = p[i];
            float u = s + x;
            float bp = u - s;
            ks = ks + finite((s - (u - bp)) + (x - bp));
            s = u;
        }
        float rowSum = (float) ((double) s + ks);
        boolean skipZeros = zeroTargetsVanish(rowSum, sm);
        float ls = 0f;
        float kl = 0f;
        for (int c = 0, i = pb, ti = tb; c < classes; c++, i += stride, ti += stride) {
            float tv = t[ti];
            if (skipZeros && tv == 0f) {
                continue;
            }
            float y = sm.apply(tv) * FloatMath.log(clip(p[i] / rowSum)) - kl;
            float u = ls + y;
            kl = finite((u - ls) - y);
            ls = u;
        }
        return -((double) ls - kl);
    }

    private static double finishCatLogits(double sum, double tsum, double wsum, float max) {
        return max == NEG_INF ? Double.NaN : tsum * Math.log(sum) + wsum;
    }
}
