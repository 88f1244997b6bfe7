package dev.xent.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.xent.ndarray.DType;
import dev.xent.ndarray.NdArray;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Loss#gradient} against central finite differences of {@link Loss#value} in double precision (loss dtype
 * float64), over seeded random options: sparse and categorical, probabilities (normalised or not) and logits, every
 * reduction, weights of every shape, {@code ignoreClass}, label smoothing, class axes. Inputs stay away from the clip
 * bounds, where the loss is not differentiable. Plus properties that tie the reductions together.
 */
class GradientFiniteDifferenceTest {

    static final Reduction[] REDUCTIONS = Reduction.values();

    static IntStream seeds() {
        return IntStream.range(0, 120);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void matchesFiniteDifferences(int seed) {
        Random rnd = new Random(seed);
        boolean sparse = rnd.nextBoolean();
        boolean logits = rnd.nextBoolean();
        int rank = 2 + rnd.nextInt(2);
        int[] shape = new int[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = 1 + rnd.nextInt(4);
        }
        int axis = rnd.nextInt(3) == 0 ? 1 : -1;
        int classAxis = axis < 0 ? rank - 1 : axis;
        shape[classAxis] = 2 + rnd.nextInt(4);
        int classes = shape[classAxis];
        int[] valueShape = new int[rank - 1];
        for (int i = 0, j = 0; i < rank; i++) {
            if (i != classAxis) {
                valueShape[j++] = shape[i];
            }
        }
        Reduction reduction = REDUCTIONS[rnd.nextInt(REDUCTIONS.length)];
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        double[] pred = new double[size];
        for (int i = 0; i < size; i++) {
            pred[i] = logits ? rnd.nextGaussian() * 2 : 0.05 + rnd.nextDouble(); // unnormalised, inside the bounds
        }
        NdArray yPred = NdArray.of(pred, 0, shape);
        int rows = size / classes;
        Loss loss;
        NdArray yTrue;
        if (sparse) {
            Integer ignore = rnd.nextInt(3) == 0 ? -1 : null;
            long[] labels = new long[rows];
            for (int r = 0; r < rows; r++) {
                labels[r] = ignore != null && rnd.nextInt(4) == 0 ? -1 : rnd.nextInt(classes);
            }
            yTrue = NdArray.of(labels, 0, valueShape);
            loss = SparseCategoricalCrossentropy.builder().dtype(DType.FLOAT64).fromLogits(logits)
                    .ignoreClass(ignore).axis(axis).reduction(reduction).normalizeBeforeClip(rnd.nextInt(4) == 0)
                    .build();
        } else {
            // targets summing to 1 per row (the fused logits gradient assumes it, as TensorFlow's does)
            double[] t = new double[size];
            int inner = 1;
            for (int i = classAxis + 1; i < rank; i++) {
                inner *= shape[i];
            }
            for (int r = 0; r < rows; r++) {
                int o = r / inner;
                int base = o * classes * inner + (r - o * inner);
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    t[base + c * inner] = rnd.nextDouble();
                    sum += t[base + c * inner];
                }
                for (int c = 0; c < classes; c++) {
                    t[base + c * inner] /= sum;
                }
            }
            yTrue = NdArray.of(t, 0, shape);
            loss = CategoricalCrossentropy.builder().dtype(DType.FLOAT64).fromLogits(logits).axis(axis)
                    .labelSmoothing(rnd.nextBoolean() ? 0.0 : 0.15).reduction(reduction).build();
        }
        NdArray sw = weights(rnd, valueShape);
        double[] grad = loss.gradient(yTrue, yPred, sw).toDoubleArray();
        for (int i = 0; i < size; i++) {
            double h = 1e-6 * Math.max(1, Math.abs(pred[i]));
            double[] plus = pred.clone();
            double[] minus = pred.clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (total(loss, yTrue, NdArray.of(plus, 0, shape), sw)
                    - total(loss, yTrue, NdArray.of(minus, 0, shape), sw)) / (2 * h);
            if (Math.abs(fd - grad[i]) > 1e-6 + 1e-5 * Math.abs(fd)) {
                fail("seed " + seed + ", " + loss + ", shape " + java.util.Arrays.toString(shape) + ", weights " + sw
                        + ": element " + i + " finite difference " + fd + " but gradient " + grad[i]);
            }
        }
    }

    /** The reduced loss, or the sum of the per-element values for {@code none}. */
    static double total(Loss loss, NdArray yTrue, NdArray yPred, NdArray sw) {
        if (loss.reduction() == Reduction.NONE) {
            double s = 0;
            for (double v : loss.call(yTrue, yPred, sw).toDoubleArray()) {
                s += v;
            }
            return s;
        }
        return loss.value(yTrue, yPred, sw);
    }

    static NdArray weights(Random rnd, int[] valueShape) {
        switch (rnd.nextInt(5)) {
            case 0:
                return null;
            case 1:
                return NdArray.scalar(0.5 + rnd.nextDouble());
            case 2: {
                int[] s = new int[valueShape.length];
                java.util.Arrays.fill(s, 1);
                s[0] = valueShape[0];
                double[] w = new double[valueShape[0]];
                for (int i = 0; i < w.length; i++) {
                    w[i] = rnd.nextDouble() * 2 - 0.5;
                }
                return NdArray.of(w, 0, s);
            }
            default: {
                int n = 1;
                for (int d : valueShape) {
                    n *= d;
                }
                double[] w = new double[n];
                for (int i = 0; i < n; i++) {
                    w[i] = rnd.nextDouble() * 2;
                }
                return NdArray.of(w, 0, valueShape);
            }
        }
    }

    // ---- properties -------------------------------------------------------------------------------------------

    static final NdArray LABELS = NdArray.of(new int[] {1, 2, 0});
    static final NdArray LOGITS = NdArray.of(new float[] {1, 9, 0, 1, 8, 1, 0.5f, -1, 2}, 3, 3);

    @Test
    void reductionsScaleTheSameGradient() {
        var mean = SparseCategoricalCrossentropy.builder().fromLogits(true).build();
        float[] g = mean.gradient(LABELS, LOGITS).toFloatArray();
        float[] sum = mean.toBuilder().reduction(Reduction.SUM).build().gradient(LABELS, LOGITS).toFloatArray();
        float[] none = mean.toBuilder().reduction(Reduction.NONE).build().gradient(LABELS, LOGITS).toFloatArray();
        for (int i = 0; i < g.length; i++) {
            assertEquals(sum[i] / 3, g[i], 1e-7);
            assertEquals(sum[i], none[i], 0f);
        }
    }

    @Test
    void logitsRowsSumToZeroAndMatchSoftmaxMinusOneHot() {
        var loss = SparseCategoricalCrossentropy.builder().fromLogits(true).reduction(Reduction.SUM).build();
        float[] g = loss.gradient(LABELS, LOGITS).toFloatArray();
        for (int r = 0; r < 3; r++) {
            double s = 0;
            for (int c = 0; c < 3; c++) {
                s += g[r * 3 + c];
            }
            assertEquals(0, s, 1e-6);
        }
        // row 0: logits [1, 9, 0], label 1
        double z = Math.exp(1) + Math.exp(9) + Math.exp(0);
        assertEquals(Math.exp(1) / z, g[0], 1e-7);
        assertEquals(Math.exp(9) / z - 1, g[1], 1e-7);
    }

    @Test
    void labelSmoothingZeroEqualsNone() {
        NdArray oneHot = NdArray.of(new float[] {0, 1, 0, 0, 0, 1, 1, 0, 0}, 3, 3);
        var plain = CategoricalCrossentropy.builder().build();
        var zero = CategoricalCrossentropy.builder().labelSmoothing(0.0).build();
        assertArrayEquals(plain.gradient(oneHot, LOGITS).toFloatArray(), zero.gradient(oneHot, LOGITS).toFloatArray());
    }

    @Test
    void sparseEqualsCategoricalOnOneHotLogits() {
        NdArray oneHot = NdArray.of(new float[] {0, 1, 0, 0, 0, 1, 1, 0, 0}, 3, 3);
        float[] s = SparseCategoricalCrossentropy.builder().fromLogits(true).build().gradient(LABELS, LOGITS)
                .toFloatArray();
        float[] c = CategoricalCrossentropy.builder().fromLogits(true).build().gradient(oneHot, LOGITS).toFloatArray();
        assertArrayEquals(s, c, 1e-7f);
    }

    @Test
    void clippedEntriesGetNoGradientAndIgnoredRowsZero() {
        var loss = SparseCategoricalCrossentropy.builder().ignoreClass(-1).build();
        NdArray probs = NdArray.of(new float[] {0.3f, 0f, 0.7f, 0.2f, 0.5f, 0.3f}, 2, 3);
        float[] g = loss.gradient(NdArray.of(new int[] {0, -1}), probs).toFloatArray();
        assertEquals(0f, g[1]); // 0 < 1e-7: clipped
        assertArrayEquals(new float[] {0, 0, 0}, java.util.Arrays.copyOfRange(g, 3, 6));
    }

    @Test
    void gradientChecksInputsLikeCall() {
        var loss = SparseCategoricalCrossentropy.builder().build();
        NdArray probs = NdArray.of(new float[] {0.3f, 0.7f, 0.4f, 0.6f}, 2, 2);
        assertThrows(IllegalArgumentException.class, () -> loss.gradient(NdArray.of(new int[] {2, 0}), probs));
        assertThrows(IllegalArgumentException.class,
                () -> loss.gradient(NdArray.of(new int[] {0, 1}), probs, NdArray.of(new float[] {1, 2, 3})));
    }

    @Test
    void lossAndGradientAgreeWithCallAndValue() {
        var loss = CategoricalCrossentropy.builder().labelSmoothing(0.1).fromLogits(true).build();
        NdArray oneHot = NdArray.of(new float[] {0, 1, 0, 0, 0, 1, 1, 0, 0}, 3, 3);
        LossAndGradient lg = loss.lossAndGradient(oneHot, LOGITS, null);
        assertEquals(loss.value(oneHot, LOGITS), lg.value(), 0.0);
        assertArrayEquals(loss.gradient(oneHot, LOGITS).toFloatArray(), lg.gradient().toFloatArray());
        var none = loss.toBuilder().reduction(Reduction.NONE).build().lossAndGradient(oneHot, LOGITS, null);
        assertThrows(IllegalStateException.class, none::value);
        assertEquals(3, none.loss().size());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void chunksWithTheWholeDivisorEqualOneCall(int seed) {
        Random rnd = new Random(1000 + seed);
        int rows = 1 + rnd.nextInt(20);
        int classes = 2 + rnd.nextInt(4);
        float[] pred = new float[rows * classes];
        for (int i = 0; i < pred.length; i++) {
            pred[i] = (float) (rnd.nextBoolean() ? rnd.nextGaussian() : rnd.nextDouble());
        }
        long[] labels = new long[rows];
        float[] w = new float[rows];
        for (int r = 0; r < rows; r++) {
            labels[r] = rnd.nextInt(5) == 0 ? -1 : rnd.nextInt(classes);
            w[r] = (float) rnd.nextDouble();
        }
        Reduction reduction = REDUCTIONS[rnd.nextInt(REDUCTIONS.length - 1)]; // not none
        Loss loss = SparseCategoricalCrossentropy.builder().fromLogits(rnd.nextBoolean()).ignoreClass(-1)
                .reduction(reduction).build();
        NdArray yTrue = NdArray.of(labels);
        NdArray yPred = NdArray.of(pred, rows, classes);
        NdArray sw = rnd.nextBoolean() ? null : NdArray.of(w);
        float[] expected = loss.gradient(yTrue, yPred, sw).toFloatArray();
        int cut = rnd.nextInt(rows + 1);
        LossState whole = loss.partial(yTrue.slice(0, cut), yPred.slice(0, cut), sw == null ? null : sw.slice(0, cut))
                .plus(loss.partial(yTrue.slice(cut, rows - cut), yPred.slice(cut, rows - cut),
                        sw == null ? null : sw.slice(cut, rows - cut)));
        float[] a = loss.gradient(yTrue.slice(0, cut), yPred.slice(0, cut), sw == null ? null : sw.slice(0, cut), whole)
                .toFloatArray();
        float[] b = loss.gradient(yTrue.slice(cut, rows - cut), yPred.slice(cut, rows - cut),
                sw == null ? null : sw.slice(cut, rows - cut), whole).toFloatArray();
        for (int i = 0; i < expected.length; i++) {
            float got = i < a.length ? a[i] : b[i - a.length];
            assertEquals(expected[i], got, 1e-6 * Math.abs(expected[i]) + 1e-8, "seed " + seed + " " + loss
                    + " element " + i);
        }
    }

    @Test
    void wholeGradientRefusesNoneAndOtherReductions() {
        var none = SparseCategoricalCrossentropy.builder().reduction(Reduction.NONE).build();
        var mean = SparseCategoricalCrossentropy.builder().build();
        NdArray p = NdArray.of(new float[] {0.3f, 0.7f}, 1, 2);
        NdArray y = NdArray.of(new int[] {1});
        assertThrows(IllegalStateException.class, () -> none.gradient(y, p, null, LossState.zero(Reduction.SUM)));
        assertThrows(IllegalArgumentException.class, () -> mean.gradient(y, p, null, LossState.zero(Reduction.SUM)));
    }
}
