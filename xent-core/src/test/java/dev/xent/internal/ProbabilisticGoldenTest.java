package dev.xent.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.xent.internal.kernel.ElementwiseKernel;
import dev.xent.internal.kernel.Kernels;
import dev.xent.internal.kernel.Precision;
import dev.xent.ndarray.NdArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ProbabilisticOps} against real Keras 3.15.1 on TensorFlow 2.21 (CPU): the function form of each loss
 * ({@code keras.losses.binary_crossentropy(y_true, y_pred, ...)}, no rank fix) on Keras's own test and docstring
 * inputs, seeded random ones and edge values (NaN, infinities, 0, 1, the clip bounds, logits of +-100, +-1e4 and
 * +-1e30, smoothing, axes, class balancing, alpha lists, float64), with every kernel implementation.
 *
 * <p>The cases are {@code src/test/resources/golden/probabilistic.txt}, one per line ({@code name|function|params|
 * y_true dtype|shape|data|y_pred dtype|shape|data|result shape|data}), written by
 * {@code tools/golden/generate_probabilistic.py > xent-core/src/test/resources/golden/probabilistic.txt} (in the Keras
 * environment of {@code tools/golden/README.md}).
 *
 * <p>Tolerance: float32 results within {@code 4 ulp + 2^-22 * scale} of TensorFlow's, where {@code scale} is the
 * largest magnitude among the case's results (TensorFlow sums in float32 trees, we in double); float64 within
 * {@code 1e-12} relative. NaN where TensorFlow gives NaN, and the same infinities.
 */
class ProbabilisticGoldenTest {

    static final Path FILE = Path.of("src/test/resources/golden/probabilistic.txt");

    /** The worst float32 difference seen, in ulps of the expected value (printed after the run). */
    static double worstUlps;
    static String worstCase = "";

    static final class Case {
        final String name;
        final String function;
        final Map<String, String> params = new HashMap<>();
        final NdArray yTrue;
        final NdArray yPred;
        final int[] resultShape;
        final double[] expected;

        Case(String line) {
            String[] f = line.split("\\|", -1);
            name = f[0];
            function = f[1];
            if (!f[2].isEmpty()) {
                for (String kv : f[2].split(";")) {
                    String[] p = kv.split("=", 2);
                    params.put(p[0], p[1]);
                }
            }
            yTrue = array(f[3], f[4], f[5]);
            yPred = array(f[6], f[7], f[8]);
            resultShape = shape(f[9]);
            expected = numbers(f[10]);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static int[] shape(String s) {
        return s.equals("-") ? new int[0] : Arrays.stream(s.split("x")).mapToInt(Integer::parseInt).toArray();
    }

    static double[] numbers(String s) {
        return s.isEmpty() ? new double[0] : Arrays.stream(s.split(",")).mapToDouble(Double::parseDouble).toArray();
    }

    static NdArray array(String dtype, String shapeText, String data) {
        int[] shape = shape(shapeText);
        double[] v = numbers(data);
        switch (dtype) {
            case "float32": {
                float[] a = new float[v.length];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) v[i];
                }
                return NdArray.of(a, 0, shape);
            }
            case "float64":
                return NdArray.of(v, 0, shape);
            case "int32":
                return NdArray.of(Arrays.stream(v).mapToInt(x -> (int) x).toArray(), 0, shape);
            default:
                return NdArray.of(Arrays.stream(v).mapToLong(x -> (long) x).toArray(), 0, shape);
        }
    }

    static Stream<Case> cases() {
        try {
            return Files.readAllLines(FILE).stream().filter(l -> !l.isBlank()).map(Case::new);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double param(Case c, String key, double fallback) {
        return c.params.containsKey(key) ? Double.parseDouble(c.params.get(key)) : fallback;
    }

    static boolean flag(Case c, String key) {
        return Boolean.parseBoolean(c.params.getOrDefault(key, "False").toLowerCase(Locale.ROOT));
    }

    static ElementValues run(Case c) {
        Precision q = CrossEntropyOps.precisionOf(c.yPred);
        boolean logits = flag(c, "from_logits");
        double ls = param(c, "label_smoothing", 0);
        int axis = (int) param(c, "axis", -1);
        switch (c.function) {
            case "binary_crossentropy":
                return ProbabilisticOps.binaryCrossentropy(c.yTrue, c.yPred, logits, ls, axis, q, false);
            case "binary_focal_crossentropy":
                return ProbabilisticOps.binaryFocalCrossentropy(c.yTrue, c.yPred, flag(c, "apply_class_balancing"),
                        param(c, "alpha", 0.25), param(c, "gamma", 2.0), logits, ls, axis, q, false);
            case "categorical_focal_crossentropy": {
                double[] alpha = c.params.containsKey("alpha")
                        ? Arrays.stream(c.params.get("alpha").split("/")).mapToDouble(Double::parseDouble).toArray()
                        : new double[] {0.25};
                return ProbabilisticOps.categoricalFocalCrossentropy(c.yTrue, c.yPred, alpha, param(c, "gamma", 2.0),
                        logits, ls, axis, false, q, false);
            }
            case "kl_divergence":
                return ProbabilisticOps.klDivergence(c.yTrue, c.yPred, q, false);
            default:
                return ProbabilisticOps.poisson(c.yTrue, c.yPred, q, false);
        }
    }

    static Stream<ElementwiseKernel> kernels() {
        return Stream.of(Kernels.createElementwise("scalar", 1), Kernels.createElementwise("vector", 1),
                Kernels.createElementwise("vector", 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesKeras(Case c) {
        kernels().forEach(k -> {
            ElementValues v = Kernels.withElementwise(k, () -> run(c));
            String what = c.name + " (" + k.name() + ")";
            assertArrayEquals(c.resultShape, v.shape, what + " shape");
            assertEquals(c.expected.length, v.values.length, what);
            double scale = 0;
            for (double e : c.expected) {
                scale = Double.isFinite(e) ? Math.max(scale, Math.abs(e)) : scale;
            }
            for (int i = 0; i < c.expected.length; i++) {
                double want = c.expected[i];
                double got = v.values[i];
                if (!Double.isFinite(want)) {
                    if (Double.compare(want, got) != 0) {
                        fail(what + " value " + i + ": " + got + ", Keras " + want);
                    }
                    continue;
                }
                double tol = v.precision == Precision.FLOAT64 ? 1e-12 * Math.max(Math.abs(want), 1e-300)
                        : 4 * Math.ulp((float) want) + Math.scalb(scale, -22);
                if (!(Math.abs(got - want) <= tol)) {
                    fail(what + " value " + i + ": " + got + ", Keras " + want + ", |diff| " + Math.abs(got - want)
                            + " > " + tol);
                }
                if (v.precision == Precision.FLOAT32 && want != 0) {
                    double ulps = Math.abs(got - want) / Math.ulp((float) want);
                    synchronized (ProbabilisticGoldenTest.class) {
                        if (ulps > worstUlps) {
                            worstUlps = ulps;
                            worstCase = what + " value " + i;
                        }
                    }
                }
            }
        });
    }

    @AfterAll
    static void printWorst() {
        System.out.printf(Locale.ROOT, "worst float32 difference from Keras: %.2f ulp (%s)%n", worstUlps, worstCase);
    }
}
