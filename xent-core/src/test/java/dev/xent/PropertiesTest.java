package dev.xent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.losses.Losses;
import dev.xent.losses.LossState;
import dev.xent.losses.Reduction;
import dev.xent.metrics.MeanState;
import dev.xent.metrics.SparseCategoricalCrossentropy;
import dev.xent.ndarray.NdArray;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties over seeded random inputs at awkward sizes, each case named by its seed: split and merge invariance,
 * any axis equal to the class axis moved last, logits equal to their softmax probabilities, agreement with an
 * independent double-precision reference.
 */
class PropertiesTest {

    static final int[] SIZES = {0, 1, 3, 7, 8, 13, 31, 100, 1023, 4099};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        long seed = 20261122;
        for (int rows : SIZES) {
            for (int classes : new int[] {1, 2, 3, 10, 37}) {
                out.add(Arguments.of(seed++, rows, classes));
            }
        }
        return out.stream();
    }

    /** Random probabilities: softmax of random logits, some rows unnormalised, some entries exactly 0 or 1. */
    static float[] probabilities(SplittableRandom r, int rows, int classes) {
        float[] p = softmax(logits(r, rows, classes, 4), rows, classes);
        for (int i = 0; i < rows; i++) {
            int kind = r.nextInt(8);
            if (kind == 0) {
                for (int c = 0; c < classes; c++) {
                    p[i * classes + c] *= 3.5f;   // unnormalised
                }
            } else if (kind == 1) {
                for (int c = 0; c < classes; c++) {
                    p[i * classes + c] = c == r.nextInt(classes) ? 1f : 0f;
                }
            }
        }
        return p;
    }

    static float[] logits(SplittableRandom r, int rows, int classes, double scale) {
        float[] x = new float[rows * classes];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * scale);
        }
        return x;
    }

    static float[] softmax(float[] x, int rows, int classes) {
        float[] p = new float[x.length];
        for (int i = 0; i < rows; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, x[i * classes + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(x[i * classes + c] - max);
            }
            for (int c = 0; c < classes; c++) {
                p[i * classes + c] = (float) (Math.exp(x[i * classes + c] - max) / sum);
            }
        }
        return p;
    }

    static int[] labels(SplittableRandom r, int rows, int classes) {
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = r.nextInt(classes);
        }
        return y;
    }

    /** Independent reference, TensorFlow's sparse order: log(sum clip(p)) - log(clip(p[y])), in double. */
    static double referenceSparse(float[] p, int[] y, int classes, int row) {
        double lo = (float) 1e-7;
        double hi = (float) (1 - 1e-7);
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            sum += Math.min(hi, Math.max(lo, p[row * classes + c]));
        }
        return Math.log(sum) - Math.log(Math.min(hi, Math.max(lo, p[row * classes + y[row]])));
    }

    /**
     * Keras casts categorical targets to the predictions' dtype: float64 (or integer) targets next to float32
     * predictions give exactly the values of the same targets as float32 (they take the same kernel).
     */
    @ParameterizedTest(name = "seed {0}: {1} rows x {2} classes")
    @MethodSource("cases")
    void categoricalTargetsAreCastToThePredictionsDtype(long seed, int rows, int classes) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] p = probabilities(r, rows, classes);
        double[] soft = new double[rows * classes];
        long[] oneHot = new long[rows * classes];
        for (int i = 0; i < soft.length; i++) {
            soft[i] = r.nextDouble();
            oneHot[i] = r.nextInt(4) == 0 ? 1 : 0;
        }
        float[] softAsFloat = new float[soft.length];
        float[] oneHotAsFloat = new float[soft.length];
        for (int i = 0; i < soft.length; i++) {
            softAsFloat[i] = (float) soft[i];
            oneHotAsFloat[i] = oneHot[i];
        }
        NdArray pred = NdArray.of(p, rows, classes);
        for (boolean logits : new boolean[] {false, true}) {
            for (double smoothing : new double[] {0.0, 0.1}) {
                NdArray want = Losses.categoricalCrossentropy(NdArray.of(softAsFloat, rows, classes), pred, logits,
                        smoothing, -1);
                NdArray got = Losses.categoricalCrossentropy(NdArray.of(soft, rows, classes), pred, logits,
                        smoothing, -1);
                NdArray wantOneHot = Losses.categoricalCrossentropy(NdArray.of(oneHotAsFloat, rows, classes), pred,
                        logits, smoothing, -1);
                NdArray gotOneHot = Losses.categoricalCrossentropy(NdArray.of(oneHot, rows, classes), pred, logits,
                        smoothing, -1);
                for (int i = 0; i < rows; i++) {
                    int row = i;
                    assertEquals(Double.doubleToLongBits(want.getDouble(i)), Double.doubleToLongBits(got.getDouble(i)),
                            () -> "float64 targets, seed " + seed + " row " + row);
                    assertEquals(Double.doubleToLongBits(wantOneHot.getDouble(i)),
                            Double.doubleToLongBits(gotOneHot.getDouble(i)), () -> "int64 targets, row " + row);
                }
            }
        }
    }

    @ParameterizedTest(name = "seed {0}: {1} rows x {2} classes")
    @MethodSource("cases")
    void metricEqualsReferenceAndIsNonNegative(long seed, int rows, int classes) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] p = probabilities(r, rows, classes);
        int[] y = labels(r, rows, classes);
        NdArray values = Losses.sparseCategoricalCrossentropy(NdArray.of(y), NdArray.of(p, rows, classes));
        double sum = 0;
        for (int i = 0; i < rows; i++) {
            double ref = referenceSparse(p, y, classes, i);
            double got = values.getDouble(i);
            assertTrue(got >= 0, "seed " + seed + " row " + i + ": " + got);
            assertEquals(ref, got, 1e-6 + 1e-6 * Math.abs(ref), "seed " + seed + " row " + i);
            sum += ref;
        }
        var m = SparseCategoricalCrossentropy.builder().build();
        m.updateState(NdArray.of(y), NdArray.of(p, rows, classes));
        assertEquals(rows == 0 ? 0 : sum / rows, m.result(), 1e-6 + 1e-6 * Math.abs(m.result()), "seed " + seed);
        assertEquals(rows, m.count());
    }

    @ParameterizedTest(name = "seed {0}: {1} rows x {2} classes")
    @MethodSource("cases")
    void oneUpdateEqualsBatchesEqualsMergedPartitions(long seed, int rows, int classes) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] p = probabilities(r, rows, classes);
        int[] y = labels(r, rows, classes);
        float[] w = new float[rows];
        for (int i = 0; i < rows; i++) {
            w[i] = (float) r.nextDouble(0, 2);
        }
        NdArray yTrue = NdArray.of(y);
        NdArray yPred = NdArray.of(p, rows, classes);
        NdArray weights = NdArray.of(w);
        var whole = SparseCategoricalCrossentropy.builder().build();
        whole.updateState(yTrue, yPred, weights);

        var batched = SparseCategoricalCrossentropy.builder().build();
        List<SparseCategoricalCrossentropy> partitions = new ArrayList<>();
        MeanState stateless = MeanState.ZERO;
        var loss = dev.xent.losses.SparseCategoricalCrossentropy.builder()
                .reduction(Reduction.MEAN_WITH_SAMPLE_WEIGHT).build();
        LossState lossState = LossState.zero(Reduction.MEAN_WITH_SAMPLE_WEIGHT);
        for (int from = 0; from < rows; ) {
            int n = 1 + r.nextInt(Math.max(1, rows / 3));
            n = Math.min(n, rows - from);
            batched.updateState(yTrue.slice(from, n), yPred.slice(from, n), weights.slice(from, n));
            var part = SparseCategoricalCrossentropy.builder().build();
            part.updateState(yTrue.slice(from, n), yPred.slice(from, n), weights.slice(from, n));
            partitions.add(part);
            stateless = batched.statelessUpdateState(stateless, yTrue.slice(from, n), yPred.slice(from, n),
                    weights.slice(from, n));
            lossState = lossState.plus(loss.partial(yTrue.slice(from, n), yPred.slice(from, n), weights.slice(from, n)));
            from += n;
        }
        var merged = SparseCategoricalCrossentropy.builder().build();
        for (int i = partitions.size() - 1; i >= 0; i--) {   // reverse order on purpose
            merged.merge(partitions.get(i));
        }
        double expected = whole.result();
        double tol = 1e-12 * Math.max(1, Math.abs(expected));
        assertEquals(expected, batched.result(), tol, "batches, seed " + seed);
        assertEquals(expected, merged.result(), tol, "merged, seed " + seed);
        assertEquals(expected, stateless.result(), tol, "stateless, seed " + seed);
        assertEquals(whole.count(), merged.count(), 1e-12 * Math.max(1, whole.count()));
        // Batched loss states equal the one-shot loss exactly; and for per-sample weights mean_with_sample_weight
        // is the metric's weighted mean up to the loss's float32 rounding of each weighted value.
        double oneShot = loss.value(yTrue, yPred, weights);
        assertEquals(oneShot, lossState.result(), 1e-12 * Math.max(1, Math.abs(oneShot)), "loss, seed " + seed);
        assertEquals(expected, oneShot, 1e-6 * Math.max(1, Math.abs(expected)), "loss vs metric, seed " + seed);
    }

    @ParameterizedTest(name = "seed {0}: {1} rows x {2} classes")
    @MethodSource("cases")
    void logitsEqualTheirSoftmaxProbabilities(long seed, int rows, int classes) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = logits(r, rows, classes, 2);
        int[] y = labels(r, rows, classes);
        float[] p = softmax(x, rows, classes);
        NdArray fromLogits = Losses.sparseCategoricalCrossentropy(NdArray.of(y), NdArray.of(x, rows, classes), true,
                null, -1);
        NdArray fromProbs = Losses.sparseCategoricalCrossentropy(NdArray.of(y), NdArray.of(p, rows, classes));
        float[] oneHot = new float[rows * classes];
        for (int i = 0; i < rows; i++) {
            oneHot[i * classes + y[i]] = 1;
        }
        NdArray categorical = Losses.categoricalCrossentropy(NdArray.of(oneHot, rows, classes),
                NdArray.of(x, rows, classes), true, 0.0, -1);
        NdArray unsmoothed = Losses.categoricalCrossentropy(NdArray.of(oneHot, rows, classes),
                NdArray.of(x, rows, classes), true, 0.0, -1);
        for (int i = 0; i < rows; i++) {
            double a = fromLogits.getDouble(i);
            double pl = p[i * classes + y[i]];
            if (pl > 1e-6 && pl < 1 - 1e-6 && classes > 1) {   // away from the clip bounds
                assertEquals(a, fromProbs.getDouble(i), 2e-5 + 2e-5 * a, "seed " + seed + " row " + i);
            }
            assertEquals(a, categorical.getDouble(i), 1e-6 + 1e-6 * a, "seed " + seed + " row " + i);
            assertEquals(categorical.getDouble(i), unsmoothed.getDouble(i));
        }
    }

    /** Channels-first (B, C, H, W) with axis 1 equals channels-last with axis -1, bit for bit. */
    @ParameterizedTest(name = "seed {0}: {1} rows x {2} classes")
    @MethodSource("cases")
    void anyAxisEqualsClassAxisMovedLast(long seed, int rows, int classes) {
        SplittableRandom r = new SplittableRandom(seed);
        int b = Math.max(1, rows / 50);
        int h = 1 + r.nextInt(4);
        int w = 1 + r.nextInt(5);
        float[] last = logits(r, b * h * w, classes, 3);   // (B, H, W, C)
        float[] first = new float[last.length];            // (B, C, H, W)
        for (int n = 0; n < b; n++) {
            for (int i = 0; i < h * w; i++) {
                for (int c = 0; c < classes; c++) {
                    first[(n * classes + c) * h * w + i] = last[(n * h * w + i) * classes + c];
                }
            }
        }
        int[] y = labels(r, b * h * w, classes);
        int[] ignored = y.clone();
        ignored[0] = 255;
        NdArray labels = NdArray.of(ignored, b, h, w);
        for (boolean fromLogits : new boolean[] {true, false}) {
            float[] lastIn = fromLogits ? last : softmax(last, b * h * w, classes);
            float[] firstIn = new float[first.length];
            for (int n = 0; n < b; n++) {
                for (int i = 0; i < h * w; i++) {
                    for (int c = 0; c < classes; c++) {
                        firstIn[(n * classes + c) * h * w + i] = lastIn[(n * h * w + i) * classes + c];
                    }
                }
            }
            var mLast = SparseCategoricalCrossentropy.builder().fromLogits(fromLogits).ignoreClass(255).build();
            var mFirst = mLast.toBuilder().axis(1).build();
            mLast.updateState(labels, NdArray.of(lastIn, b, h, w, classes));
            mFirst.updateState(labels, NdArray.of(firstIn, b, classes, h, w));
            assertEquals(mLast.result(), mFirst.result(), 0.0, "seed " + seed);
            var smoothed = dev.xent.losses.CategoricalCrossentropy.builder().fromLogits(fromLogits)
                    .labelSmoothing(0.1).smoothOverClassAxis(true).reduction(Reduction.NONE);
            NdArray catLast = smoothed.build().call(NdArray.of(lastIn, b, h, w, classes),
                    NdArray.of(lastIn, b, h, w, classes));
            NdArray catFirst = smoothed.axis(1).build().call(NdArray.of(firstIn, b, classes, h, w),
                    NdArray.of(firstIn, b, classes, h, w));
            for (int i = 0; i < catLast.size(); i++) {
                assertEquals(catLast.getDouble(i), catFirst.getDouble(i), 0.0, "seed " + seed + " element " + i);
            }
        }
    }
}
