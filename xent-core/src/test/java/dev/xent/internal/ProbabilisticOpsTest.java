package dev.xent.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.xent.internal.kernel.ElementwiseKernel;
import dev.xent.internal.kernel.Kernels;
import dev.xent.internal.kernel.Precision;
import dev.xent.internal.kernel.RowLayout;
import dev.xent.ndarray.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ProbabilisticOps} and {@link AccuracyOps#binaryAccuracy}: every result against an independent
 * double-precision reference formula over seeded random inputs of awkward sizes (the seed is in each display name);
 * properties (rank fix, logits against probabilities, smoothing); the argument checks, all made before any kernel runs;
 * NaN and infinity propagation. Numbers from real Keras are in {@link ProbabilisticGoldenTest}.
 */
class ProbabilisticOpsTest {

    static final int[] SIZES = {0, 1, 3, 7, 8, 13, 31, 100, 1023, 4099};
    static final double EPS = Precision.FLOAT32.clipLow;
    static final double HI = Precision.FLOAT32.clipHigh;
    /** The clip bounds of the reference: Keras's epsilon in the compute dtype. */
    static double lo = EPS;
    static double hi = HI;

    enum Fn { BCE, BCE_LOGITS, FOCAL, FOCAL_LOGITS, CATEGORICAL_FOCAL, CATEGORICAL_FOCAL_LOGITS, KL, POISSON }

    /** One random input: {@code rows x columns}, values kept where float32 rounding is well conditioned. */
    static final class Case {
        final Fn fn;
        final int rows;
        final int columns;
        final long seed;
        final double smoothing;

        Case(Fn fn, int rows, int columns, long seed, double smoothing) {
            this.fn = fn;
            this.rows = rows;
            this.columns = columns;
            this.seed = seed;
            this.smoothing = smoothing;
        }

        boolean logits() {
            return fn == Fn.BCE_LOGITS || fn == Fn.FOCAL_LOGITS || fn == Fn.CATEGORICAL_FOCAL_LOGITS;
        }

        @Override
        public String toString() {
            return fn + " (" + rows + ", " + columns + ") ls=" + smoothing + " seed=" + seed;
        }
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        SplittableRandom pick = new SplittableRandom(77);
        for (Fn fn : Fn.values()) {
            for (int size : SIZES) {
                int columns = new int[] {1, 2, 5, 10, 33}[pick.nextInt(5)];
                int rows = Math.max(size == 0 ? 0 : 1, size / columns);
                boolean smooth = fn != Fn.KL && fn != Fn.POISSON && pick.nextBoolean();
                out.add(new Case(fn, rows, columns, pick.nextLong(), smooth ? 0.15 : 0));
            }
        }
        return out.stream();
    }

    static final double ALPHA = 0.3;
    static final double GAMMA = 1.5;

    /** Inputs: targets in [0, 1] (counts for Poisson), predictions in [0.01, 0.99], logits in [-8, 8]. */
    static double[][] data(Case c) {
        SplittableRandom rnd = new SplittableRandom(c.seed);
        int n = c.rows * c.columns;
        double[] t = new double[n];
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            boolean hard = rnd.nextBoolean();
            t[i] = c.fn == Fn.POISSON ? rnd.nextInt(6) : hard ? rnd.nextInt(2) : rnd.nextDouble();
            p[i] = c.logits() ? rnd.nextDouble(-8, 8) : c.fn == Fn.POISSON ? rnd.nextDouble(0.05, 20)
                    : rnd.nextDouble(0.01, 0.99);
            t[i] = (float) t[i];
            p[i] = (float) p[i];
        }
        return new double[][] {t, p};
    }

    static ElementValues run(Case c, NdArray t, NdArray p, Precision q) {
        switch (c.fn) {
            case BCE:
            case BCE_LOGITS:
                return ProbabilisticOps.binaryCrossentropy(t, p, c.logits(), c.smoothing, -1, q, true);
            case FOCAL:
            case FOCAL_LOGITS:
                return ProbabilisticOps.binaryFocalCrossentropy(t, p, true, ALPHA, GAMMA, c.logits(), c.smoothing, -1,
                        q, true);
            case CATEGORICAL_FOCAL:
            case CATEGORICAL_FOCAL_LOGITS:
                return ProbabilisticOps.categoricalFocalCrossentropy(t, p, new double[] {ALPHA}, GAMMA, c.logits(),
                        c.smoothing, -1, false, q, true);
            case KL:
                return ProbabilisticOps.klDivergence(t, p, q, true);
            default:
                return ProbabilisticOps.poisson(t, p, q, true);
        }
    }

    // ---- the independent reference: each formula in double, straight from Keras's source ----------------------

    static double clip(double x, double lo, double hi) {
        return Math.min(Math.max(x, lo), hi);
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    static double bce(double t, double p, boolean logits) {
        if (logits) {
            return Math.max(p, 0) - p * t + Math.log1p(Math.exp(-Math.abs(p)));
        }
        double o = clip(p, lo, hi);
        return -(t * Math.log(o) + (1 - t) * Math.log(1 - o));
    }

    /** Per row of the reference: the row's values {@code t}, {@code p} (already smoothed). */
    static double reference(Fn fn, double[] t, double[] p, int columns) {
        double sum = 0;
        switch (fn) {
            case BCE:
            case BCE_LOGITS:
                for (int c = 0; c < columns; c++) {
                    sum += bce(t[c], p[c], fn == Fn.BCE_LOGITS);
                }
                return sum / columns;
            case FOCAL:
            case FOCAL_LOGITS:
                for (int c = 0; c < columns; c++) {
                    boolean logits = fn == Fn.FOCAL_LOGITS;
                    double prob = logits ? sigmoid(p[c]) : p[c];
                    double pt = t[c] * prob + (1 - t[c]) * (1 - prob);
                    double weight = t[c] * ALPHA + (1 - t[c]) * (1 - ALPHA);
                    sum += weight * Math.pow(1 - pt, GAMMA) * bce(t[c], p[c], logits);
                }
                return sum / columns;
            case CATEGORICAL_FOCAL:
            case CATEGORICAL_FOCAL_LOGITS: {
                double[] s = p.clone();
                if (fn == Fn.CATEGORICAL_FOCAL_LOGITS) {
                    double max = Arrays.stream(p).max().orElse(0);
                    for (int c = 0; c < columns; c++) {
                        s[c] = Math.exp(p[c] - max);
                    }
                }
                double total = Arrays.stream(s).sum();
                for (int c = 0; c < columns; c++) {
                    double o = clip(s[c] / total, lo, hi);
                    sum += ALPHA * Math.pow(1 - o, GAMMA) * -t[c] * Math.log(o);
                }
                return sum;
            }
            case KL:
                for (int c = 0; c < columns; c++) {
                    double tc = clip(t[c], lo, 1);
                    sum += tc * Math.log(tc / clip(p[c], lo, 1));
                }
                return sum;
            default:
                for (int c = 0; c < columns; c++) {
                    sum += p[c] - t[c] * Math.log(p[c] + lo);
                }
                return sum / columns;
        }
    }

    static synchronized double[] reference(Case c, double[][] d, Precision q) {
        lo = q.clipLow;
        hi = q.clipHigh;
        double[] out = new double[c.rows];
        boolean categorical = c.fn == Fn.CATEGORICAL_FOCAL || c.fn == Fn.CATEGORICAL_FOCAL_LOGITS;
        for (int r = 0; r < c.rows; r++) {
            double[] t = Arrays.copyOfRange(d[0], r * c.columns, (r + 1) * c.columns);
            double[] p = Arrays.copyOfRange(d[1], r * c.columns, (r + 1) * c.columns);
            for (int k = 0; k < t.length; k++) {
                t[k] = t[k] * (1 - c.smoothing) + (categorical ? c.smoothing / c.columns : 0.5 * c.smoothing);
            }
            out[r] = reference(c.fn, t, p, c.columns);
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void float64AgreesWithTheDoubleReference(Case c) {
        double[][] d = data(c);
        // Rank-1 targets against (rows, columns) predictions are not a rank fix case: give both the same shape.
        ElementValues v = run(c, NdArray.of(d[0], 0, new int[] {c.rows, c.columns}),
                NdArray.of(d[1], 0, new int[] {c.rows, c.columns}), Precision.FLOAT64);
        double[] want = reference(c, d, Precision.FLOAT64);
        assertArrayEquals(new int[] {c.rows}, v.shape, c.toString());
        for (int r = 0; r < want.length; r++) {
            double tol = 1e-12 * Math.max(1, Math.abs(want[r]));
            if (!(Math.abs(v.values[r] - want[r]) <= tol)) {
                fail(c + " row " + r + ": " + v.values[r] + ", reference " + want[r]);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void float32IsWithinFloatRoundingOfTheDoubleReference(Case c) {
        double[][] d = data(c);
        float[] t = toFloats(d[0]);
        float[] p = toFloats(d[1]);
        int[] shape = {c.rows, c.columns};
        double[] want = reference(c, d, Precision.FLOAT32);
        for (ElementwiseKernel k : new ElementwiseKernel[] {Kernels.createElementwise("scalar", 1),
            Kernels.createElementwise("vector", 2)}) {
            ElementValues v = Kernels.withElementwise(k, () -> run(c, NdArray.of(t, 0, shape), NdArray.of(p, 0, shape),
                    Precision.FLOAT32));
            assertEquals(Precision.FLOAT32, v.precision);
            for (int r = 0; r < want.length; r++) {
                // Each float32 step rounds; 1 - p and the smoothed targets lose most, a few ulps of 1.
                double tol = 2e-5 * Math.max(1, Math.abs(want[r]));
                if (!(Math.abs(v.values[r] - want[r]) <= tol) || v.values[r] != (float) v.values[r]) {
                    fail(c + " (" + k.name() + ") row " + r + ": " + v.values[r] + ", reference " + want[r]);
                }
            }
        }
    }

    static float[] toFloats(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    // ---- properties ------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void lossRankFixExpandsRankOneTargets(Case c) {
        if (c.columns != 1 || c.rows == 0) {
            return;
        }
        double[][] d = data(c);
        NdArray flat = NdArray.of(d[0], 0, new int[] {c.rows});
        NdArray column = NdArray.of(d[0], 0, new int[] {c.rows, 1});
        NdArray pred = NdArray.of(d[1], 0, new int[] {c.rows, 1});
        ElementValues fixed = run(c, flat, pred, Precision.FLOAT32);
        ElementValues same = run(c, column, pred, Precision.FLOAT32);
        assertArrayEquals(same.values, fixed.values, c.toString());
        assertArrayEquals(new int[] {c.rows}, fixed.shape);
    }

    @Test
    void aMetricDoesNotFixRanks() {
        NdArray t = NdArray.of(new float[] {1, 0, 1}, 3);
        NdArray p = NdArray.of(new float[] {0.9f, 0.2f, 0.6f}, 3, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProbabilisticOps.binaryCrossentropy(t, p, false, 0, -1, Precision.FLOAT32, false));
        assertEquals("yTrue shape (3,) does not match yPred shape (3, 1): binary_crossentropy needs equal shapes "
                + "(no trailing 1 is squeezed or expanded here, as in Keras's metrics)", e.getMessage());
        assertArrayEquals(new int[] {3}, ProbabilisticOps.binaryCrossentropy(t, p, false, 0, -1, Precision.FLOAT32,
                true).shape);
    }

    @Test
    void rankOneInputsGiveOneValue() {
        NdArray t = NdArray.of(new float[] {1, 0, 1, 1});
        NdArray p = NdArray.of(new float[] {0.9f, 0.2f, 0.6f, 0.5f});
        for (ElementValues v : List.of(
                ProbabilisticOps.binaryCrossentropy(t, p, false, 0, -1, Precision.FLOAT32, false),
                ProbabilisticOps.binaryFocalCrossentropy(t, p, false, 0.25, 2, false, 0, -1, Precision.FLOAT32, false),
                ProbabilisticOps.klDivergence(t, p, Precision.FLOAT32, false),
                ProbabilisticOps.poisson(t, p, Precision.FLOAT32, false))) {
            assertArrayEquals(new int[0], v.shape);
            assertEquals(1, v.values.length);
        }
    }

    @Test
    void axisChoosesTheAveragedAxis() {
        float[] t = new float[2 * 3 * 4];
        float[] p = new float[t.length];
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < t.length; i++) {
            t[i] = rnd.nextInt(2);
            p[i] = (float) rnd.nextDouble(0.05, 0.95);
        }
        NdArray tt = NdArray.of(t, 2, 3, 4);
        NdArray pp = NdArray.of(p, 2, 3, 4);
        ElementValues v = ProbabilisticOps.binaryCrossentropy(tt, pp, false, 0, 1, Precision.FLOAT64, false);
        assertArrayEquals(new int[] {2, 4}, v.shape);
        RowLayout g = RowLayout.of(new int[] {2, 3, 4}, 1);
        for (int r = 0; r < 8; r++) {
            double sum = 0;
            for (int c = 0; c < 3; c++) {
                int i = g.base(r) + c * g.classStride();
                sum += bce(t[i], p[i], false);
            }
            assertEquals(sum / 3, v.values[r], 1e-12, "output " + r);
        }
        assertArrayEquals(v.values, ProbabilisticOps.binaryCrossentropy(tt, pp, false, 0, -2, Precision.FLOAT64,
                false).values);
    }

    @Test
    void logitsAgreeWithProbabilities() {
        SplittableRandom rnd = new SplittableRandom(11);
        int n = 400;
        float[] t = new float[n];
        float[] x = new float[n];
        float[] p = new float[n];
        for (int i = 0; i < n; i++) {
            t[i] = rnd.nextInt(2);
            x[i] = (float) rnd.nextDouble(-6, 6);
            p[i] = (float) sigmoid(x[i]);
        }
        NdArray tt = NdArray.of(t, 40, 10);
        double[] fromLogits = ProbabilisticOps.binaryCrossentropy(tt, NdArray.of(x, 40, 10), true, 0, -1,
                Precision.FLOAT32, false).values;
        double[] fromProbabilities = ProbabilisticOps.binaryCrossentropy(tt, NdArray.of(p, 40, 10), false, 0, -1,
                Precision.FLOAT32, false).values;
        for (int r = 0; r < 40; r++) {
            assertEquals(fromLogits[r], fromProbabilities[r], 1e-4 * Math.max(1, fromLogits[r]), "row " + r);
            assertTrue(fromLogits[r] >= 0);
        }
    }

    @Test
    void categoricalFocalAlphaFollowsTheLastAxis() {
        // axis 0 of (2, 3): rows are the columns, alpha is per column (the last axis).
        float[] t = {1, 0, 0, 0, 1, 1};
        float[] p = {0.6f, 0.3f, 0.2f, 0.4f, 0.7f, 0.8f};
        double[] alpha = {0.5, 0.25, 2.0};
        ElementValues v = ProbabilisticOps.categoricalFocalCrossentropy(NdArray.of(t, 2, 3), NdArray.of(p, 2, 3), alpha,
                2.0, false, 0, 0, false, Precision.FLOAT64, false);
        assertArrayEquals(new int[] {3}, v.shape);
        for (int col = 0; col < 3; col++) {
            double[] tc = {t[col], t[3 + col]};
            double[] pc = {p[col], p[3 + col]};
            double total = pc[0] + pc[1];
            double want = 0;
            for (int k = 0; k < 2; k++) {
                double o = clip(pc[k] / total, 1e-7, 1 - 1e-7);
                want += alpha[col] * Math.pow(1 - o, 2) * -tc[k] * Math.log(o);
            }
            assertEquals(want, v.values[col], 1e-6, "column " + col);
        }
    }

    // ---- NaN and infinities ----------------------------------------------------------------------------------

    @Test
    void nanAndInfinitiesPropagateAsInTensorFlow() {
        NdArray t = NdArray.of(new float[] {1, 0, 1, 0}, 4, 1);
        NdArray x = NdArray.of(new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e4f}, 4, 1);
        double[] v = ProbabilisticOps.binaryCrossentropy(t, x, true, 0, -1, Precision.FLOAT32, false).values;
        assertTrue(Double.isNaN(v[0]), "NaN logit");
        assertTrue(Double.isNaN(v[1]), "+inf logit: inf - inf * 0");
        assertEquals(Double.POSITIVE_INFINITY, v[2], "-inf logit at label 1");
        assertEquals(1e4, v[3], "huge logit at label 0");
        NdArray p = NdArray.of(new float[] {Float.NaN, 1, 0, Float.POSITIVE_INFINITY}, 4, 1);
        double[] w = ProbabilisticOps.binaryCrossentropy(NdArray.of(new float[] {1, 1, 0, 0}, 4, 1), p, false, 0, -1,
                Precision.FLOAT32, false).values;
        assertTrue(Double.isNaN(w[0]));
        // -log(1 - 2^-23) rounded to float32 (TensorFlow's float32 log gives 2^-23, one ulp below).
        float perfect = (float) -Math.log(HI);
        assertEquals(perfect, w[1], 0, "1 at label 1: clipped to 1 - eps");
        assertEquals(perfect, w[2], 0, "0 at label 0: clipped to eps, and 1 - eps rounds to 1 - 2^-23");
        assertEquals(15.942385f, w[3], 0, "+inf at label 0: clipped to 1 - eps");
        double[] poisson = ProbabilisticOps.poisson(NdArray.of(new float[] {0, 2}, 2, 1),
                NdArray.of(new float[] {-1, (float) -EPS}, 2, 1), Precision.FLOAT32, false).values;
        assertTrue(Double.isNaN(poisson[0]), "log of a negative");
        assertEquals(Double.POSITIVE_INFINITY, poisson[1], "log(0) times a positive count");
    }

    // ---- argument checks ---------------------------------------------------------------------------------------

    /** A kernel that fails the test if it runs: every check must come first. */
    static final ElementwiseKernel NEVER = (ElementwiseKernel) java.lang.reflect.Proxy.newProxyInstance(
            ElementwiseKernel.class.getClassLoader(), new Class<?>[] {ElementwiseKernel.class}, (proxy, m, args) -> {
                if (m.getName().equals("name")) {
                    return "never";
                }
                throw new AssertionError("a kernel ran before the checks");
            });

    static String rejected(Supplier<ElementValues> call) {
        return assertThrows(IllegalArgumentException.class, () -> Kernels.withElementwise(NEVER, call::get))
                .getMessage();
    }

    static final NdArray T = NdArray.of(new float[] {1, 0, 0, 1, 0, 1, 1, 0}, 2, 4);
    static final NdArray P = NdArray.of(new float[] {0.7f, 0.1f, 0.1f, 0.1f, 0.2f, 0.5f, 0.2f, 0.1f}, 2, 4);

    @ParameterizedTest
    @ValueSource(doubles = {-0.1, 1.5, Double.NaN})
    void labelSmoothingOutsideTheUnitIntervalIsRefused(double ls) {
        String want = "labelSmoothing (" + ls + ") must be in [0, 1]";
        assertEquals(want, rejected(() -> ProbabilisticOps.binaryCrossentropy(T, P, false, ls, -1, Precision.FLOAT32,
                true)));
        assertEquals(want, rejected(() -> ProbabilisticOps.binaryFocalCrossentropy(T, P, false, 0.25, 2, false, ls,
                -1, Precision.FLOAT32, true)));
        assertEquals(want, rejected(() -> ProbabilisticOps.categoricalFocalCrossentropy(T, P, new double[] {0.25}, 2,
                false, ls, -1, false, Precision.FLOAT32, true)));
    }

    @ParameterizedTest
    @ValueSource(doubles = {-1.0, -1e-9, Double.NaN})
    void negativeGammaIsRefused(double gamma) {
        String want = "gamma (" + gamma + ") must be >= 0";
        assertEquals(want, rejected(() -> ProbabilisticOps.binaryFocalCrossentropy(T, P, false, 0.25, gamma, false, 0,
                -1, Precision.FLOAT32, true)));
        assertEquals(want, rejected(() -> ProbabilisticOps.categoricalFocalCrossentropy(T, P, new double[] {0.25},
                gamma, false, 0, -1, false, Precision.FLOAT32, true)));
    }

    @Test
    void alphaMustHaveOneValueOrOnePerPositionOfTheLastAxis() {
        assertEquals("alpha (length 3) must have length 1 or 4 (yPred's last axis), as it broadcasts along the last "
                + "axis", rejected(() -> ProbabilisticOps.categoricalFocalCrossentropy(T, P, new double[] {1, 2, 3}, 2,
                false, 0, -1, false, Precision.FLOAT32, true)));
        assertThrows(NullPointerException.class, () -> ProbabilisticOps.categoricalFocalCrossentropy(T, P, null, 2,
                false, 0, -1, false, Precision.FLOAT32, true));
    }

    @Test
    void shapesMustMatch() {
        NdArray wide = NdArray.of(new float[10], 2, 5);
        assertEquals("yTrue shape (2, 4) does not match yPred shape (2, 5): binary_crossentropy needs equal shapes (a "
                + "trailing 1 on one side is squeezed or expanded)", rejected(() -> ProbabilisticOps.binaryCrossentropy(
                T, wide, false, 0, -1, Precision.FLOAT32, true)));
        // Keras's kl_divergence, poisson and categorical_focal_crossentropy check no shapes: targets broadcast.
        NdArray row = NdArray.of(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 1, 4);
        NdArray rows = NdArray.of(new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.1f, 0.2f, 0.3f, 0.4f}, 2, 4);
        assertArrayEquals(ProbabilisticOps.klDivergence(rows, P, Precision.FLOAT32, true).values,
                ProbabilisticOps.klDivergence(row, P, Precision.FLOAT32, true).values);
        assertArrayEquals(ProbabilisticOps.poisson(rows, P, Precision.FLOAT32, false).values,
                ProbabilisticOps.poisson(row, P, Precision.FLOAT32, false).values);
        // Predictions are never broadcast to the targets.
        NdArray threeRows = NdArray.of(new float[12], 3, 4);
        assertEquals("yTrue shape (3, 4) does not match yPred shape (2, 4): kl_divergence needs equal shapes (a "
                + "trailing 1 on one side is squeezed or expanded) or targets that broadcast to the predictions' shape",
                rejected(() -> ProbabilisticOps.klDivergence(threeRows, P, Precision.FLOAT32, true)));
    }

    @Test
    void otherArgumentChecks() {
        NdArray ints = NdArray.of(new int[] {1, 0, 0, 1, 0, 1, 1, 0}, 2, 4);
        assertEquals("yPred dtype (int32) must be float32 or float64", rejected(
                () -> ProbabilisticOps.poisson(T, ints, Precision.FLOAT32, true)));
        NdArray scalar = NdArray.scalar(0.5f);
        assertEquals("yPred must have rank >= 1 for binary_crossentropy; got shape ()", rejected(
                () -> ProbabilisticOps.binaryCrossentropy(scalar, scalar, false, 0, -1, Precision.FLOAT32, true)));
        assertEquals("axis (2) must be in [-2, 2) for yPred of rank 2", rejected(
                () -> ProbabilisticOps.binaryCrossentropy(T, P, false, 0, 2, Precision.FLOAT32, true)));
        assertThrows(NullPointerException.class, () -> ProbabilisticOps.klDivergence(null, P, Precision.FLOAT32, true));
        // Targets of any numeric dtype are cast.
        assertArrayEquals(ProbabilisticOps.klDivergence(T, P, Precision.FLOAT32, true).values,
                ProbabilisticOps.klDivergence(ints, P, Precision.FLOAT32, true).values);
    }

    // ---- binary_accuracy ---------------------------------------------------------------------------------------

    @Test
    void binaryAccuracyKerasDocstring() {
        // m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]]) -> 0.75
        ElementValues v = AccuracyOps.binaryAccuracy(NdArray.of(new int[] {1, 1, 0, 0}, 4, 1),
                NdArray.of(new float[] {0.98f, 1, 0, 0.6f}, 4, 1), 0.5);
        assertArrayEquals(new double[] {1, 1, 1, 0}, v.values);
        assertArrayEquals(new int[] {4, 1}, v.shape);
    }

    @Test
    void binaryAccuracyThresholdIsFloat32() {
        NdArray label = NdArray.of(new float[] {1}, 1, 1);
        // f32(0.7) = 0.699999988 < 0.7: a float64 prediction of exactly 0.7 is above the threshold.
        assertEquals(1.0, AccuracyOps.binaryAccuracy(label, NdArray.of(new double[] {0.7}, 1, 1), 0.7).values[0]);
        assertEquals(0.0, AccuracyOps.binaryAccuracy(label, NdArray.of(new float[] {0.7f}, 1, 1), 0.7).values[0]);
    }

    @Test
    void binaryAccuracyShapes() {
        // The rank fix expands a rank-1 yTrue; what remains broadcasts.
        ElementValues expanded = AccuracyOps.binaryAccuracy(NdArray.of(new float[] {1, 0}, 2),
                NdArray.of(new float[] {0.9f, 0.4f}, 2, 1), 0.5);
        assertArrayEquals(new int[] {2, 1}, expanded.shape);
        assertArrayEquals(new double[] {1, 1}, expanded.values);
        ElementValues broadcast = AccuracyOps.binaryAccuracy(NdArray.of(new long[] {1, 0}, 2, 1),
                NdArray.of(new float[] {0.9f, 0.4f, 0.6f, 0.1f, 0.2f, 0.8f}, 2, 3), 0.5);
        assertArrayEquals(new int[] {2, 3}, broadcast.shape);
        assertArrayEquals(new double[] {1, 0, 1, 1, 1, 0}, broadcast.values);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AccuracyOps.binaryAccuracy(
                NdArray.of(new float[3], 3), NdArray.of(new float[4], 4), 0.5));
        assertEquals("yTrue shape (3,) does not broadcast with yPred shape (4,): binary_accuracy compares them "
                + "element by element (NumPy broadcasting, after squeezing or expanding a trailing 1)", e.getMessage());
    }

    @Test
    void binaryAccuracyNanAndFractions() {
        ElementValues v = AccuracyOps.binaryAccuracy(NdArray.of(new double[] {0, 1, 0.5, Double.NaN}, 4),
                NdArray.of(new float[] {Float.NaN, Float.NaN, 0.9f, 0.9f}, 4), 0.5);
        // NaN is not above the threshold (a 0); fractional and NaN labels never match.
        assertArrayEquals(new double[] {1, 0, 0, 0}, v.values);
        ElementValues ints = AccuracyOps.binaryAccuracy(NdArray.of(new int[] {1, 0, 1}, 3),
                NdArray.of(new int[] {1, 0, 0}, 3), 0.5);
        assertArrayEquals(new double[] {1, 1, 0}, ints.values);
    }
}
