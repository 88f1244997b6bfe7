package dev.xent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.xent.internal.kernel.Precision;
import dev.xent.ndarray.NdArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ProbabilisticGradients}: against {@code tf.GradientTape} through the Keras 3.15.1 loss classes on TensorFlow
 * 2.21 ({@code src/test/resources/golden/probabilistic-gradients.txt}, from
 * {@code tools/golden/generate_probabilistic_gradients.py}: sample
 * weights, every reduction, the rank fix, clip bounds hit exactly and passed, NaN, float64), and against central
 * finite differences in double over seeded random inputs (the seed is in each display name).
 */
class ProbabilisticGradientsTest {

    static final Path FILE = Path.of("src/test/resources/golden/probabilistic-gradients.txt");

    static double worstUlps;
    static String worstCase = "";

    /** One loss call: the function, its arguments, and how to evaluate values and gradients. */
    static final class Call {
        final String function;
        final Map<String, String> params;
        final NdArray yTrue;
        final NdArray yPred;
        final Precision precision;

        Call(String function, Map<String, String> params, NdArray yTrue, NdArray yPred, Precision precision) {
            this.function = function;
            this.params = params;
            this.yTrue = yTrue;
            this.yPred = yPred;
            this.precision = precision;
        }

        double param(String key, double fallback) {
            return params.containsKey(key) ? Double.parseDouble(params.get(key)) : fallback;
        }

        boolean flag(String key) {
            return Boolean.parseBoolean(params.getOrDefault(key, "False").toLowerCase(Locale.ROOT));
        }

        double[] alpha() {
            return params.containsKey("alpha") ? Arrays.stream(params.get("alpha").split("/"))
                    .mapToDouble(Double::parseDouble).toArray() : new double[] {0.25};
        }

        ElementValues values(NdArray pred) {
            boolean logits = flag("from_logits");
            double ls = param("label_smoothing", 0);
            int axis = (int) param("axis", -1);
            switch (function) {
                case "BinaryCrossentropy":
                    return ProbabilisticOps.binaryCrossentropy(yTrue, pred, logits, ls, axis, precision, true);
                case "BinaryFocalCrossentropy":
                    return ProbabilisticOps.binaryFocalCrossentropy(yTrue, pred, flag("apply_class_balancing"),
                            param("alpha", 0.25), param("gamma", 2.0), logits, ls, axis, precision, true);
                case "CategoricalFocalCrossentropy":
                    return ProbabilisticOps.categoricalFocalCrossentropy(yTrue, pred, alpha(), param("gamma", 2.0),
                            logits, ls, axis, false, precision, true);
                case "KLDivergence":
                    return ProbabilisticOps.klDivergence(yTrue, pred, precision, true);
                default:
                    return ProbabilisticOps.poisson(yTrue, pred, precision, true);
            }
        }

        double[] gradient(double[] upstream) {
            boolean logits = flag("from_logits");
            double ls = param("label_smoothing", 0);
            int axis = (int) param("axis", -1);
            switch (function) {
                case "BinaryCrossentropy":
                    return ProbabilisticGradients.binaryCrossentropy(yTrue, yPred, logits, ls, axis, precision,
                            upstream);
                case "BinaryFocalCrossentropy":
                    return ProbabilisticGradients.binaryFocalCrossentropy(yTrue, yPred, flag("apply_class_balancing"),
                            param("alpha", 0.25), param("gamma", 2.0), logits, ls, axis, precision, upstream);
                case "CategoricalFocalCrossentropy":
                    return ProbabilisticGradients.categoricalFocalCrossentropy(yTrue, yPred, alpha(),
                            param("gamma", 2.0), logits, ls, axis, false, precision, upstream);
                case "KLDivergence":
                    return ProbabilisticGradients.klDivergence(yTrue, yPred, precision, upstream);
                default:
                    return ProbabilisticGradients.poisson(yTrue, yPred, precision, upstream);
            }
        }
    }

    // ---- against TensorFlow --------------------------------------------------------------------------------------

    static final class Golden {
        final String name;
        final Call call;
        final NdArray sampleWeight;
        final String reduction;
        final double[] expected;

        Golden(String line) {
            String[] f = line.split("\\|", -1);
            name = f[0];
            Map<String, String> params = new HashMap<>();
            if (!f[2].isEmpty()) {
                for (String kv : f[2].split(";")) {
                    String[] p = kv.split("=", 2);
                    params.put(p[0], p[1]);
                }
            }
            NdArray yPred = ProbabilisticGoldenTest.array(f[6], f[7], f[8]);
            call = new Call(f[1], params, ProbabilisticGoldenTest.array(f[3], f[4], f[5]), yPred,
                    CrossEntropyOps.precisionOf(yPred));
            sampleWeight = f[9].equals("-") ? null : ProbabilisticGoldenTest.array("float32", f[9], f[10]);
            reduction = f[11].equals("None") ? "none" : f[11];
            expected = ProbabilisticGoldenTest.numbers(f[12]);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Golden> golden() {
        try {
            return Files.readAllLines(FILE).stream().filter(l -> !l.isBlank()).map(Golden::new);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Float32 within {@code 8 ulp + 2^-20 * scale} of TensorFlow's ({@code scale}: the largest gradient magnitude of the
     * case; backward sums run in another order), float64 within {@code 1e-12} relative to the scale.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void matchesGradientTape(Golden c) {
        ElementValues v = c.call.values(c.call.yPred);
        double[] got = c.call.gradient(Gradients.upstream(v, c.sampleWeight, c.reduction));
        assertEquals(c.expected.length, got.length, c.name);
        double scale = Arrays.stream(c.expected).filter(Double::isFinite).map(Math::abs).max().orElse(0);
        for (int i = 0; i < got.length; i++) {
            double want = c.expected[i];
            if (!Double.isFinite(want)) {
                if (Double.compare(want, got[i]) != 0) {
                    fail(c.name + " element " + i + ": " + got[i] + ", TensorFlow " + want);
                }
                continue;
            }
            double tol = c.call.precision == Precision.FLOAT64 ? 1e-12 * scale
                    : 8 * Math.ulp((float) want) + Math.scalb(scale, -20);
            if (!(Math.abs(got[i] - want) <= tol)) {
                fail(c.name + " element " + i + ": " + got[i] + ", TensorFlow " + want + ", |diff| "
                        + Math.abs(got[i] - want) + " > " + tol);
            }
            if (c.call.precision == Precision.FLOAT32 && want != 0) {
                double ulps = Math.abs(got[i] - want) / Math.ulp((float) want);
                if (ulps > worstUlps) {
                    worstUlps = ulps;
                    worstCase = c.name + " element " + i;
                }
            }
        }
    }

    @AfterAll
    static void printWorst() {
        System.out.printf(Locale.ROOT, "worst float32 gradient difference from TensorFlow: %.2f ulp (%s)%n", worstUlps,
                worstCase);
    }

    // ---- against central finite differences -----------------------------------------------------------------------

    static final class Random {
        final String function;
        final Map<String, String> params;
        final long seed;

        Random(String function, Map<String, String> params, long seed) {
            this.function = function;
            this.params = params;
            this.seed = seed;
        }

        @Override
        public String toString() {
            return function + " " + params + " seed=" + seed;
        }
    }

    static Stream<Random> random() {
        List<Random> out = new ArrayList<>();
        SplittableRandom pick = new SplittableRandom(5);
        String[][] variants = {
            {"BinaryCrossentropy", ""}, {"BinaryCrossentropy", "from_logits=True;label_smoothing=0.1"},
            {"BinaryCrossentropy", "axis=0"}, {"BinaryFocalCrossentropy", "gamma=2.0"},
            {"BinaryFocalCrossentropy", "from_logits=True;apply_class_balancing=True;gamma=1.5;label_smoothing=0.2"},
            {"BinaryFocalCrossentropy", "gamma=0.5;apply_class_balancing=True;alpha=0.7"},
            {"CategoricalFocalCrossentropy", "gamma=2.0"},
            {"CategoricalFocalCrossentropy", "from_logits=True;gamma=1.5;label_smoothing=0.1;alpha=0.5/0.1/0.3/0.9"},
            {"CategoricalFocalCrossentropy", "axis=0;gamma=3.0"}, {"KLDivergence", ""}, {"Poisson", ""},
        };
        for (String[] v : variants) {
            for (int k = 0; k < 3; k++) {
                Map<String, String> params = new HashMap<>();
                if (!v[1].isEmpty()) {
                    for (String kv : v[1].split(";")) {
                        String[] p = kv.split("=", 2);
                        params.put(p[0], p[1]);
                    }
                }
                out.add(new Random(v[0], params, pick.nextLong()));
            }
        }
        return out.stream();
    }

    /** Inputs away from the clip bounds and kinks, where the loss is smooth; sample weights per row. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("random")
    void matchesCentralFiniteDifferences(Random r) {
        SplittableRandom rnd = new SplittableRandom(r.seed);
        int rows = 3;
        int columns = 4;
        double[] t = new double[rows * columns];
        double[] p = new double[t.length];
        boolean logits = Boolean.parseBoolean(r.params.getOrDefault("from_logits", "False").toLowerCase(Locale.ROOT));
        for (int i = 0; i < t.length; i++) {
            t[i] = r.function.equals("Poisson") ? rnd.nextInt(4) : rnd.nextDouble();
            p[i] = logits ? rnd.nextDouble(-4, 4) : r.function.equals("Poisson") ? rnd.nextDouble(0.2, 5)
                    : rnd.nextDouble(0.05, 0.95);
        }
        NdArray yTrue = NdArray.of(t, rows, columns);
        NdArray sw = NdArray.of(new double[] {0.5, 1.5, 2.0}, rows);
        Call call = new Call(r.function, r.params, yTrue, NdArray.of(p, rows, columns), Precision.FLOAT64);
        String reduction = new String[] {"sum_over_batch_size", "sum", "mean_with_sample_weight"}[(int) (r.seed & 1)
                + (r.seed < 0 ? 1 : 0)];
        ElementValues v = call.values(call.yPred);
        NdArray weights = v.shape.length == 1 && v.shape[0] == rows ? sw : null;
        double[] upstream = Gradients.upstream(v, weights, reduction);
        double[] grad = call.gradient(upstream);
        for (int i = 0; i < p.length; i++) {
            double h = 1e-6 * Math.max(1, Math.abs(p[i]));
            double[] plus = p.clone();
            double[] minus = p.clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (weighted(call, plus, upstream) - weighted(call, minus, upstream)) / (2 * h);
            assertEquals(fd, grad[i], 1e-6 * Math.max(1, Math.abs(fd)), r + " element " + i + " (" + reduction + ")");
        }
    }

    /** {@code sum_r upstream[r] * value_r}: the reduced loss, whose upstream weights do not depend on the inputs. */
    static double weighted(Call call, double[] pred, double[] upstream) {
        ElementValues v = call.values(NdArray.of(pred, 0, call.yPred.shape()));
        double sum = 0;
        for (int r = 0; r < v.values.length; r++) {
            sum += upstream[r] * v.values[r];
        }
        return sum;
    }

    // ---- clip semantics --------------------------------------------------------------------------------------------

    @Test
    void clipPassesGradientAtItsBoundsAndNotBeyond() {
        Precision q = Precision.FLOAT32;
        double lo = q.clipLow;
        double hi = q.clipHigh;
        // At the bounds exactly: the log's gradient; beyond them and for NaN: 0.
        assertEquals(q.round(q.round(-1 * 1) * q.round(1 / lo)), ProbabilisticGradients.bceProbabilities(1, lo, 1, q));
        assertEquals(0.0, ProbabilisticGradients.bceProbabilities(1, Math.nextDown((float) lo), 1, q));
        assertEquals(0.0, ProbabilisticGradients.bceProbabilities(0, 1, 1, q));
        assertEquals(0.0, ProbabilisticGradients.bceProbabilities(0, Double.NaN, 1, q));
        assertEquals(q.round(q.round(-1) * q.round(1 / q.round(1 - hi))) * -1,
                ProbabilisticGradients.bceProbabilities(0, hi, 1, q));
        // KL divergence clips predictions to [eps, 1]: 1 passes, above does not.
        assertEquals(-0.5, ProbabilisticGradients.kl(0.5, 1, 1, q));
        assertEquals(0.0, ProbabilisticGradients.kl(0.5, Math.nextUp(1f), 1, q));
    }
}
