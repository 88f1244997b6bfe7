package dev.xent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link CompensatedSum} computes each addition's error by TwoSum; Neumaier's form (the textbook one, with a branch on
 * the magnitudes) computes the same exact error. Over random sums that mix magnitudes, signs, cancellations,
 * infinities and NaN, both give bit-identical results.
 */
class CompensatedSumTest {

    /**
     * Neumaier's algorithm as published: the reference, except that a sum which is not finite is the plain sum in
     * order (IEEE: +inf plus finite values is +inf), where the published form's error terms would make it NaN.
     */
    private static double neumaier(double[] values) {
        double sum = 0;
        double compensation = 0;
        for (double x : values) {
            double t = sum + x;
            if (Math.abs(sum) >= Math.abs(x)) {
                compensation += (sum - t) + x;
            } else {
                compensation += (x - t) + sum;
            }
            sum = t;
        }
        return Double.isFinite(sum) ? sum + compensation : sum;
    }

    static LongStream seeds() {
        return LongStream.range(0, 200);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void sameAsNeumaier(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] values = new double[1 + random.nextInt(2000)];
        boolean special = seed % 10 == 9; // every tenth sum also gets infinities or NaN
        for (int i = 0; i < values.length; i++) {
            double magnitude = Math.scalb(random.nextDouble(), random.nextInt(-60, 61));
            values[i] = random.nextBoolean() ? magnitude : -magnitude;
            int r = random.nextInt(100);
            if (r < 3 && i > 0) {
                values[i] = -values[i - 1]; // exact cancellation
            } else if (r < 5) {
                values[i] = Math.scalb(values[i], 900); // near overflow: sums that overflow to infinity
            } else if (special && r < 7) {
                double[] odd = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 0.0, -0.0,
                    Double.MIN_VALUE, Double.MAX_VALUE};
                values[i] = odd[random.nextInt(odd.length)];
            }
        }
        double want = neumaier(values);
        double got = CompensatedSum.of(values, 0, values.length);
        assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(got),
                () -> "seed " + seed + ": " + got + ", Neumaier " + want);
    }

    /** An infinite addend, or an overflow, leaves an infinite sum; only opposite infinities or NaN give NaN. */
    @Test
    void infinitiesSurvive() {
        double inf = Double.POSITIVE_INFINITY;
        double max = Double.MAX_VALUE;
        assertEquals(inf, CompensatedSum.of(new double[] {1, inf, 2}, 0, 3));
        assertEquals(inf, CompensatedSum.of(new double[] {inf, 1e-300, -5}, 0, 3));
        assertEquals(-inf, CompensatedSum.of(new double[] {0.1, -inf}, 0, 2));
        assertEquals(inf, CompensatedSum.of(new double[] {max, max, -1}, 0, 3), "overflow");
        assertEquals(-inf, CompensatedSum.of(new double[] {-max, -max}, 0, 2), "overflow");
        assertTrue(Double.isNaN(CompensatedSum.of(new double[] {inf, 1, -inf}, 0, 3)));
        assertTrue(Double.isNaN(CompensatedSum.of(new double[] {1, Double.NaN, inf}, 0, 3)));
        assertEquals(inf, new CompensatedSum().add(inf).value());
    }
}
