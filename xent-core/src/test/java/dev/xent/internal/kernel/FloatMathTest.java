package dev.xent.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The float32 {@code exp}/{@code log} polynomials and the double {@code log} of each row's result: accuracy against
 * {@code Math.exp}/{@code Math.log} over a dense sweep of their domains, special values, and (with the Vector API)
 * lane results bit-identical to the scalar twins.
 */
class FloatMathTest {

    /** Every {@code step}-th float bit pattern in {@code [lo, hi]} (both non-negative or both non-positive). */
    private static float[] sweep(float lo, float hi, int step) {
        int a = Float.floatToRawIntBits(lo);
        int b = Float.floatToRawIntBits(hi);
        int from = Math.min(a, b);
        int to = Math.max(a, b);
        float[] out = new float[(to - from) / step + 2];
        int n = 0;
        for (long i = from; i <= to; i += step) {
            out[n++] = Float.intBitsToFloat((int) i);
        }
        out[n++] = hi;
        return java.util.Arrays.copyOf(out, n);
    }

    private static double ulps(float got, double want) {
        return Math.abs(got - want) / Math.ulp((float) want);
    }

    /** Both forms of exp (the kernels use one per JVM, see VectorMath.FMA). */
    static java.util.stream.Stream<Arguments> exps() {
        return java.util.stream.Stream.of(
                Arguments.of("fused", (FloatUnaryOperator) FloatMath::expFused),
                Arguments.of("plain", (FloatUnaryOperator) FloatMath::expPlain));
    }

    interface FloatUnaryOperator {
        float apply(float x);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exps")
    void expWithinTwoUlpOnItsDomain(String form, FloatUnaryOperator exp) {
        double worst = 0;
        for (float x : sweep(FloatMath.EXP_UNDERFLOW, -0f, 211)) {
            double u = ulps(exp.apply(x), Math.exp(x));
            worst = Math.max(worst, u);
            assertTrue(u <= 2, () -> form + " exp(" + x + ") = " + exp.apply(x) + ", Math.exp " + Math.exp(x));
        }
        for (float x : sweep(-1e-30f, -0f, 1009)) { // tiny arguments
            assertTrue(ulps(exp.apply(x), Math.exp(x)) <= 2);
        }
        assertTrue(worst > 0, "the sweep ran");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exps")
    void expSpecialValues(String form, FloatUnaryOperator exp) {
        assertEquals(1f, exp.apply(0f));
        assertEquals(1f, exp.apply(-0f));
        assertEquals(0f, exp.apply(Float.NEGATIVE_INFINITY));
        assertEquals(0f, exp.apply(-1e4f));
        assertEquals(0f, exp.apply(-87.31f));
        assertTrue(Float.isNaN(exp.apply(Float.NaN)));
    }

    @Test
    void fmaChoice() {
        // VectorMath holds the species: it loads only with the Vector API (-Dxent.test.argLine= runs without it).
        assumeTrue(Kernels.vectorModulePresent(), "the Vector API is not enabled");
        assertTrue(VectorMath.fma("auto", "aarch64"));
        assertFalse(VectorMath.fma("false", "aarch64"));
        assertTrue(VectorMath.fma("true", "ppc64le"));
        assertFalse(VectorMath.fma("auto", "ppc64le"));
        assertEquals(VectorMath.LANES >= 8, VectorMath.fma("auto", "amd64"));
        assertEquals(VectorMath.FMA ? FloatMath.expFused(-1.2345f) : FloatMath.expPlain(-1.2345f),
                FloatMath.exp(-1.2345f));
    }

    @Test
    void logWithinTwoUlpOnClippedProbabilities() {
        for (float q : sweep((float) Precision.FLOAT32.clipLow, 1f, 13)) {
            double u = ulps(FloatMath.log(q), Math.log(q));
            assertTrue(u <= 2 || Math.abs(FloatMath.log(q) - Math.log(q)) <= 1e-12,
                    () -> "log(" + q + ") = " + FloatMath.log(q) + ", Math.log " + Math.log(q));
        }
        for (float q : sweep(Float.MIN_NORMAL, 1e30f, 997)) {
            assertTrue(ulps(FloatMath.log(q), Math.log(q)) <= 2, () -> "log(" + q + ")");
        }
    }

    @Test
    void logSpecialValues() {
        assertEquals(0f, FloatMath.log(1f));
        assertTrue(Float.isNaN(FloatMath.log(Float.NaN)));
        assertEquals((float) Math.log(Precision.FLOAT32.clipHigh), FloatMath.log((float) Precision.FLOAT32.clipHigh),
                Math.ulp(1.2e-7f));
    }

    /**
     * Arguments of the rows' final double log: every probability ratio a row can give ({@code [1e-7, 1e7]}), sums
     * of exps, values next to the polynomial's split near {@code sqrt(2)} and next to powers of two.
     */
    static double[] logDoubleArguments() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        double[] out = new double[200_000];
        int n = 0;
        while (n < 150_000) {
            out[n++] = Math.exp(rnd.nextDouble(Math.log(1e-7), Math.log(1e7)));
        }
        double split = Double.longBitsToDouble(FloatMath.ONE_BITS | (FloatMath.BIT52 - FloatMath.SQRT2_CARRY));
        for (int e = -30; e <= 30 && n + 40 <= out.length; e++) {
            double p = Math.scalb(1.0, e);
            double q = Math.scalb(split, e);
            for (int k = -4; k <= 4; k++) {
                out[n++] = p + k * Math.ulp(p);
                out[n++] = q + k * Math.ulp(q);
                out[n++] = Math.scalb(Math.sqrt(2), e) + k * Math.ulp(q);
            }
        }
        while (n < out.length) {
            out[n++] = 1 + rnd.nextDouble(-1e-6, 1e-6); // losses near 0: log of a ratio near 1
        }
        return out;
    }

    @Test
    void logDoubleWithinOneUlpOfMathLog() {
        double worst = 0;
        for (double x : logDoubleArguments()) {
            double want = Math.log(x);
            double got = FloatMath.logDouble(x);
            double u = want == 0 ? Math.abs(got) / Double.MIN_VALUE : Math.abs(got - want) / Math.ulp(want);
            worst = Math.max(worst, u);
            assertTrue(u <= 1, () -> "logDouble(" + x + ") = " + got + ", Math.log " + want);
        }
        assertTrue(worst > 0, "the sweep compared something");
        // Where float rounding follows: the result rounds to Math.log's float except at exact float ties.
        for (float p : sweep((float) Precision.FLOAT32.clipLow, 1f, 4001)) {
            assertEquals((float) Math.log(p), (float) FloatMath.logDouble(p), Math.ulp((float) Math.log(p)));
        }
    }

    @Test
    void logDoubleSpecialValues() {
        assertEquals(0.0, FloatMath.logDouble(1.0));
        assertEquals(Double.POSITIVE_INFINITY, FloatMath.logDouble(Double.POSITIVE_INFINITY));
        assertTrue(Double.isNaN(FloatMath.logDouble(Double.NaN)));
        assertEquals(Math.log(Double.MAX_VALUE), FloatMath.logDouble(Double.MAX_VALUE), Math.ulp(709.0));
        assertEquals(Math.log(Double.MIN_NORMAL), FloatMath.logDouble(Double.MIN_NORMAL), Math.ulp(708.0));
    }

    @ParameterizedTest(name = "fused={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void log1pUnitWithinOneUlpOnTheUnitInterval(boolean fused) {
        double worst = 0;
        for (float e : sweep(0f, 1f, 97)) {
            double u = ulps(FloatMath.log1pUnit(e, fused), Math.log1p(e));
            worst = Math.max(worst, u);
            assertTrue(u <= 1, () -> "log1pUnit(" + e + ") = " + FloatMath.log1pUnit(e, fused) + ", Math.log1p "
                    + Math.log1p(e));
        }
        assertTrue(worst > 0.5, "the sweep compared something: " + worst);
        assertEquals(0f, FloatMath.log1pUnit(0f, fused));
        assertEquals(Float.MIN_VALUE, FloatMath.log1pUnit(Float.MIN_VALUE, fused));
        assertEquals((float) Math.log(2), FloatMath.log1pUnit(1f, fused));
        assertTrue(Float.isNaN(FloatMath.log1pUnit(Float.NaN, fused)));
    }

    @ParameterizedTest(name = "fused={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void logFastWithinOneUlpOnClippedProbabilities(boolean fused) {
        double worst = 0;
        for (float p : sweep((float) Precision.FLOAT32.clipLow, 1f, 7)) {
            double u = ulps(FloatMath.logFast(p, fused), Math.log(p));
            worst = Math.max(worst, u);
            assertTrue(u <= 1, () -> "logFast(" + p + ") = " + FloatMath.logFast(p, fused) + ", Math.log "
                    + Math.log(p));
        }
        assertTrue(worst > 0.5, "the sweep compared something: " + worst);
        for (float p : sweep(1f, 1e7f, 97)) { // KL divergence's ratios
            assertTrue(ulps(FloatMath.logFast(p, fused), Math.log(p)) <= 1, () -> "logFast(" + p + ")");
        }
        if (!fused) {
            for (float p : sweep((float) Precision.FLOAT32.clipLow, 1f, 4001)) {
                assertEquals(Float.floatToIntBits(FloatMath.log(p)), Float.floatToIntBits(FloatMath.logFast(p, false)));
            }
        }
    }

    @ParameterizedTest(name = "fused={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void logAnyIsMathLogEverywhere(boolean fused) {
        for (float x : sweep(Float.MIN_VALUE, Float.MAX_VALUE, 65537)) {
            assertTrue(ulps(FloatMath.logAny(x, fused), Math.log(x)) <= 2, () -> "logAny(" + x + ") = "
                    + FloatMath.logAny(x, fused) + ", Math.log " + Math.log(x));
        }
        assertEquals(Float.NEGATIVE_INFINITY, FloatMath.logAny(0f, fused));
        assertEquals(Float.NEGATIVE_INFINITY, FloatMath.logAny(-0f, fused));
        assertTrue(Float.isNaN(FloatMath.logAny(-1f, fused)));
        assertTrue(Float.isNaN(FloatMath.logAny(Float.NEGATIVE_INFINITY, fused)));
        assertTrue(Float.isNaN(FloatMath.logAny(Float.NaN, fused)));
        assertEquals(Float.POSITIVE_INFINITY, FloatMath.logAny(Float.POSITIVE_INFINITY, fused));
    }

    @Test
    void vectorLanesAreTheScalarTwinsBitForBit() {
        assumeTrue(Kernels.vectorModulePresent(), "jdk.incubator.vector is not enabled (--add-modules)");
        VectorTwinCheck.run(sweep(-100f, -0f, 4099), sweep(Float.MIN_NORMAL, 1f, 4099));
        VectorTwinCheck.runLogDouble(logDoubleArguments());
        VectorTwinCheck.runLog1pAndLogAny(sweep(0f, 1f, 4099), sweep(Float.MIN_VALUE, Float.MAX_VALUE, 40009));
    }
}
