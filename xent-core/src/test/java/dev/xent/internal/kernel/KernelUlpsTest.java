package dev.xent.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * How far the SIMD kernels are from the scalar reference, in float32 ulps of the reference value, over the cases of
 * {@link KernelAgreementTest} and {@link ElementwiseAgreementTest}: the figures the README's "Speed and SIMD" section
 * gives, asserted here so that the text stays true. Float64 runs the reference in both (asserted bit for bit there).
 * Printed as a table after the run ({@code -Dtest=KernelUlpsTest}).
 */
class KernelUlpsTest {

    /** Per path: outputs compared, outputs with another value, the worst distance in ulps, the worst relative one. */
    static final class Tally {
        long outputs;
        long different;
        /** Worst |diff| in float32 ulps of the reference value. */
        double worstUlps;
        /** Worst |diff| in float32 ulps of max(|reference|, 1): relative above 1, absolute (in 2^-23) below. */
        double worstUlpsOfOne;
        /** Worst |diff| in float32 ulps of max(|reference|, scale) (element-wise: the scale of the terms). */
        double worstUlpsOfScale;
        /** Worst |diff| / |reference| among references of magnitude 1e-3 or more. */
        double worstRelative;

        void add(double want, double got, double scale) {
            if (Double.isNaN(want) || Double.isInfinite(want)) {
                return; // matched exactly by the agreement tests
            }
            outputs++;
            if (Double.compare(want, got) != 0) {
                different++;
                double d = Math.abs(got - want);
                worstUlps = Math.max(worstUlps, d / Math.ulp((float) want));
                worstUlpsOfOne = Math.max(worstUlpsOfOne, d / Math.ulp((float) Math.max(Math.abs(want), 1)));
                worstUlpsOfScale = Math.max(worstUlpsOfScale, d / Math.ulp((float) Math.max(Math.max(Math.abs(want),
                        scale), 0x1p-100)));
                if (Math.abs(want) >= 1e-3) {
                    worstRelative = Math.max(worstRelative, d / Math.abs(want));
                }
            }
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%7d outputs, %5.2f%% differ; worst: %9.1f ulp of the value, %5.1f ulp"
                    + " of max(|value|, 1), %5.1f ulp of max(|value|, scale), %.2e relative (|value| >= 1e-3)",
                    outputs, 100.0 * different / Math.max(1, outputs), worstUlps, worstUlpsOfOne, worstUlpsOfScale,
                    worstRelative);
        }
    }

    static final Map<String, Tally> TALLIES = Collections.synchronizedMap(new TreeMap<>());

    static Tally tally(String path) {
        return TALLIES.computeIfAbsent(path, k -> new Tally());
    }

    static String crossEntropyPath(KernelAgreementTest.Case c) {
        return (c.sparse ? "sparse " : "categorical ") + (c.mode == ProbabilityMode.LOGITS ? "logits" : "probabilities ("
                + c.mode.name().toLowerCase(Locale.ROOT) + ")");
    }

    @Test
    void crossEntropyAndElementwiseKernels() {
        String[] why = new String[1];
        CrossEntropyKernel vector = Kernels.vectorKernel(why);
        ElementwiseKernel elementwise = Kernels.vectorElementwise(why);
        assumeTrue(vector != null && elementwise != null, () -> "SIMD kernels unavailable: " + why[0]);
        // Beside the agreement tests' cases, larger ones: 250 to 50,000 rows of 2 to 1000 classes, every path.
        List<KernelAgreementTest.Case> large = new ArrayList<>();
        java.util.SplittableRandom pick = new java.util.SplittableRandom(18);
        for (int classes : new int[] {2, 3, 10, 100, 1000}) {
            for (ProbabilityMode mode : ProbabilityMode.values()) {
                for (boolean sparse : new boolean[] {true, false}) {
                    if (!sparse && mode == ProbabilityMode.CLIP_THEN_NORMALIZE) {
                        continue;
                    }
                    for (int s = 0; s < 2; s++) {
                        large.add(new KernelAgreementTest.Case(pick.nextLong(), sparse, mode, Precision.FLOAT32,
                                Math.min(50_000, 250_000 / classes), classes, 1, false, false));
                    }
                }
            }
        }
        java.util.stream.Stream.concat(KernelAgreementTest.cases(), large.stream())
                .filter(c -> c.precision == Precision.FLOAT32).forEach(c -> {
            KernelAgreementTest.Data d = new KernelAgreementTest.Data(c);
            double[] want = KernelAgreementTest.run(ScalarKernel.INSTANCE, c, d);
            double[] got = KernelAgreementTest.run(vector, c, d);
            Tally t = tally(crossEntropyPath(c) + (c.edges ? " +edges" : ""));
            for (int i = 0; i < want.length; i++) {
                t.add(want[i], got[i], 0);
            }
        });
        // The agreement test's cases, and each with edge values flipped (its rotation gives each function only one).
        ElementwiseAgreementTest.cases().filter(c -> c.precision == Precision.FLOAT32)
                .flatMap(c -> java.util.stream.Stream.of(c, new ElementwiseAgreementTest.Case(c.seed, c.fn,
                        c.precision, c.outer, c.n, c.inner, !c.edges, c.smoothing))).forEach(c -> {
            ElementwiseAgreementTest.Data d = new ElementwiseAgreementTest.Data(c);
            double[] want = ElementwiseAgreementTest.run(ScalarElementwise.INSTANCE, c, d);
            double[] got = ElementwiseAgreementTest.run(elementwise, c, d);
            double[] scale = ElementwiseAgreementTest.scales(c, d);
            Tally t = tally("element-wise " + c.fn.name().toLowerCase(Locale.ROOT) + (c.edges ? " +edges" : ""));
            for (int i = 0; i < want.length; i++) {
                t.add(want[i], got[i], scale[i]);
            }
            if (c.fn == ElementwiseAgreementTest.Fn.BCE || c.fn == ElementwiseAgreementTest.Fn.BCE_LOGITS
                    || c.fn == ElementwiseAgreementTest.Fn.KL || c.fn == ElementwiseAgreementTest.Fn.POISSON) {
                ElementwiseAgreementTest.assertClose(want, got, scale, c, "vector");
            } else {
                org.junit.jupiter.api.Assertions.assertArrayEquals(want, got, c.toString());
            }
        });
        List<String> lines = new ArrayList<>();
        TALLIES.forEach((path, t) -> lines.add(String.format(Locale.ROOT, "%-52s %s", path, t)));
        long rows = TALLIES.values().stream().mapToLong(t -> t.outputs).sum();
        System.out.println("SIMD (" + vector.name() + ") against the scalar reference, float32, " + rows
                + " finite rows:\n" + String.join("\n", lines));
        // The README's figures ("Speed and SIMD"): bit-identical, or within so many float32 ulps of the value (or of
        // max(|value|, 1) for logits, whose small losses come from a cancellation in log-sum-exp; or of the scale of
        // the terms for KL divergence and Poisson, whose terms have both signs).
        TALLIES.forEach((path, t) -> {
            String p = path.replace(" +edges", "");
            if (p.startsWith("sparse probabilities") || p.contains("focal")) {
                assertEquals(0, t.different, path + ": bit-identical " + t);
            } else if (p.startsWith("categorical probabilities") || p.equals("element-wise bce")) {
                assertTrue(t.worstUlps <= 2, path + ": within 2 ulps " + t);
            } else if (p.equals("sparse logits") || p.equals("element-wise bce_logits")) {
                assertTrue(t.worstUlpsOfOne <= 1, path + ": within 1 ulp of max(|value|, 1) " + t);
            } else if (p.equals("categorical logits")) {
                assertTrue(t.worstUlpsOfOne <= 2, path + ": within 2 ulps of max(|value|, 1) " + t);
            } else {
                assertTrue(t.worstUlpsOfScale <= 2, path + ": within 2 ulps of max(|value|, scale) " + t);
            }
        });
    }
}
